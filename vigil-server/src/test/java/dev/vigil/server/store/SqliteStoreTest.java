package dev.vigil.server.store;

class SqliteStoreTest extends StoreContract {
    @Override
    Dialect dialect() { return Dialect.SQLITE; }
}
