package dev.vigil.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connections, transactions and the few differences between the dialects.
 *
 * <h2>SQLite</h2>
 * One database file in WAL mode: readers never block the writer nor each other. SQLite allows one
 * writer at a time, so all writes go through a single connection behind a fair lock instead of
 * contending for the file lock (which would surface as SQLITE_BUSY under load); reads use a small
 * pool of connections that refuse writes ({@code query_only}). {@code synchronous=NORMAL} is the
 * WAL setting that survives a process crash (kill -9) without losing a commit; a power cut may lose
 * the last commits, but whole transactions only, so signals and the detection checkpoint still
 * move together. The writer starts its transactions IMMEDIATE so another process holding the file
 * lock makes it wait ({@value #SQLITE_BUSY_TIMEOUT_MS} ms) instead of failing half way.
 *
 * <h2>PostgreSQL</h2>
 * A HikariCP pool; reads run in REPEATABLE READ so a page and its total come from one snapshot.
 * Row locks ({@link #forUpdate()}) order concurrent triage changes of one signal.
 *
 * <h2>Failure</h2>
 * JDBI and JDBC exceptions become {@link StoreException}; exceptions thrown by the work itself
 * (not found, invalid change) pass through unchanged after the transaction is rolled back.
 */
final class Database implements AutoCloseable {

    /** How long SQLite waits for a lock held by another connection or process before failing. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;
    /** Read connections to the SQLite file: enough for the console's concurrent requests. */
    static final int SQLITE_READERS = 4;

    private final Dialect dialect;
    private final Jdbi reader;
    private final Jdbi writer;
    private final ReentrantLock writeLock;
    private final HikariDataSource pool;
    private final Connection writerConnection;
    private final InstantSource clock;

    private Database(Dialect dialect, Jdbi reader, Jdbi writer, ReentrantLock writeLock, HikariDataSource pool,
                     Connection writerConnection, InstantSource clock) {
        this.dialect = dialect;
        this.reader = reader.setTemplateEngine(TemplateEngine.NOP);
        this.writer = writer.setTemplateEngine(TemplateEngine.NOP);
        this.writeLock = writeLock;
        this.pool = pool;
        this.writerConnection = writerConnection;
        this.clock = clock;
    }

    static Database open(StoreConfig config, InstantSource clock) {
        return switch (config.dialect()) {
            case SQLITE -> openSqlite(config.dataDir(), clock);
            case POSTGRESQL -> openPostgres(config, clock);
        };
    }

    private static Database openSqlite(Path dataDir, InstantSource clock) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + dataDir + ": " + e, e);
        }
        String url = "jdbc:sqlite:" + dataDir.resolve(StoreConfig.SQLITE_FILE);
        SQLiteDataSource writerSource = sqliteSource(url, true);
        migrate(writerSource, "sqlite", null, url);
        Connection writerConnection = null;
        HikariDataSource readers = null;
        try {
            writerConnection = writerSource.getConnection();
            try (var st = writerConnection.createStatement()) {
                st.execute("PRAGMA optimize=0x10002"); // gathers statistics the planner lacks, cheaply
            }
            HikariConfig hc = new HikariConfig();
            hc.setPoolName("vigil-sqlite-read");
            hc.setDataSource(sqliteSource(url, false));
            hc.setMaximumPoolSize(SQLITE_READERS);
            hc.setMinimumIdle(1);
            hc.setConnectionInitSql("PRAGMA query_only = 1");
            readers = new HikariDataSource(hc);
            return new Database(Dialect.SQLITE, Jdbi.create(readers), Jdbi.create(writerConnection),
                    new ReentrantLock(true), readers, writerConnection, clock);
        } catch (SQLException | RuntimeException e) {
            if (readers != null) readers.close();
            closeQuietly(writerConnection);
            throw new StoreException("cannot open the SQLite store " + url + ": " + e.getMessage(), e);
        }
    }

    private static SQLiteDataSource sqliteSource(String url, boolean writer) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        c.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
        c.enforceForeignKeys(true);
        if (writer) c.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(c);
        ds.setUrl(url);
        return ds;
    }

    private static Database openPostgres(StoreConfig config, InstantSource clock) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("vigil-pg");
        hc.setJdbcUrl(config.jdbcUrl());
        hc.setUsername(config.user());
        hc.setPassword(config.password());
        hc.setSchema(config.schema());
        hc.setMaximumPoolSize(config.poolSize());
        // one INSERT with many rows per batch instead of a round trip per row: engine batches and entities
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to PostgreSQL at " + config.jdbcUrl() + " as `" + config.user()
                    + "`: " + rootMessage(e), e);
        }
        try {
            migrate(pool, "postgresql", config.schema(), config.jdbcUrl());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        Jdbi jdbi = Jdbi.create(pool);
        return new Database(Dialect.POSTGRESQL, jdbi, jdbi, null, pool, null, clock);
    }

    private static void migrate(DataSource source, String folder, String schema, String where) {
        try {
            var flyway = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(source)
                    .locations("classpath:db/migration/" + folder)
                    .failOnMissingLocations(true);
            if (schema != null) flyway.schemas(schema);
            flyway.load().migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate the store at " + where + ": " + rootMessage(e), e);
        }
    }

    Dialect dialect() { return dialect; }

    long now() { return clock.millis(); }

    /** {@code FOR UPDATE} where rows can be locked (PostgreSQL); SQLite serialises writers instead. */
    String forUpdate() {
        return dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    }

    /** Runs {@code work} in a read transaction: one consistent snapshot for all its statements. */
    <T> T read(HandleCallback<T, RuntimeException> work) {
        try {
            return dialect == Dialect.POSTGRESQL
                    ? reader.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, work)
                    : reader.inTransaction(work);
        } catch (JdbiException e) {
            throw translate(e);
        }
    }

    /** Runs {@code work} in one write transaction: all of it commits, or none of it. */
    <T> T write(HandleCallback<T, RuntimeException> work) {
        if (writeLock == null) {
            try {
                return writer.inTransaction(work);
            } catch (JdbiException e) {
                throw translate(e);
            }
        }
        writeLock.lock();
        try {
            return writer.inTransaction(work);
        } catch (JdbiException e) {
            throw translate(e);
        } finally {
            writeLock.unlock();
        }
    }

    private StoreException translate(JdbiException e) {
        return new StoreException((dialect == Dialect.SQLITE ? "SQLite: " : "PostgreSQL: ") + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        if (writerConnection != null) {
            writeLock.lock();
            try (var st = writerConnection.createStatement()) {
                st.execute("PRAGMA optimize");
            } catch (SQLException ignored) {
                // statistics are an optimisation; closing matters more
            } finally {
                closeQuietly(writerConnection);
                writeLock.unlock();
            }
        }
        pool.close();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing left to do with a connection that cannot close
        }
    }
}
