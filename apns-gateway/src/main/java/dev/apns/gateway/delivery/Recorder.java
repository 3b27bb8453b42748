package dev.apns.gateway.delivery;

import dev.apns.gateway.AppKey;
import dev.apns.gateway.store.DeadToken;
import dev.apns.gateway.store.Disconnection;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.NotificationUpdate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what became of claimed notifications to the store in batches, on its own thread, so that the
 * sender's threads never wait for the database. A batch that the database refuses is kept and written again
 * (nothing is dropped); once written, {@code onWritten} learns how many were, which frees room for claiming.
 */
final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    private static final int MAX_BATCH = 2_000;

    /**
     * One thing to write: an update of a claimed notification (null for a disconnection alone), with the dead
     * token and disconnection it brought, if any.
     */
    record Entry(AppKey app, NotificationUpdate update, DeadToken deadToken, Disconnection disconnection) {
    }

    private final JdbcStore store;
    private final String owner;
    private final Clock clock;
    private final IntConsumer onWritten;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopping;

    Recorder(JdbcStore store, String owner, Clock clock, IntConsumer onWritten) {
        this.store = store;
        this.owner = owner;
        this.clock = clock;
        this.onWritten = onWritten;
        this.thread = new Thread(this::run, "apns-gateway-recorder");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues an entry; never blocks (the number of entries is bounded by the notifications in flight). */
    void add(Entry entry) {
        queue.add(entry);
    }

    private void run() {
        List<Entry> batch = new ArrayList<>();
        while (!stopping || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Entry first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
                write(batch);
                onWritten.accept((int) batch.stream().filter(entry -> entry.update() != null).count());
                batch.clear();
            } catch (InterruptedException e) {
                if (!stopping) {
                    LOG.warn("The gateway's recorder was interrupted; it goes on until stopped");
                }
            } catch (RuntimeException e) {
                LOG.error("Could not record {} results (kept, trying again in 1 s): {}", batch.size(), e.getMessage());
                pause();
            }
        }
    }

    private void write(List<Entry> batch) {
        List<NotificationUpdate> updates = new ArrayList<>(batch.size());
        Map<AppKey, List<DeadToken>> dead = new LinkedHashMap<>();
        Map<AppKey, List<Disconnection>> disconnections = new LinkedHashMap<>();
        for (Entry entry : batch) {
            if (entry.update() != null) {
                updates.add(entry.update());
            }
            if (entry.deadToken() != null) {
                dead.computeIfAbsent(entry.app(), k -> new ArrayList<>()).add(entry.deadToken());
            }
            if (entry.disconnection() != null) {
                disconnections.computeIfAbsent(entry.app(), k -> new ArrayList<>()).add(entry.disconnection());
            }
        }
        long now = clock.millis();
        // Dead tokens and the log first: should the results then fail and the batch be written again, a dead token
        // is replaced by itself and a disconnection is logged twice; no result is lost.
        dead.forEach((app, tokens) -> store.addDeadTokens(app, tokens, now));
        disconnections.forEach(store::addDisconnections);
        dead.clear();
        disconnections.clear();
        store.record(owner, updates, now);
    }

    private static void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, then stops; waits at most {@code millis}. */
    @Override
    public void close() {
        close(10_000);
    }

    void close(long millis) {
        stopping = true;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The gateway's recorder did not finish within {} ms; {} results are not recorded and their"
                    + " notifications will be sent again", millis, queue.size());
        }
    }
}
