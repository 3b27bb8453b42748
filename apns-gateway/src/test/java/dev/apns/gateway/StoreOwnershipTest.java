package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apns.gateway.store.ClaimedNotification;
import dev.apns.gateway.store.Database;
import dev.apns.gateway.store.JdbcStore;
import dev.apns.gateway.store.NewNotification;
import dev.apns.gateway.store.NotificationUpdate;
import dev.apns.gateway.store.Result;
import dev.apns.gateway.store.StoredNotification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The queue's ownership rules on both real databases: a claim never hands a row to two instances, results are
 * written only by the instance that holds the claim (also on PostgreSQL's one-statement path for acceptances), and an
 * instance that restarts under its old id takes back what its previous run left claimed, marked possibly sent.
 */
class StoreOwnershipTest {
    private static final AppKey APP = new AppKey(MockApns.TOPIC, "sandbox");

    @TempDir
    Path directory;

    private Database open(String store) {
        return store.equals("sqlite") ? Database.embedded(directory.resolve("data"))
                : Database.connect(Postgres.newDatabase(), null, null);
    }

    private static List<NewNotification> notifications(int count) {
        List<NewNotification> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new NewNotification(APP, UUID.randomUUID().toString(), GatewayEndToEndTest.token(i),
                    "{\"aps\":{}}", null, null, null, null, null, null));
        }
        return list;
    }

    private static List<NotificationUpdate> accepted(List<ClaimedNotification> claimed) {
        List<NotificationUpdate> updates = new ArrayList<>();
        for (ClaimedNotification c : claimed) {
            updates.add(new NotificationUpdate(c.id(), NotificationState.ACCEPTED,
                    Result.accepted(200, UUID.randomUUID().toString()), 0, false));
        }
        return updates;
    }

    private static List<Long> ids(List<ClaimedNotification> claimed) {
        return claimed.stream().map(ClaimedNotification::id).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void onlyTheOwnerRecordsAndARestartedInstanceTakesBackWhatItsEarlierRunHeld(String store) {
        try (Database database = open(store)) {
            JdbcStore queue = new JdbcStore(database);
            queue.saveApp(APP, "{}", "f", 0, 1);
            queue.enqueue(APP, null, notifications(10), "{}", false, 1);
            queue.heartbeat("a", 1);
            queue.heartbeat("b", 1);

            List<ClaimedNotification> byA = queue.claim("a", 6, 2);
            List<ClaimedNotification> byB = queue.claim("b", 6, 2);
            assertThat(byA).hasSize(6);
            assertThat(byB).hasSize(4);
            assertThat(ids(byA)).doesNotContainAnyElementsOf(ids(byB));

            assertThat(queue.record("b", accepted(byA), 3)).as("b recording a's claims").isZero();
            assertThat(queue.record("b", accepted(byB), 3)).isEqualTo(4);

            // "a" is killed and starts again under the same id: its heartbeat is fresh at once, so no reaper would
            // ever free its rows; it takes them back itself, as possibly sent.
            queue.heartbeat("a", 10);
            assertThat(queue.releaseAbandoned(5)).isZero();
            assertThat(queue.releaseLeftBy("a")).isEqualTo(6);
            assertThat(queue.record("a", accepted(byA), 11)).as("the old run's results, after the release").isZero();
            List<ClaimedNotification> again = queue.claim("a", 10, 12);
            assertThat(ids(again)).containsExactlyElementsOf(ids(byA));
            assertThat(queue.record("a", accepted(again), 13)).isEqualTo(6);
            assertThat(queue.depth()).isZero();

            StoredNotification resent = queue.notification(APP, again.get(0).notification().apnsId()).orElseThrow();
            assertThat(resent.state()).isEqualTo(NotificationState.ACCEPTED);
            assertThat(resent.possiblySent()).isTrue();
            assertThat(resent.finishedAt()).isEqualTo(13);
            assertThat(resent.result()).hasValueSatisfying(result -> {
                assertThat(result.httpStatus()).isEqualTo(200);
                assertThat(result.reason()).isNull();
                assertThat(result.uniqueId()).isNotNull();
            });
            StoredNotification once = queue.notification(APP, byB.get(0).notification().apnsId()).orElseThrow();
            assertThat(once.state()).isEqualTo(NotificationState.ACCEPTED);
            assertThat(once.possiblySent()).isFalse();
        }
    }
}
