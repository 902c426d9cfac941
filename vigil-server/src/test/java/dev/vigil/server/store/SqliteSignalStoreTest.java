package dev.vigil.server.store;

class SqliteSignalStoreTest extends SignalStoreContract {
    @Override
    Dialect dialect() { return Dialect.SQLITE; }
}
