package dev.apns.cli;

import picocli.CommandLine.Option;

/**
 * The {@code -v}/{@code --verbose} flag, mixed into every command so that it is accepted before and after
 * the command name: stack traces for failures, and the SDK's log at DEBUG instead of WARN (on standard
 * error). {@link Apns} reads it from the parse result, which covers both places. One instance per command
 * run; not thread-safe.
 */
final class Verbosity {
    @Option(names = {"-v", "--verbose"}, description = "Print stack traces and the SDK's debug log on standard error.")
    boolean verbose;
}
