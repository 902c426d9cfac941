package dev.vigil.journal;

/**
 * Where a batch went.
 *
 * @param firstOffset offset of the batch's first record
 * @param endOffset   offset just after its last record (the journal's end once the append returned)
 * @param records     records in the batch
 */
public record AppendResult(long firstOffset, long endOffset, int records) {}
