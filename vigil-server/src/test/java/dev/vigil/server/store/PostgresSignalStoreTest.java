package dev.vigil.server.store;

class PostgresSignalStoreTest extends SignalStoreContract {
    @Override
    Dialect dialect() { return Dialect.POSTGRESQL; }
}
