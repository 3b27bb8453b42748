package dev.apns.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.gateway.AppKey;
import dev.apns.gateway.NotificationState;
import dev.apns.gateway.Postgres;
import dev.apns.gateway.store.ClaimedNotification;
import dev.apns.gateway.store.Database;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.NewNotification;
import dev.apns.gateway.store.NotificationUpdate;
import dev.apns.gateway.store.Result;
import dev.apns.gateway.store.StoredNotification;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recorder against results that a real database refuses (here by a trigger, as an operator's rule or a
 * constraint would): the refused entry is found among the others, which are all recorded whole, and is itself
 * recorded without its texts; an entry refused even then is left for the restart rules, and never blocks the
 * recorder. A NUL character from outside, which PostgreSQL cannot store in text, is stored as U+FFFD.
 */
class RecorderRefusalTest {
    private static final AppKey APP = new AppKey("com.example.app", "sandbox");
    private static final int COUNT = 50;
    private static final int POISONED = 17;
    private static final int REFUSED_EVEN_BARE = 30;
    private static final int WITH_NUL = 3;

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRefusedResultIsFoundAndRecordedWithoutItsTextsWhileTheOthersAreRecordedWhole(String store) throws Exception {
        try (Database database = store.equals("sqlite") ? Database.embedded(directory.resolve("data"))
                : Database.connect(Postgres.newDatabase(), null, null)) {
            JdbcStore queue = new JdbcStore(database);
            queue.saveApp(APP, "{}", "f", 0, 1);
            List<NewNotification> posted = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                posted.add(new NewNotification(APP, UUID.randomUUID().toString(), token(i), "{\"aps\":{}}", null, null,
                        null, null, null, null));
            }
            queue.enqueue(APP, null, posted, "{}", false, 1);
            queue.heartbeat("r", 1);
            List<ClaimedNotification> claimed = queue.claim("r", COUNT, 2);
            assertThat(claimed).hasSize(COUNT);
            refuseResults(database, store, claimed.get(REFUSED_EVEN_BARE).id());

            AtomicInteger written = new AtomicInteger();
            try (Recorder recorder = new Recorder(queue, "r", Clock.systemUTC(), written::addAndGet)) {
                recorder.start();
                for (int i = 0; i < COUNT; i++) {
                    recorder.add(new Recorder.Entry(APP, update(claimed.get(i).id(), i), null, null));
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (written.get() < COUNT && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }

            assertThat(written.get()).as("every entry is done with, the refused ones too").isEqualTo(COUNT);
            for (int i = 0; i < COUNT; i++) {
                StoredNotification stored = queue.notification(APP, posted.get(i).apnsId()).orElseThrow();
                if (i == REFUSED_EVEN_BARE) {
                    assertThat(stored.state()).as("left claimed, for the restart rules").isEqualTo(NotificationState.SENDING);
                } else if (i == POISONED) {
                    assertThat(stored.state()).isEqualTo(NotificationState.REJECTED);
                    Result result = stored.result().orElseThrow();
                    assertThat(result.httpStatus()).isEqualTo(400);
                    assertThat(result.reason()).isEqualTo("BadDeviceToken");
                    assertThat(result.detail()).contains("refused this result's text");
                } else if (i == WITH_NUL) {
                    assertThat(stored.state()).isEqualTo(NotificationState.ACCEPTED);
                    assertThat(stored.result().orElseThrow().uniqueId()).isEqualTo("ab\uFFFDcd");
                } else {
                    assertThat(stored.state()).as("notification %d", i).isEqualTo(NotificationState.ACCEPTED);
                    assertThat(stored.result().orElseThrow().uniqueId()).isEqualTo("unique-" + i);
                }
            }
        }
    }

    private static NotificationUpdate update(long id, int i) {
        if (i == POISONED || i == REFUSED_EVEN_BARE) {
            return new NotificationUpdate(id, NotificationState.REJECTED,
                    Result.failure(400, "BadDeviceToken", "poison", 0), 0, false);
        }
        String uniqueId = i == WITH_NUL ? "ab\u0000cd" : "unique-" + i;
        return new NotificationUpdate(id, NotificationState.ACCEPTED, Result.accepted(200, uniqueId), 0, false);
    }

    /** A trigger that refuses a result whose detail is 'poison', and any result at all for one row. */
    private static void refuseResults(Database database, String store, long alwaysRefused) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            if (store.equals("sqlite")) {
                statement.execute("CREATE TRIGGER refuse_poison BEFORE UPDATE ON notifications"
                        + " WHEN NEW.detail = 'poison' OR (NEW.id = " + alwaysRefused + " AND NEW.state <> 'sending')"
                        + " BEGIN SELECT RAISE(ABORT, 'refused by the test''s trigger'); END");
            } else {
                statement.execute("CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.detail = 'poison' OR (NEW.id = " + alwaysRefused + " AND NEW.state <> 'sending') THEN"
                        + " RAISE EXCEPTION 'refused by the test''s trigger'; END IF; RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER refuse_poison BEFORE UPDATE ON notifications FOR EACH ROW"
                        + " EXECUTE FUNCTION refuse_poison()");
            }
        }
    }

    private static String token(int i) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) (i >> 8);
        bytes[1] = (byte) i;
        return HexFormat.of().formatHex(bytes);
    }
}
