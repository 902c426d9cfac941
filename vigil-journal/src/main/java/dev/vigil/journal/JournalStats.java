package dev.vigil.journal;

/**
 * A snapshot of a journal's counters. Counters are since the journal was opened; sizes are current.
 *
 * @param segments          segment files
 * @param bytes             bytes in all segments
 * @param startOffset       offset of the oldest retained record
 * @param endOffset         offset just after the newest record
 * @param recordsAppended   records appended
 * @param recordsDropped    records deleted by {@link FullPolicy#DROP_OLDEST} to make room
 * @param bytesDropped      bytes deleted by {@link FullPolicy#DROP_OLDEST}
 * @param truncatedBytes    bytes of a torn or corrupt tail cut off the last segment when the journal was opened
 * @param fullRejections    appends refused with {@link JournalFullException}
 * @param corruptRecords    corrupt records readers ran into (each reported as a {@link CorruptJournalException})
 */
public record JournalStats(int segments, long bytes, long startOffset, long endOffset, long recordsAppended,
                           long recordsDropped, long bytesDropped, long truncatedBytes, long fullRejections,
                           long corruptRecords) {}
