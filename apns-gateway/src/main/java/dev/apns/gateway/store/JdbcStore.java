package dev.apns.gateway.store;

import dev.apns.gateway.AppKey;
import dev.apns.gateway.NotificationState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The gateway's queue and records in a SQL database (SQLite or PostgreSQL, one schema): apps, notifications
 * with their states and results, idempotency keys, dead tokens, the disconnection log and the live instances.
 *
 * <p>Claiming is what lets several instances share one queue: a claim marks rows {@code sending} with the
 * claimer's id in one statement (PostgreSQL skips rows another claimer has locked), and every later update of a
 * claimed row names its owner, so an instance that was presumed dead cannot overwrite what another did since.
 * Rows whose owner stopped sending heartbeats go back to the queue, marked as possibly sent.
 */
public final class JdbcStore {
    private static final String NOTIFICATION_COLUMNS = "id, apns_id, app_id, environment, token, payload, identifier,"
            + " expiry, priority, push_type, collapse_id, topic, attempts";

    private final DataSource dataSource;
    private final Dialect dialect;
    /**
     * SQLite has one writer at a time; a writer that finds the database locked sleeps in SQLite's busy handler (1 to
     * 100 ms a time) instead of being woken when the lock is free, and the POSTs, claims and results of a busy
     * gateway would spend most of their time asleep. Writes on SQLite therefore take turns on this fair lock, in
     * the JVM, first. PostgreSQL's writers need no such thing (null).
     */
    private final ReentrantLock sqliteWriter;

    /** A store on an opened (and migrated) database. */
    public JdbcStore(Database database) {
        this.dataSource = database.dataSource();
        this.dialect = database.dialect();
        this.sqliteWriter = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
    }

    // ---- apps

    /** Every provisioned app, ordered by app id and environment. */
    public List<AppRecord> apps() {
        return query("read the apps", "SELECT app_id, environment, spec, fingerprint, expires_at, version, updated_at"
                + " FROM apps ORDER BY app_id, environment", statement -> { }, JdbcStore::appRecord);
    }

    /** One app, if provisioned. */
    public Optional<AppRecord> app(AppKey key) {
        return query("read app " + key, "SELECT app_id, environment, spec, fingerprint, expires_at, version, updated_at"
                + " FROM apps WHERE app_id = ? AND environment = ?", statement -> bindApp(statement, 1, key),
                JdbcStore::appRecord).stream().findFirst();
    }

    /** Provisions an app, or re-provisions it with a higher version. */
    public AppRecord saveApp(AppKey key, String spec, String fingerprint, long expiresAt, long now) {
        return transaction("provision app " + key, connection -> {
            long version;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version FROM apps WHERE app_id = ? AND environment = ?")) {
                bindApp(select, 1, key);
                try (ResultSet rows = select.executeQuery()) {
                    version = rows.next() ? rows.getLong(1) + 1 : 1;
                }
            }
            String sql = version == 1
                    ? "INSERT INTO apps (spec, fingerprint, expires_at, version, updated_at, app_id, environment)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)"
                    : "UPDATE apps SET spec = ?, fingerprint = ?, expires_at = ?, version = ?, updated_at = ?"
                            + " WHERE app_id = ? AND environment = ?";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, spec);
                statement.setString(2, fingerprint);
                statement.setLong(3, expiresAt);
                statement.setLong(4, version);
                statement.setLong(5, now);
                bindApp(statement, 6, key);
                statement.executeUpdate();
            }
            return new AppRecord(key, spec, fingerprint, expiresAt, version, now);
        });
    }

    // ---- the queue

    /**
     * Stores a list of notifications in one transaction, with the response the client is to get. With an
     * idempotency key that was used before for this app, nothing is stored and the earlier response is returned.
     *
     * @param idempotencyKey the client's key, or null
     * @param callback       whether the app wants results posted to its callback URL (they are then pending)
     * @return empty when stored now; the earlier response when the key was used before
     */
    public Optional<String> enqueue(AppKey app, String idempotencyKey, List<NewNotification> notifications,
                                    String response, boolean callback, long now) {
        return transaction("store " + notifications.size() + " notifications for " + app, connection -> {
            if (idempotencyKey != null) {
                Optional<String> earlier = earlierResponse(connection, app, idempotencyKey);
                if (earlier.isPresent()) {
                    return earlier;
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO requests"
                        + " (app_id, environment, idem_key, response, created_at) VALUES (?, ?, ?, ?, ?)")) {
                    bindApp(insert, 1, app);
                    insert.setString(3, idempotencyKey);
                    insert.setString(4, response);
                    insert.setLong(5, now);
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notifications (apns_id, app_id,"
                    + " environment, token, payload, identifier, expiry, priority, push_type, collapse_id, topic,"
                    + " state, not_before, created_at, callback_state)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)")) {
                for (NewNotification n : notifications) {
                    insert.setString(1, n.apnsId());
                    bindApp(insert, 2, n.app());
                    insert.setString(4, n.token());
                    insert.setString(5, n.payload());
                    insert.setString(6, n.identifier());
                    setLong(insert, 7, n.expiry());
                    setInt(insert, 8, n.priority());
                    insert.setString(9, n.pushType());
                    insert.setString(10, n.collapseId());
                    insert.setString(11, n.topic());
                    insert.setLong(12, now);
                    insert.setLong(13, now);
                    insert.setString(14, callback ? "pending" : null);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return Optional.<String>empty();
        });
    }

    private static Optional<String> earlierResponse(Connection connection, AppKey app, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT response FROM requests WHERE app_id = ? AND environment = ? AND idem_key = ?")) {
            bindApp(select, 1, app);
            select.setString(3, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Claims up to {@code max} queued notifications that are due, oldest first, for {@code owner}: they become
     * {@code sending}, owned by it, with one more attempt counted.
     */
    public List<ClaimedNotification> claim(String owner, int max, long now) {
        String sql = "UPDATE notifications SET state = 'sending', owner = ?, attempts = attempts + 1"
                + " WHERE id IN (SELECT id FROM notifications WHERE state = 'queued' AND not_before <= ?"
                + " ORDER BY id LIMIT ?" + dialect.skipLocked() + ") RETURNING " + NOTIFICATION_COLUMNS + ", created_at";
        return transaction("claim notifications", connection -> {
            List<ClaimedNotification> claimed = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, owner);
                statement.setLong(2, now);
                statement.setInt(3, max);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        claimed.add(new ClaimedNotification(rows.getLong(1), notification(rows, 2), rows.getInt(13),
                                rows.getLong(14)));
                    }
                }
            }
            claimed.sort((a, b) -> Long.compare(a.id(), b.id()));
            return claimed;
        });
    }

    /**
     * Records what became of claimed notifications, in one transaction. An update of a row that {@code owner}
     * no longer owns (it was given back to the queue meanwhile) changes nothing.
     *
     * @return how many rows were updated
     */
    public int record(String owner, List<NotificationUpdate> updates, long now) {
        if (updates.isEmpty()) {
            return 0;
        }
        String sql = "UPDATE notifications SET state = ?, owner = NULL, finished_at = ?, not_before = ?,"
                + " http_status = ?, reason = ?, detail = ?, invalid_since = ?, apns_unique_id = ?,"
                + " possibly_sent = (possibly_sent OR ?) WHERE id = ? AND owner = ?";
        return transaction("record " + updates.size() + " results", connection -> {
            List<NotificationUpdate> others = updates;
            int changed = 0;
            if (dialect == Dialect.POSTGRESQL) {
                others = new ArrayList<>();
                changed = recordAcceptedInOne(connection, owner, updates, others, now);
                if (others.isEmpty()) {
                    return changed;
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (NotificationUpdate update : others) {
                    Result result = update.result();
                    statement.setString(1, update.state().wireName());
                    setLong(statement, 2, update.state().isFinal() ? now : null);
                    statement.setLong(3, update.notBefore());
                    setInt(statement, 4, result.httpStatus() == 0 ? null : result.httpStatus());
                    statement.setString(5, storable(result.reason()));
                    statement.setString(6, storable(result.detail()));
                    setLong(statement, 7, result.invalidSince() == 0 ? null : result.invalidSince());
                    statement.setString(8, storable(result.uniqueId()));
                    statement.setBoolean(9, update.possiblySent());
                    statement.setLong(10, update.id());
                    statement.setString(11, owner);
                    statement.addBatch();
                }
                for (int count : statement.executeBatch()) {
                    changed += Math.max(count, 0);
                }
                return changed;
            }
        });
    }

    /**
     * PostgreSQL: records the plain acceptances among {@code updates} (the bulk of a busy queue) with one statement
     * per HTTP status, the ids and APNs unique ids passed as arrays, instead of one UPDATE per row; the others are
     * added to {@code others}. The same owner guard applies.
     */
    private static int recordAcceptedInOne(Connection connection, String owner, List<NotificationUpdate> updates,
                                           List<NotificationUpdate> others, long now) throws SQLException {
        Map<Integer, List<NotificationUpdate>> accepted = new LinkedHashMap<>();
        for (NotificationUpdate update : updates) {
            Result result = update.result();
            boolean plain = update.state() == NotificationState.ACCEPTED && result.reason() == null
                    && result.detail() == null && result.invalidSince() == 0 && !update.possiblySent()
                    && update.notBefore() == 0;
            if (plain) {
                accepted.computeIfAbsent(result.httpStatus(), k -> new ArrayList<>()).add(update);
            } else {
                others.add(update);
            }
        }
        int changed = 0;
        for (Map.Entry<Integer, List<NotificationUpdate>> group : accepted.entrySet()) {
            List<NotificationUpdate> list = group.getValue();
            Long[] ids = new Long[list.size()];
            String[] uniqueIds = new String[list.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = list.get(i).id();
                uniqueIds[i] = storable(list.get(i).result().uniqueId());
            }
            try (PreparedStatement statement = connection.prepareStatement("UPDATE notifications AS n SET"
                    + " state = 'accepted', owner = NULL, finished_at = ?, not_before = 0, http_status = ?,"
                    + " reason = NULL, detail = NULL, invalid_since = NULL, apns_unique_id = u.unique_id"
                    + " FROM unnest(?::bigint[], ?::text[]) AS u(id, unique_id) WHERE n.id = u.id AND n.owner = ?")) {
                statement.setLong(1, now);
                setInt(statement, 2, group.getKey() == 0 ? null : group.getKey());
                statement.setArray(3, connection.createArrayOf("bigint", ids));
                statement.setArray(4, connection.createArrayOf("text", uniqueIds));
                statement.setString(5, owner);
                changed += statement.executeUpdate();
            }
        }
        return changed;
    }

    /** A notification by its id, within an app. */
    public Optional<StoredNotification> notification(AppKey app, String apnsId) {
        return query("read notification " + apnsId, "SELECT " + NOTIFICATION_COLUMNS + ", state, created_at,"
                + " finished_at, http_status, reason, detail, invalid_since, apns_unique_id, possibly_sent"
                + " FROM notifications WHERE apns_id = ? AND app_id = ? AND environment = ?", statement -> {
                    statement.setString(1, apnsId);
                    bindApp(statement, 2, app);
                }, JdbcStore::stored).stream().findFirst();
    }

    /** The most recently rejected notifications of every app, newest first. */
    public List<StoredNotification> recentRejections(int limit) {
        return query("read recent rejections", "SELECT " + NOTIFICATION_COLUMNS + ", state, created_at,"
                + " finished_at, http_status, reason, detail, invalid_since, apns_unique_id, possibly_sent"
                + " FROM notifications WHERE state = 'rejected' ORDER BY finished_at DESC LIMIT ?",
                statement -> statement.setInt(1, limit), JdbcStore::stored);
    }

    /**
     * Notifications of {@code app} with a final result not yet posted to its callback URL, in the order they
     * finished.
     */
    public List<StoredNotification> pendingCallbacks(AppKey app, int limit) {
        return query("read the pending callbacks of " + app, "SELECT " + NOTIFICATION_COLUMNS + ", state, created_at,"
                + " finished_at, http_status, reason, detail, invalid_since, apns_unique_id, possibly_sent"
                + " FROM notifications WHERE app_id = ? AND environment = ? AND callback_state = 'pending'"
                + " AND finished_at >= 0 ORDER BY finished_at LIMIT ?", statement -> {
                    bindApp(statement, 1, app);
                    statement.setInt(3, limit);
                }, JdbcStore::stored);
    }

    /** Records that these notifications' results were posted to their app's callback URL. */
    public void callbacksDone(List<String> apnsIds) {
        if (apnsIds.isEmpty()) {
            return;
        }
        transaction("mark " + apnsIds.size() + " callbacks done", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE notifications SET callback_state = 'done' WHERE apns_id = ?")) {
                for (String id : apnsIds) {
                    statement.setString(1, id);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    /** How many notifications are queued or being sent, on every instance. */
    public long depth() {
        return query("count the queue", "SELECT COUNT(*) FROM notifications WHERE state IN ('queued', 'sending')",
                statement -> { }, rows -> rows.getLong(1)).get(0);
    }

    /** How many notifications are in each state, per app (for the status page). */
    public Map<AppKey, Map<NotificationState, Long>> countsByApp() {
        Map<AppKey, Map<NotificationState, Long>> counts = new LinkedHashMap<>();
        query("count notifications per app", "SELECT app_id, environment, state, COUNT(*) FROM notifications"
                + " GROUP BY app_id, environment, state ORDER BY app_id, environment", statement -> { }, rows -> {
                    AppKey key = new AppKey(rows.getString(1), rows.getString(2));
                    counts.computeIfAbsent(key, k -> new LinkedHashMap<>())
                            .put(NotificationState.fromWire(rows.getString(3)), rows.getLong(4));
                    return null;
                });
        return counts;
    }

    /** Deletes final notifications that finished before {@code before}, and idempotency keys made before it. */
    public int purgeFinished(long before) {
        return transaction("purge finished notifications", connection -> {
            int deleted;
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM notifications WHERE finished_at < ?")) {
                statement.setLong(1, before);
                deleted = statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM requests WHERE created_at < ?")) {
                statement.setLong(1, before);
                statement.executeUpdate();
            }
            return deleted;
        });
    }

    // ---- instances

    /** Records that instance {@code id} is alive now (registering it the first time). */
    public void heartbeat(String id, long now) {
        transaction("record the heartbeat of " + id, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE instances SET heartbeat_at = ? WHERE id = ?")) {
                update.setLong(1, now);
                update.setString(2, id);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO instances (id, started_at, heartbeat_at) VALUES (?, ?, ?)")) {
                        insert.setString(1, id);
                        insert.setLong(2, now);
                        insert.setLong(3, now);
                        insert.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    /**
     * Gives back to the queue every notification being sent by an instance with no heartbeat since
     * {@code aliveSince} (or by no registered instance), marked as possibly sent, and forgets those instances.
     *
     * @return how many notifications went back to the queue
     */
    public int releaseAbandoned(long aliveSince) {
        return transaction("release abandoned notifications", connection -> {
            int released;
            try (PreparedStatement statement = connection.prepareStatement("UPDATE notifications SET state = 'queued',"
                    + " owner = NULL, possibly_sent = TRUE WHERE state = 'sending' AND (owner IS NULL OR owner NOT IN"
                    + " (SELECT id FROM instances WHERE heartbeat_at >= ?))")) {
                statement.setLong(1, aliveSince);
                released = statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM instances WHERE heartbeat_at < ?")) {
                statement.setLong(1, aliveSince);
                statement.executeUpdate();
            }
            return released;
        });
    }

    /**
     * Gives back to the queue, marked as possibly sent, every notification an earlier run of instance {@code owner}
     * left being sent: a restarted instance with a fixed id calls this before it claims anything, since its
     * heartbeat makes the id alive again at once and {@link #releaseAbandoned} would never free those rows.
     *
     * @return how many notifications went back to the queue
     */
    public int releaseLeftBy(String owner) {
        return transaction("release what an earlier run of " + owner + " left", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE notifications SET state = 'queued',"
                    + " owner = NULL, possibly_sent = TRUE WHERE state = 'sending' AND owner = ?")) {
                statement.setString(1, owner);
                return statement.executeUpdate();
            }
        });
    }

    /** Gives back every notification {@code owner} is sending, unchanged (a graceful stop), and unregisters it. */
    public int release(String owner) {
        return transaction("release the notifications of " + owner, connection -> {
            int released;
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE notifications SET state = 'queued', owner = NULL WHERE state = 'sending' AND owner = ?")) {
                statement.setString(1, owner);
                released = statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM instances WHERE id = ?")) {
                statement.setString(1, owner);
                statement.executeUpdate();
            }
            return released;
        });
    }

    /** The instances with a heartbeat since {@code aliveSince}. */
    public List<String> liveInstances(long aliveSince) {
        return query("read the instances", "SELECT id FROM instances WHERE heartbeat_at >= ? ORDER BY started_at",
                statement -> statement.setLong(1, aliveSince), rows -> rows.getString(1));
    }

    // ---- dead tokens and disconnections

    /** Records dead tokens (a later report of the same token replaces the earlier one). */
    public void addDeadTokens(AppKey app, List<DeadToken> tokens, long now) {
        if (tokens.isEmpty()) {
            return;
        }
        transaction("record " + tokens.size() + " dead tokens for " + app, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM dead_tokens WHERE app_id = ? AND environment = ? AND token = ?");
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO dead_tokens (app_id, environment,"
                         + " token, reason, since, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (DeadToken token : tokens) {
                    bindApp(delete, 1, app);
                    delete.setString(3, token.token());
                    delete.addBatch();
                    bindApp(insert, 1, app);
                    insert.setString(3, token.token());
                    insert.setString(4, storable(token.reason()));
                    insert.setLong(5, token.since());
                    insert.setString(6, token.source());
                    insert.setLong(7, now);
                    insert.addBatch();
                }
                delete.executeBatch();
                insert.executeBatch();
            }
            return null;
        });
    }

    /** An app's dead tokens recorded at or after {@code since} (epoch ms), oldest first, at most {@code limit}. */
    public List<DeadToken> deadTokens(AppKey app, long since, int limit) {
        return query("read the dead tokens of " + app, "SELECT token, reason, since, source FROM dead_tokens"
                + " WHERE app_id = ? AND environment = ? AND recorded_at >= ? ORDER BY recorded_at, token LIMIT ?",
                statement -> {
                    bindApp(statement, 1, app);
                    statement.setLong(3, since);
                    statement.setInt(4, limit);
                }, rows -> new DeadToken(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getString(4)));
    }

    /** Adds entries to an app's disconnection log. */
    public void addDisconnections(AppKey app, List<Disconnection> entries) {
        if (entries.isEmpty()) {
            return;
        }
        transaction("record " + entries.size() + " disconnections for " + app, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO disconnections (app_id,"
                    + " environment, at, token, apns_id, identifier, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Disconnection entry : entries) {
                    bindApp(insert, 1, app);
                    insert.setLong(3, entry.at());
                    insert.setString(4, entry.token());
                    insert.setString(5, entry.apnsId());
                    insert.setString(6, entry.identifier());
                    insert.setString(7, storable(entry.reason()));
                    insert.setString(8, storable(entry.detail()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    /** An app's most recent disconnections, newest first, at most {@code limit}. */
    public List<Disconnection> disconnections(AppKey app, int limit) {
        return query("read the disconnections of " + app, "SELECT at, token, apns_id, identifier, reason, detail"
                + " FROM disconnections WHERE app_id = ? AND environment = ? ORDER BY id DESC LIMIT ?", statement -> {
                    bindApp(statement, 1, app);
                    statement.setInt(3, limit);
                }, rows -> new Disconnection(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getString(5), rows.getString(6)));
    }

    // ---- plumbing

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private interface RowMapper<T> {
        T map(ResultSet rows) throws SQLException;
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> List<T> query(String what, String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            List<T> results = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    results.add(mapper.map(rows));
                }
            }
            return results;
        } catch (SQLException e) {
            throw new StoreException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * A text from outside (APNs's answers, exception messages) as every supported database can store it: PostgreSQL
     * refuses the NUL character in text, so it becomes U+FFFD; null stays null.
     */
    static String storable(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    private <T> T transaction(String what, Work<T> work) {
        if (sqliteWriter == null) {
            return inTransaction(what, work);
        }
        sqliteWriter.lock();
        try {
            return inTransaction(what, work);
        } finally {
            sqliteWriter.unlock();
        }
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    private static void bindApp(PreparedStatement statement, int index, AppKey app) throws SQLException {
        statement.setString(index, app.appId());
        statement.setString(index + 1, app.environment());
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private static void setInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static Long getLong(ResultSet rows, int index) throws SQLException {
        long value = rows.getLong(index);
        return rows.wasNull() ? null : value;
    }

    private static Integer getInt(ResultSet rows, int index) throws SQLException {
        int value = rows.getInt(index);
        return rows.wasNull() ? null : value;
    }

    private static AppRecord appRecord(ResultSet rows) throws SQLException {
        return new AppRecord(new AppKey(rows.getString(1), rows.getString(2)), rows.getString(3), rows.getString(4),
                rows.getLong(5), rows.getLong(6), rows.getLong(7));
    }

    /** Reads the notification columns starting at {@code first} (apns_id; the id is just before it). */
    private static NewNotification notification(ResultSet rows, int first) throws SQLException {
        return new NewNotification(new AppKey(rows.getString(first + 1), rows.getString(first + 2)),
                rows.getString(first), rows.getString(first + 3), rows.getString(first + 4),
                rows.getString(first + 5), getLong(rows, first + 6), getInt(rows, first + 7),
                rows.getString(first + 8), rows.getString(first + 9), rows.getString(first + 10));
    }

    private static StoredNotification stored(ResultSet rows) throws SQLException {
        NewNotification notification = notification(rows, 2);
        NotificationState state = NotificationState.fromWire(rows.getString(14));
        Integer status = getInt(rows, 17);
        String reason = rows.getString(18);
        Optional<Result> result = status == null && reason == null
                ? Optional.empty()
                : Optional.of(new Result(status == null ? 0 : status, reason, rows.getString(19),
                        Objects.requireNonNullElse(getLong(rows, 20), 0L), rows.getString(21)));
        Long finished = getLong(rows, 16);
        return new StoredNotification(notification, state, rows.getInt(13), rows.getLong(15),
                finished == null ? 0 : finished, result, rows.getBoolean(22));
    }
}
