package dev.apns.cli;

import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * What every {@code apns} subcommand shares: the run's {@link Io} (given by {@link Apns}'s factory) and the
 * {@code --verbose} flag. A subcommand returns its exit code, or throws a {@link CliException} for the
 * one-line report. One instance runs once; not thread-safe.
 */
abstract class Subcommand implements Callable<Integer> {
    /** Set by the factory right after construction. */
    Io io;

    @Mixin
    Verbosity verbosity;

    /** Standard output. */
    final java.io.PrintStream out() {
        return io.out();
    }

    /** Standard error. */
    final java.io.PrintStream err() {
        return io.err();
    }
}
