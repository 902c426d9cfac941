/**
 * Storage for the backend: signals and their triage history, the detection checkpoint, suppressions,
 * detection rules as code, API keys and settings, in SQLite (embedded default) or PostgreSQL.
 *
 * <p>Start at {@link dev.vigil.server.store.Store}: {@code Store.open(StoreConfig.sqlite(dataDir))}
 * migrates the schema and hands out one store per concern ({@link dev.vigil.server.store.SignalStore},
 * {@link dev.vigil.server.store.SuppressionStore}, {@link dev.vigil.server.store.RuleStore},
 * {@link dev.vigil.server.store.ApiKeyStore}, {@link dev.vigil.server.store.Settings}). Both dialects
 * behave the same; one conformance suite per store runs against each.
 *
 * <p>The schema lives in Flyway migrations, one folder per dialect
 * ({@code db/migration/sqlite}, {@code db/migration/postgresql}) kept table for table alike. SQL is
 * written by hand through JDBI's core API; the few dialect differences go through {@code Database}.
 * Failures surface as {@link dev.vigil.server.store.StoreException} and its subclasses, never as
 * JDBC or JDBI types.
 */
package dev.vigil.server.store;
