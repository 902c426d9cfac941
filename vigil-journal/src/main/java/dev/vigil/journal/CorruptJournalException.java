package dev.vigil.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A record that fails its checks (length out of bounds, CRC mismatch, file shorter than recorded)
 * in a segment other than the tail the journal repairs when it opens. The reader stays where it
 * was; a caller that decides to go on does so explicitly with
 * {@link JournalReader#seek(long) seek}{@code (}{@link #resumeOffset()}{@code )}, losing the rest of
 * the segment: nothing is skipped silently.
 */
public final class CorruptJournalException extends IOException {

    private final Path segment;
    private final long offset;
    private final long resumeOffset;

    CorruptJournalException(Path segment, long offset, long resumeOffset, String reason) {
        super("corrupt record at offset " + offset + " in segment " + segment + ": " + reason
                + " (the next readable offset is " + resumeOffset + ")");
        this.segment = segment;
        this.offset = offset;
        this.resumeOffset = resumeOffset;
    }

    /** The segment file. */
    public Path segment() { return segment; }

    /** Offset of the corrupt record. */
    public long offset() { return offset; }

    /** Where reading can go on: the start of the next segment, or the end of the journal if this is the last one. */
    public long resumeOffset() { return resumeOffset; }
}
