package dev.apns.mock;

import dev.apns.mock.binary.BinaryMockProgram;
import dev.apns.mock.h2.Http2MockProgram;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a mock APNs server as a process: for benchmarks that need the server in a JVM of its own, and for tests
 * written in other languages. Usage:
 *
 * <pre>
 * java -cp ... dev.apns.mock.MockApnsMain [--protocol http2|binary] [the options of that protocol]
 * </pre>
 *
 * HTTP/2 is the default, as in the SDK; its options and what it prints are described by {@link Http2MockProgram},
 * those of the binary gateway and feedback service by {@link BinaryMockProgram}. Both print their endpoints and
 * credentials, then {@code ready}, and serve until standard input reaches its end or the process is killed, answering
 * commands read from standard input ({@code count}, {@code reset}). Exit status 2 for bad arguments, 1 when the
 * server cannot start. {@link MockApnsProcess} and {@link MockApnsHttp2Process} start it from Java.
 */
public final class MockApnsMain {
    private static final String USAGE = "Usage: MockApnsMain [--protocol http2|binary] [the options of that protocol]";

    private MockApnsMain() {
    }

    /** Runs the server as described above; exits with the status {@link #run} returns when it is not 0. */
    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * The program, with its streams given: picks the protocol ({@code --protocol}, anywhere among the arguments) and
     * hands the other arguments to that protocol's program. Returns the exit status.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String protocol = "http2";
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--protocol")) {
                if (i + 1 >= args.length) {
                    err.println("--protocol needs a value: http2 or binary.");
                    err.println(USAGE);
                    return 2;
                }
                protocol = args[++i];
            } else {
                rest.add(args[i]);
            }
        }
        String[] options = rest.toArray(String[]::new);
        // Each program is loaded only when chosen: the binary one runs on a class path without Netty.
        return switch (protocol) {
            case "http2", "h2" -> Http2MockProgram.run(options, in, out, err);
            case "binary" -> BinaryMockProgram.run(options, in, out, err);
            default -> {
                err.println("--protocol is http2 or binary; was '" + protocol + "'.");
                err.println(USAGE);
                yield 2;
            }
        };
    }
}
