package dev.vigil.journal;

/**
 * One record read from a journal.
 *
 * @param offset     the record's offset (where its header starts)
 * @param nextOffset the offset just after it: where the next record starts, and what a consumer commits
 *                   once it has handled this one
 * @param payload    the bytes appended (a fresh array, owned by the caller)
 */
public record JournalRecord(long offset, long nextOffset, byte[] payload) {

    /** Bytes the record takes in its segment, header included. */
    public long size() {
        return nextOffset - offset;
    }

    @Override
    public String toString() {
        return "JournalRecord[offset=" + offset + ", nextOffset=" + nextOffset + ", payload=" + payload.length + " bytes]";
    }
}
