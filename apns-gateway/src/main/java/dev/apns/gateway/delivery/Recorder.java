package dev.apns.gateway.delivery;

import dev.apns.gateway.AppKey;
import dev.apns.gateway.store.DeadToken;
import dev.apns.gateway.store.Disconnection;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.NotificationUpdate;
import dev.apns.gateway.store.Result;
import dev.apns.gateway.store.StoreException;
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
 * Values the database refuses (a trigger, a constraint, a text it cannot store) are found entry by entry and
 * written without their texts, so that one refused result never stops the recording of the others.
 */
final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    private static final int MAX_BATCH = 2_000;
    /** The reason recorded for a result whose reason the database refused. */
    static final String UNRECORDABLE = "Unrecordable";

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
                writeRefusing(batch);
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

    /**
     * Writes a batch; when the database refuses its values (not when it fails), finds the entries it refuses by
     * halving, so that one bad entry does not hold back the others for ever, and writes each refused one without
     * its texts. Failures other than refusals are thrown, and the whole batch is tried again later.
     */
    private void writeRefusing(List<Entry> batch) {
        try {
            write(batch);
        } catch (StoreException e) {
            if (!e.refusedTheData()) {
                throw e;
            }
            if (batch.size() > 1) {
                int half = batch.size() / 2;
                writeRefusing(batch.subList(0, half));
                writeRefusing(batch.subList(half, batch.size()));
            } else {
                writeWithoutTexts(batch.get(0), e);
            }
        }
    }

    /** The last resort for an entry the database refused: its state and status without the texts from outside. */
    private void writeWithoutTexts(Entry refused, StoreException why) {
        NotificationUpdate update = refused.update();
        if (update == null) {
            LOG.error("The database refused an entry of the disconnection log of {}; it is not recorded: {}",
                    refused.app(), why.getMessage());
            return;
        }
        Result result = update.result();
        String reason = result.reason() == null || result.reason().matches("[A-Za-z0-9_.-]{1,64}") ? result.reason()
                : UNRECORDABLE;
        Result bare = new Result(result.httpStatus(), reason,
                "The database refused this result's text; the reason is in the gateway's log.", result.invalidSince(),
                null);
        LOG.error("The database refused the result of notification {} ({}); it is recorded without its texts",
                update.id(), why.getMessage());
        try {
            write(List.of(new Entry(refused.app(),
                    new NotificationUpdate(update.id(), update.state(), bare, update.notBefore(), update.possiblySent()),
                    null, null)));
        } catch (StoreException again) {
            if (!again.refusedTheData()) {
                throw again;
            }
            LOG.error("The database refused the result of notification {} even without its texts ({}); it stays "
                    + "claimed by this instance and goes back to the queue, as possibly sent, when the instance "
                    + "restarts or stops heartbeating", update.id(), again.getMessage());
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
