package dev.apns.mock.binary;

import dev.apns.FeedbackEntry;
import dev.apns.protocol.binary.FeedbackEncoder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A feedback connection: writes the queued tuples (in chunks with a flush each, when scripted), then
 * closes with a TLS close_notify, or aborts with a TCP reset after the scripted number of tuples.
 */
final class FeedbackConnection extends ServerConnection {
    private static final Logger log = LoggerFactory.getLogger(FeedbackConnection.class);

    /** What one feedback connection serves; taken from the server's script when it opens. */
    record Plan(List<FeedbackEntry> entries, int chunkBytes, int failAfter) {
    }

    FeedbackConnection(MockApnsServer server, Socket raw, String name) {
        super(server, raw, name);
    }

    @Override
    boolean isGateway() {
        return false;
    }

    @Override
    void serve() throws IOException {
        Plan plan = server.takeFeedback();
        boolean fail = plan.failAfter() >= 0;
        int count = fail ? Math.min(plan.failAfter(), plan.entries().size()) : plan.entries().size();
        int size = 0;
        for (int i = 0; i < count; i++) {
            size += FeedbackEncoder.tupleSize(plan.entries().get(i).token().length());
        }
        ByteBuffer bytes = ByteBuffer.allocate(size);
        for (int i = 0; i < count; i++) {
            FeedbackEntry entry = plan.entries().get(i);
            FeedbackEncoder.writeTuple(bytes, entry.time().getEpochSecond(), entry.token().toBytes());
        }
        OutputStream out = tls.getOutputStream();
        int chunk = plan.chunkBytes() > 0 ? plan.chunkBytes() : Math.max(1, size);
        for (int offset = 0; offset < size; offset += chunk) {
            out.write(bytes.array(), offset, Math.min(chunk, size - offset));
            out.flush();
        }
        if (fail) {
            log.debug("{}: aborting after {} feedback entries as scripted", name, count);
            abort();
        } else {
            log.debug("{}: served {} feedback entries", name, count);
            tls.close();
        }
    }
}
