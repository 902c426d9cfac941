package dev.vigil.server.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest {

    @Test
    void postgresDefaultsAndValidation() {
        StoreConfig c = StoreConfig.postgres("jdbc:postgresql://db:5432/vigil", "vigil", "s3cret");
        assertThat(c.schema()).isEqualTo("public");
        assertThat(c.poolSize()).isEqualTo(StoreConfig.DEFAULT_POOL_SIZE);
        assertThat(c.toString()).contains("jdbc:postgresql://db:5432/vigil").doesNotContain("s3cret");

        assertThatThrownBy(() -> StoreConfig.postgres("jdbc:mysql://db/vigil", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store.url").hasMessageContaining("jdbc:mysql");
        assertThatThrownBy(() -> c.withSchema("Robert'); DROP TABLE signals;--"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store.schema");
        assertThatThrownBy(() -> c.withPoolSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store.pool-size must be 1..200, got 0");
    }

    @Test
    void sqliteNeedsADataDirectory() {
        assertThat(StoreConfig.sqlite(Path.of("/var/lib/vigil")).toString()).contains("/var/lib/vigil/vigil.db");
        assertThatThrownBy(() -> StoreConfig.sqlite(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store.data-dir");
    }

    @Test
    void anUnreachablePostgresIsNamedInTheError() {
        StoreConfig c = StoreConfig.postgres("jdbc:postgresql://127.0.0.1:1/nothing", "vigil", "vigil");
        assertThatThrownBy(() -> Store.open(c))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/nothing as `vigil`");
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsNamedInTheError() throws Exception {
        Path file = java.nio.file.Files.createTempFile("vigil-store", ".txt");
        try {
            assertThatThrownBy(() -> Store.open(StoreConfig.sqlite(file.resolve("data"))))
                    .isInstanceOf(StoreException.class).hasMessageContaining("cannot create the data directory " + file);
        } finally {
            java.nio.file.Files.delete(file);
        }
    }
}
