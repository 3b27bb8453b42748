package dev.apns.gateway;

import picocli.CommandLine;

/** The runnable jar's entry point: {@code java -jar apns-gateway.jar [options]}, the same as {@code apns gateway}. */
public final class GatewayMain {
    private GatewayMain() {
    }

    /** Runs the gateway until it is stopped. */
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new GatewayCommand());
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("apns gateway: " + e.getMessage());
            return e instanceof InvalidFieldException || e instanceof IllegalStateException
                    || e instanceof IllegalArgumentException ? 3 : 2;
        });
        System.exit(commandLine.execute(args));
    }
}
