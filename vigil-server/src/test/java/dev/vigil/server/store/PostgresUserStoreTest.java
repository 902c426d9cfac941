package dev.vigil.server.store;

class PostgresUserStoreTest extends UserStoreContract {
    @Override
    Dialect dialect() { return Dialect.POSTGRESQL; }
}
