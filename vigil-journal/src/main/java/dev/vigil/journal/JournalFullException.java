package dev.vigil.journal;

import java.io.IOException;

/** An append refused because it would take the journal over its bound; nothing of the batch was written. */
public final class JournalFullException extends IOException {

    private final long batchBytes;
    private final long maxBytes;

    JournalFullException(String message, long batchBytes, long maxBytes) {
        super(message);
        this.batchBytes = batchBytes;
        this.maxBytes = maxBytes;
    }

    /** Bytes the refused batch would have taken, headers included. */
    public long batchBytes() { return batchBytes; }

    /** The journal's bound. */
    public long maxBytes() { return maxBytes; }
}
