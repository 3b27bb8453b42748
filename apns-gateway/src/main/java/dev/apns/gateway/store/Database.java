package dev.apns.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The gateway's database: a pooled data source, its dialect, and the schema brought up to date by Flyway's
 * migrations when opened. The embedded SQLite database lives in a data directory that one gateway process holds
 * locked; PostgreSQL is shared by any number of instances.
 */
public final class Database implements AutoCloseable {
    private static final String SQLITE_FILE = "gateway.db";

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final FileChannel lockChannel;
    private final String description;

    private Database(HikariDataSource dataSource, Dialect dialect, FileChannel lockChannel, String description) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.lockChannel = lockChannel;
        this.description = description;
    }

    /**
     * Opens (creating it where needed) the embedded database in {@code dataDirectory}, which this process then
     * holds: a second gateway on the same directory is refused.
     *
     * @throws StoreException when the directory cannot be made or is held by another process
     */
    public static Database embedded(Path dataDirectory) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        FileChannel lock = lockDirectory(dataDirectory);
        try {
            HikariConfig config = new HikariConfig();
            Path file = dataDirectory.resolve(SQLITE_FILE).toAbsolutePath();
            config.setJdbcUrl("jdbc:sqlite:" + file);
            // WAL: readers do not wait for the writer. synchronous=NORMAL: a committed transaction survives the
            // process being killed (it is in the operating system's hands); only a power cut can lose the last
            // ones. IMMEDIATE transactions take the write lock at BEGIN, so two writers wait rather than fail.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "NORMAL");
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            config.addDataSourceProperty("foreign_keys", "true");
            config.setMaximumPoolSize(4);
            config.setPoolName("apns-gateway-sqlite");
            return open(config, Dialect.SQLITE, lock, "SQLite at " + file);
        } catch (RuntimeException e) {
            closeQuietly(lock, e);
            throw e;
        }
    }

    /**
     * Opens a PostgreSQL database (or, for {@code jdbc:sqlite:} URLs, an SQLite file) and migrates its schema.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host:port/database}
     * @param user     the user, or null to take it from the URL
     * @param password the password, or null
     * @throws StoreException when the database cannot be reached or migrated
     */
    public static Database connect(String jdbcUrl, String user, String password) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        if (dialect == Dialect.POSTGRESQL) {
            // A POST's list of notifications is one batch of INSERTs: sent as multi-row INSERTs, not one by one.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        config.setMaximumPoolSize(8);
        config.setPoolName("apns-gateway-" + dialect.name().toLowerCase(java.util.Locale.ROOT));
        return open(config, dialect, null, dialect + " at " + redact(jdbcUrl));
    }

    private static Database open(HikariConfig config, Dialect dialect, FileChannel lock, String description) {
        config.setConnectionTimeout(10_000);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("Could not open the database (" + description + "): " + e.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .placeholders(java.util.Map.of("serial_id", dialect.serialId())).load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("Could not bring the schema of " + description + " up to date: " + e.getMessage(), e);
        }
        return new Database(dataSource, dialect, lock, description);
    }

    private static FileChannel lockDirectory(Path dataDirectory) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDirectory);
            channel = FileChannel.open(dataDirectory.resolve("gateway.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreException("The data directory " + dataDirectory
                        + " is in use by another gateway process; give each process its own directory, or use"
                        + " PostgreSQL to run several instances.", null);
            }
            return channel;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new StoreException("Could not use the data directory " + dataDirectory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                primary.addSuppressed(e);
            }
        }
    }

    /** A JDBC URL without its query part, where passwords may be given. */
    static String redact(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
    }

    /** The pooled data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Which database this is. */
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException e) {
                throw new StoreException("Could not release the data directory's lock", e);
            }
        }
    }
}
