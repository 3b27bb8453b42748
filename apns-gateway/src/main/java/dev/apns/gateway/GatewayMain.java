package dev.apns.gateway;

import picocli.CommandLine;

/** The runnable jar's entry point: {@code java -jar apns-gateway.jar [options]}, the same as {@code apns gateway}. */
public final class GatewayMain {
    private GatewayMain() {
    }

    /** Runs the gateway until it is stopped. */
    public static void main(String[] args) {
        chooseLogFormat(args);
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

    /**
     * Points Logback at the text or JSON configuration in this jar, from {@code --log-format} or the
     * {@code APNS_GATEWAY_LOG_FORMAT} variable, before the first logger exists; a {@code logback.configurationFile}
     * the user set wins.
     */
    static void chooseLogFormat(String[] args) {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        String format = System.getenv().getOrDefault("APNS_GATEWAY_LOG_FORMAT", "text");
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--log-format=")) {
                format = args[i].substring("--log-format=".length());
            } else if (args[i].equals("--log-format") && i + 1 < args.length) {
                format = args[i + 1];
            }
        }
        System.setProperty("logback.configurationFile",
                format.equals("json") ? "apns-gateway-logback-json.xml" : "apns-gateway-logback-text.xml");
    }
}
