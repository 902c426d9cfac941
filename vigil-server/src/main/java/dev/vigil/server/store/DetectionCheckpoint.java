package dev.vigil.server.store;

/**
 * How far detection has got in the event log, stored in the same transaction as the signals it
 * produced: after a crash, detection resumes at {@code eventLogOffset}, and the signal writes it
 * repeats are idempotent up to there. That is what makes detection exactly-once.
 *
 * <p>Detector state (windows, learned values, baselines) is not in the store: it is in a snapshot
 * file under the data directory, which records the offset it reflects (see
 * {@code DetectionPipeline}). {@code rebuildOffset} is where detection rebuilds that state from
 * the event log when no snapshot can be used: the log position of the rules' longest look-back
 * before {@code eventLogOffset}.
 *
 * @param eventLogOffset the event-log offset up to which the signals written with this checkpoint account
 * @param rebuildOffset  where a rebuild without a snapshot starts; at most {@code eventLogOffset}
 */
public record DetectionCheckpoint(long eventLogOffset, long rebuildOffset) {

    public DetectionCheckpoint {
        if (eventLogOffset < 0) throw new IllegalArgumentException("eventLogOffset must be >= 0, got " + eventLogOffset);
        if (rebuildOffset < 0 || rebuildOffset > eventLogOffset) {
            throw new IllegalArgumentException("rebuildOffset must be in [0, " + eventLogOffset + "], got " + rebuildOffset);
        }
    }

    /** A checkpoint at {@code eventLogOffset} with nothing to rebuild before it. */
    public static DetectionCheckpoint at(long eventLogOffset) {
        return new DetectionCheckpoint(eventLogOffset, eventLogOffset);
    }
}
