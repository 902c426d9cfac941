package dev.vigil.server.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Base of the conformance suites: each test gets an empty, migrated store of the subclass's
 * dialect and a clock it controls. A suite is an abstract {@code *Contract} class; each dialect
 * runs it through a one-line subclass, so SQLite and PostgreSQL pass the same tests.
 */
abstract class StoreTestCase {

    /** 2027-01-15T08:00:00Z: where every test's clock starts. */
    static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path tempDir;

    final TestClock clock = new TestClock(T0);
    StoreFixture fixture;
    Store store;

    abstract Dialect dialect();

    @BeforeEach
    void openStore() {
        fixture = StoreFixture.create(dialect(), tempDir);
        store = fixture.open(clock);
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) store.close();
        if (fixture != null) fixture.close();
    }

    /** Rows in {@code table} (for checking cascades, which the API cannot see). */
    long rows(String table) {
        return store.database().read(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
    }
}
