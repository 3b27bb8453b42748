package dev.apns.cli;

/**
 * Configures slf4j-simple, which the executable jar logs through, before the first logger is made: to
 * standard error, at WARN, or DEBUG with {@code --verbose}. Other settings given with {@code -D} on the java
 * command line are kept, and so is a level given that way unless {@code --verbose} raises it. Once a logger
 * exists (as in a test JVM) these settings no longer change anything. Stateless; call it from one thread.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    static void configure(boolean verbose) {
        if (verbose) {
            System.setProperty(PREFIX + "defaultLogLevel", "debug");
        } else {
            setIfAbsent("defaultLogLevel", "warn");
        }
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("showThreadName", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
