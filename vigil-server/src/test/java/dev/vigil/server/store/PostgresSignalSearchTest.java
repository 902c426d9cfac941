package dev.vigil.server.store;

class PostgresSignalSearchTest extends SignalSearchContract {
    @Override
    Dialect dialect() { return Dialect.POSTGRESQL; }
}
