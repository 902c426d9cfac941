package dev.vigil.journal;

/** What an append does when it would take the journal over {@link JournalConfig#maxBytes()}. */
public enum FullPolicy {
    /** Delete whole oldest segments until the batch fits; the records and bytes deleted are counted in {@link JournalStats}. */
    DROP_OLDEST,
    /** Refuse the batch with a {@link JournalFullException}; counted in {@link JournalStats#fullRejections()}. */
    REJECT
}
