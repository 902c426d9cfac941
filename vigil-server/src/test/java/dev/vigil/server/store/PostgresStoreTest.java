package dev.vigil.server.store;

class PostgresStoreTest extends StoreContract {
    @Override
    Dialect dialect() { return Dialect.POSTGRESQL; }
}
