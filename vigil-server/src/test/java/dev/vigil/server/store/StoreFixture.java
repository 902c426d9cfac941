package dev.vigil.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where a conformance test's store lives: a fresh SQLite directory, or a fresh schema in the
 * PostgreSQL test database (dropped afterwards), so every test starts empty and runs repeat.
 *
 * <p>PostgreSQL comes from {@code VIGIL_TEST_PG_URL} (default {@value #DEFAULT_PG_URL}),
 * {@code VIGIL_TEST_PG_USER} and {@code VIGIL_TEST_PG_PASSWORD} (default vigil/vigil), as
 * {@code bin/setup} creates it. When it cannot be reached the tests fail, never skip: a store that
 * was not tested against PostgreSQL must not pass as if it had been.
 */
final class StoreFixture implements AutoCloseable {

    static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/vigil_test";
    static final String PG_URL = env("VIGIL_TEST_PG_URL", DEFAULT_PG_URL);
    static final String PG_USER = env("VIGIL_TEST_PG_USER", "vigil");
    static final String PG_PASSWORD = env("VIGIL_TEST_PG_PASSWORD", "vigil");

    final StoreConfig config;
    private final String schema;

    private StoreFixture(StoreConfig config, String schema) {
        this.config = config;
        this.schema = schema;
    }

    static StoreFixture create(Dialect dialect, Path tempDir) {
        return switch (dialect) {
            case SQLITE -> new StoreFixture(StoreConfig.sqlite(tempDir.resolve("data")), null);
            case POSTGRESQL -> {
                requirePostgres();
                String schema = "store_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
                yield new StoreFixture(StoreConfig.postgres(PG_URL, PG_USER, PG_PASSWORD).withSchema(schema).withPoolSize(4),
                        schema);
            }
        };
    }

    Store open(InstantSource clock) {
        return Store.open(config, clock);
    }

    private static void requirePostgres() {
        try (Connection c = connect()) {
            c.isValid(5);
        } catch (SQLException e) {
            fail("PostgreSQL for the store tests is unreachable at " + PG_URL + " as " + PG_USER + " (" + e.getMessage()
                    + "). Run bin/setup as root to install and start it, or set VIGIL_TEST_PG_URL, "
                    + "VIGIL_TEST_PG_USER and VIGIL_TEST_PG_PASSWORD to reach another one.");
        }
    }

    private static Connection connect() throws SQLException {
        DriverManager.setLoginTimeout(10);
        return DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
    }

    @Override
    public void close() throws SQLException {
        if (schema == null) return;
        try (Connection c = connect(); var st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
