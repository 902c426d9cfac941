package dev.vigil.server.store;

import java.util.Arrays;

/**
 * How far detection has got in the event log, stored in the same transaction as the signals it
 * produced: after a crash, detection resumes from the snapshot and replays the log from
 * {@code snapshotOffset}, and the signal writes it repeats are idempotent up to
 * {@code eventLogOffset}. That is what makes detection exactly-once.
 *
 * @param eventLogOffset the event-log offset up to which the signals written with this checkpoint account
 * @param stateSnapshot  the engine's serialised state, or {@code null} to keep the previous snapshot
 *                       (snapshots are large and taken less often than checkpoints). Not copied: do
 *                       not change the array after handing it over
 * @param snapshotOffset the event-log offset the snapshot reflects; ignored when {@code stateSnapshot}
 *                       is null. Read back as 0 with a null snapshot when none was ever stored
 */
public record DetectionCheckpoint(long eventLogOffset, byte[] stateSnapshot, long snapshotOffset) {

    public DetectionCheckpoint {
        if (eventLogOffset < 0) throw new IllegalArgumentException("eventLogOffset must be >= 0, got " + eventLogOffset);
        if (snapshotOffset < 0) throw new IllegalArgumentException("snapshotOffset must be >= 0, got " + snapshotOffset);
    }

    /** A checkpoint that moves the offset and keeps the previous snapshot. */
    public static DetectionCheckpoint at(long eventLogOffset) {
        return new DetectionCheckpoint(eventLogOffset, null, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectionCheckpoint c && c.eventLogOffset == eventLogOffset
                && c.snapshotOffset == snapshotOffset && Arrays.equals(c.stateSnapshot, stateSnapshot);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(eventLogOffset) * 31 + Long.hashCode(snapshotOffset) * 17 + Arrays.hashCode(stateSnapshot);
    }

    @Override
    public String toString() {
        return "DetectionCheckpoint[eventLogOffset=" + eventLogOffset + ", snapshot="
                + (stateSnapshot == null ? "none" : stateSnapshot.length + " bytes at " + snapshotOffset) + "]";
    }
}
