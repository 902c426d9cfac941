package dev.vigil.server.store;

class SqliteSignalSearchTest extends SignalSearchContract {
    @Override
    Dialect dialect() { return Dialect.SQLITE; }
}
