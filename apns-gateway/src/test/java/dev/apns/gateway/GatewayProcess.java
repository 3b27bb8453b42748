package dev.apns.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as a real operating-system process: {@code java -cp <this JVM's class path> GatewayMain ...} on a
 * port picked here, its log in a file. {@link #kill()} is SIGKILL (no shutdown hook runs); {@link #stop()} is
 * SIGTERM (the graceful stop). For the crash and multi-instance tests and the benchmark. The system property
 * {@code gateway.jvmArgs} adds options to its JVM (a profiler, a heap size).
 */
final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    /** 128 + SIGKILL (9): how the JDK reports a process the kernel killed. */
    static final int KILLED_EXIT = 137;

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private GatewayProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** A free loopback port, for a gateway that must come back on the same port after a restart. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a gateway process listening on {@code port} with the given options (beyond {@code --port}) and waits,
     * at most 60 s, until it says it is listening.
     *
     * @param logDirectory where its standard error (its log) goes, as {@code <name>.log}, appended
     */
    static GatewayProcess start(String name, Path logDirectory, int port, List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        String extra = System.getProperty("gateway.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GatewayMain.class.getName());
        command.add("--port");
        command.add(Integer.toString(port));
        command.addAll(options);
        Path log = logDirectory.resolve(name + ".log");
        Process process;
        try {
            Files.createDirectories(logDirectory);
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start gateway " + name, e);
        }
        // Should this JVM be stopped before the test closes it, the gateway goes too.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        CountDownLatch ready = new CountDownLatch(1);
        int[] listening = {-1};
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        listening[0] = Integer.parseInt(matcher.group(1));
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            }
            ready.countDown();
        }, "gateway-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        GatewayProcess started = new GatewayProcess(name, process, log, port);
        try {
            if (!ready.await(60, TimeUnit.SECONDS) || listening[0] != port) {
                started.kill();
                throw new IllegalStateException("gateway " + name + " did not start listening on " + port
                        + " within 60 s; its log:\n" + started.logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.kill();
            throw new IllegalStateException(e);
        }
        return started;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** A REST client of this gateway (no API key). */
    RestClient client() {
        return new RestClient(port, null);
    }

    /** SIGKILL, waiting at most 30 s for the process to go; its exit code (137 when the signal killed it). */
    int kill() {
        process.destroyForcibly();
        return awaitExit();
    }

    /** SIGTERM (the graceful stop), waiting at most 60 s; its exit code. */
    int stop() {
        process.destroy();
        return awaitExit();
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException("gateway " + name + " did not exit within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** The last lines of its log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The whole log. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "gateway " + name + " (pid " + process.pid() + ", port " + port + ")";
    }
}
