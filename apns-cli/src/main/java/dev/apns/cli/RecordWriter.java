package dev.apns.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.apns.mock.h2.AcceptedNotification;
import dev.apns.mock.h2.MockApnsHttp2Server;
import dev.apns.mock.h2.RejectedRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code apns mock --record-to FILE}: writes every request the HTTP/2 mock answered as one JSON object a line, in
 * the order of the server's request numbers, so that tests written in any language can check what their client
 * sent. A thread of its own picks up what the server recorded a few times a second and flushes each time;
 * {@link #close()} writes the rest and closes the file. Lines:
 *
 * <pre>
 * {"request":1,"connection":1,"status":200,"path":"/3/device/TOKEN","token":"TOKEN",
 *  "headers":{"apns-topic":..,"apns-push-type":..,"apns-priority":..,"apns-id":..[,"apns-expiration":..][,"apns-collapse-id":..]},
 *  "auth":{"type":"token","teamId":..,"keyId":..} or {"type":"certificate","subject":..},"payload":"{...}"}
 * {"request":2,"connection":1,"status":410,"reason":"Unregistered","path":"/3/device/TOKEN","token":"TOKEN"}
 * </pre>
 */
final class RecordWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String DEVICE_PATH = "/3/device/";

    private final MockApnsHttp2Server server;
    private final Path file;
    private final BufferedWriter writer;
    private final Thread thread;
    private volatile boolean closing;
    private int acceptedWritten;
    private int rejectedWritten;

    private RecordWriter(MockApnsHttp2Server server, Path file, BufferedWriter writer) {
        this.server = server;
        this.file = file;
        this.writer = writer;
        this.thread = new Thread(this::loop, "apns-mock-recorder");
        this.thread.setDaemon(true);
    }

    /**
     * Opens (replaces) the file and starts recording.
     *
     * @throws CliException exit code 3 when the file cannot be written
     */
    static RecordWriter start(MockApnsHttp2Server server, Path file) {
        BufferedWriter writer;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.badInput("--record-to " + file + ": cannot be written: " + e.getMessage(), e);
        }
        RecordWriter recorder = new RecordWriter(server, file, writer);
        recorder.thread.start();
        return recorder;
    }

    private void loop() {
        try {
            while (!closing) {
                long seen = server.acceptedCount() + server.rejectedCount();
                server.awaitUntil(() -> closing || server.acceptedCount() + server.rejectedCount() != seen,
                        Duration.ofMillis(200));
                drain();
            }
            drain();
        } catch (IOException e) {
            LOG.error("Writing --record-to {} failed; recording stops: {}", file, e.toString());
        } finally {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.error("Closing --record-to {} failed: {}", file, e.toString());
            }
        }
    }

    private void drain() throws IOException {
        List<AcceptedNotification> accepted = server.accepted();
        List<RejectedRequest> rejected = server.rejected();
        if (accepted.size() < acceptedWritten || rejected.size() < rejectedWritten) {
            acceptedWritten = 0; // the server was reset: its lists start again
            rejectedWritten = 0;
        }
        List<Line> lines = new ArrayList<>();
        for (AcceptedNotification notification : accepted.subList(acceptedWritten, accepted.size())) {
            lines.add(new Line(notification.requestNumber(), accepted(notification)));
        }
        for (RejectedRequest request : rejected.subList(rejectedWritten, rejected.size())) {
            lines.add(new Line(request.requestNumber(), rejected(request)));
        }
        acceptedWritten = accepted.size();
        rejectedWritten = rejected.size();
        if (lines.isEmpty()) {
            return;
        }
        lines.sort(Comparator.comparingLong(Line::request));
        for (Line line : lines) {
            writer.write(line.json());
            writer.write('\n');
        }
        writer.flush();
    }

    private record Line(long request, String json) {
    }

    static String accepted(AcceptedNotification notification) {
        ObjectNode root = JSON.createObjectNode();
        root.put("request", notification.requestNumber());
        root.put("connection", notification.connection());
        root.put("status", 200);
        root.put("path", DEVICE_PATH + notification.token());
        root.put("token", notification.token());
        ObjectNode headers = root.putObject("headers");
        headers.put("apns-topic", notification.topic());
        headers.put("apns-push-type", notification.pushType());
        headers.put("apns-priority", Integer.toString(notification.priority()));
        headers.put("apns-id", notification.apnsId());
        notification.expiration().ifPresent(seconds -> headers.put("apns-expiration", Long.toString(seconds)));
        notification.collapseId().ifPresent(id -> headers.put("apns-collapse-id", id));
        ObjectNode auth = root.putObject("auth");
        if (notification.certificateSubject().isPresent()) {
            auth.put("type", "certificate").put("subject", notification.certificateSubject().get());
        } else {
            auth.put("type", "token").put("teamId", notification.teamId().orElse(null))
                    .put("keyId", notification.keyId().orElse(null));
        }
        root.put("payload", notification.payloadText());
        return write(root);
    }

    static String rejected(RejectedRequest request) {
        ObjectNode root = JSON.createObjectNode();
        root.put("request", request.requestNumber());
        root.put("connection", request.connection());
        root.put("status", request.status());
        root.put("reason", request.reason());
        root.put("path", request.path());
        root.put("token", request.path().startsWith(DEVICE_PATH) ? request.path().substring(DEVICE_PATH.length()) : null);
        return write(root);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A record could not be written as JSON.", e);
        }
    }

    /** Writes what is left and closes the file; waits at most two seconds. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
