package dev.vigil.server.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the store lives. Build one with {@link #sqlite(Path)} or {@link #postgres(String, String, String)}.
 *
 * @param dialect  SQLite or PostgreSQL
 * @param dataDir  SQLite only: the directory holding {@value #SQLITE_FILE} (created if missing)
 * @param jdbcUrl  PostgreSQL only: {@code jdbc:postgresql://host:port/database}
 * @param user     PostgreSQL only
 * @param password PostgreSQL only; never printed by {@link #toString()}
 * @param schema   PostgreSQL only: the schema holding Vigil's tables, created by the migrations if
 *                 missing; default {@value #DEFAULT_SCHEMA}. Lets Vigil share a database, and tests isolate
 * @param poolSize PostgreSQL only: connections in the pool; default {@value #DEFAULT_POOL_SIZE}
 */
public record StoreConfig(Dialect dialect, Path dataDir, String jdbcUrl, String user, String password, String schema,
                          int poolSize) {

    /** The database file's name inside {@link #dataDir}. */
    public static final String SQLITE_FILE = "vigil.db";
    public static final String DEFAULT_SCHEMA = "public";
    public static final int DEFAULT_POOL_SIZE = 10;

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public StoreConfig {
        Objects.requireNonNull(dialect, "store.dialect");
        switch (dialect) {
            case SQLITE -> {
                if (dataDir == null) throw new IllegalArgumentException("store.data-dir is required for SQLite");
            }
            case POSTGRESQL -> {
                if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
                    throw new IllegalArgumentException("store.url must be a jdbc:postgresql: URL, got `" + jdbcUrl + "`");
                }
                if (schema == null) schema = DEFAULT_SCHEMA;
                if (!SCHEMA_NAME.matcher(schema).matches()) {
                    throw new IllegalArgumentException("store.schema `" + schema
                            + "` is not a plain lower-case SQL name (letters, digits, underscore)");
                }
                if (poolSize < 1 || poolSize > 200) {
                    throw new IllegalArgumentException("store.pool-size must be 1..200, got " + poolSize);
                }
            }
        }
    }

    /** SQLite in {@code dataDir}/{@value #SQLITE_FILE}. */
    public static StoreConfig sqlite(Path dataDir) {
        return new StoreConfig(Dialect.SQLITE, dataDir, null, null, null, null, 0);
    }

    /** PostgreSQL at {@code jdbcUrl}, schema {@value #DEFAULT_SCHEMA}, {@value #DEFAULT_POOL_SIZE} connections. */
    public static StoreConfig postgres(String jdbcUrl, String user, String password) {
        return new StoreConfig(Dialect.POSTGRESQL, null, jdbcUrl, user, password, DEFAULT_SCHEMA, DEFAULT_POOL_SIZE);
    }

    public StoreConfig withSchema(String schema) {
        return new StoreConfig(dialect, dataDir, jdbcUrl, user, password, schema, poolSize);
    }

    public StoreConfig withPoolSize(int poolSize) {
        return new StoreConfig(dialect, dataDir, jdbcUrl, user, password, schema, poolSize);
    }

    @Override
    public String toString() {
        return switch (dialect) {
            case SQLITE -> "StoreConfig[sqlite " + dataDir.resolve(SQLITE_FILE) + "]";
            case POSTGRESQL -> "StoreConfig[postgresql " + jdbcUrl + " user=" + user + " schema=" + schema
                    + " pool=" + poolSize + "]";
        };
    }
}
