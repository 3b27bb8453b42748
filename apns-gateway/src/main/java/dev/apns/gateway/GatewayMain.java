package dev.apns.gateway;

import picocli.CommandLine;

/** The runnable jar's entry point: {@code java -jar apns-gateway.jar [options]}, the same as {@code apns gateway}. */
public final class GatewayMain {
    private GatewayMain() {
    }

    /** Runs the gateway until it is stopped. */
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new GatewayCommand());
        // The same exit codes as 'apns gateway': 3 for bad input (an option, the configuration), 2 for the rest.
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println("apns gateway: " + e.getMessage() + " See --help.");
            return 3;
        });
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("apns gateway: " + e.getMessage());
            return 2;
        });
        System.exit(commandLine.execute(args));
    }
}
