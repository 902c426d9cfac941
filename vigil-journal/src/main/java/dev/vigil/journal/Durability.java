package dev.vigil.journal;

/** Whether an append is forced to disk before it returns. */
public enum Durability {
    /** Each batch is forced to disk ({@code fdatasync}) before {@code append} returns: one force per batch. */
    FSYNC,
    /** Nothing is forced: data survives a process crash (page cache) but not a machine crash. For tests and benchmarks. */
    NONE
}
