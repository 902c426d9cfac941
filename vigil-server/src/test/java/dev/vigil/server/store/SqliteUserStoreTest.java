package dev.vigil.server.store;

class SqliteUserStoreTest extends UserStoreContract {
    @Override
    Dialect dialect() { return Dialect.SQLITE; }
}
