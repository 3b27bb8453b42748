package dev.apns.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a command may touch outside its arguments: standard input, output and error, the environment
 * variables, and the terminal (for the progress bar and the password prompt). The real process uses
 * {@link #system()}; tests pass their own streams and variables, so every command runs in process.
 * Immutable; the streams themselves are shared and not synchronised beyond what they do themselves.
 *
 * @param in standard input (tokens from {@code --tokens-file -}, the end of input that stops {@code mock})
 * @param out standard output: results, summaries, encoded bytes
 * @param err standard error: progress, warnings, the one-line problem reports
 * @param environment reads an environment variable ({@code --password-env}); {@code null} when unset
 * @param terminal the interactive terminal, when there is one
 */
public record Io(InputStream in, PrintStream out, PrintStream err, Function<String, String> environment,
                 Optional<Terminal> terminal) {

    public Io {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(terminal, "terminal");
    }

    /** The process's own streams, environment and console ({@link System#console()}). */
    public static Io system() {
        Console console = System.console();
        Charset charset = console != null ? console.charset() : Charset.defaultCharset();
        PrintStream out = new PrintStream(System.out, true, charset);
        PrintStream err = new PrintStream(System.err, true, charset);
        Terminal terminal = console == null ? null : prompt -> console.readPassword("%s", prompt);
        return new Io(System.in, out, err, System::getenv, Optional.ofNullable(terminal));
    }

    /** Streams and variables for tests: no terminal. */
    public static Io of(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(environment);
        return new Io(in, out, err, copy::get, Optional.empty());
    }

    /** The same, with this terminal. */
    public Io withTerminal(Terminal terminal) {
        return new Io(in, out, err, environment, Optional.of(terminal));
    }

    /** True when a person is likely watching: progress bars and prompts are shown only then. */
    public boolean isInteractive() {
        return terminal.isPresent();
    }

    /**
     * An interactive terminal: the progress bar is drawn on standard error only when there is one, and
     * passwords are asked on it without echo.
     */
    @FunctionalInterface
    public interface Terminal {
        /** Asks for a password without echoing it; {@code null} when the input ended. */
        char[] readPassword(String prompt);
    }
}
