package dev.apns.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs {@code apns} commands in process with captured streams, as the tests' one way in. */
final class CliRunner {
    private CliRunner() {
    }

    /** What a command did. */
    record Run(int exitCode, byte[] outBytes, String err) {
        String out() {
            return new String(outBytes, StandardCharsets.UTF_8);
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run run(String... args) {
        return run(Map.of(), InputStream.nullInputStream(), args);
    }

    static Run run(Map<String, String> environment, String... args) {
        return run(environment, InputStream.nullInputStream(), args);
    }

    static Run runWithInput(String stdin, String... args) {
        return run(Map.of(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    static Run run(Map<String, String> environment, InputStream in, String... args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        return run(Io.of(in, nowhere, nowhere, environment), args);
    }

    /** Runs with {@code io}'s input, environment and terminal, capturing output and error. */
    static Run run(Io io, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io captured = new Io(io.in(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), io.environment(), io.terminal());
        int code = Apns.commandLine(captured).execute(args);
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
