package dev.vigil.detect.engine;

import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.state.GroupKey;

/**
 * A detection method's per-rule logic. The engine calls {@link #onEvent} for each event that
 * matched at least one of the rule's queries, in arrival order, with the event's group; the
 * detector reports detections (the case that fired) to the {@link Emitter}. Single-threaded.
 */
sealed interface Detector permits MatchDetector, ThresholdDetector, NewValueDetector, SequenceDetector, AnomalyDetector {

    /** @param matched which of the rule's queries the event matched */
    void onEvent(LogEvent e, boolean[] matched, GroupKey key, Emitter out);

    /** Drops state that can no longer matter once event time has reached {@code watermark}. */
    void expire(long watermark);

    /** Groups currently held. */
    int groups();

    /** Where detections go. */
    interface Emitter {
        void detect(int caseIndex, GroupKey key, LogEvent e);
    }
}
