package dev.vigil.server.store;

/** The database behind a {@link Store}. */
public enum Dialect {
    /** One file under the data directory: the embedded default. */
    SQLITE,
    /** A PostgreSQL server, for several servers or larger installations. */
    POSTGRESQL
}
