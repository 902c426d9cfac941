package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.state.GroupKey;

/**
 * A detection method's per-rule logic. The engine calls {@link #onEvent} for each event that
 * matched at least one of the rule's queries, in arrival order, with the event's group; the
 * detector reports detections (the case that fired) to the {@link Emitter}. Single-threaded.
 */
sealed interface Detector permits MatchDetector, ThresholdDetector, NewValueDetector, SequenceDetector, AnomalyDetector {

    /**
     * @param c       the event's lookups ({@code c.event() == e}), bound by {@link #bind}
     * @param matched which of the rule's queries the event matched
     * @param key     the event's group; may be a scratch key refilled for the next event: keep
     *                {@link GroupKey#stored()}
     */
    void onEvent(LogEvent e, EventCache c, boolean[] matched, GroupKey key, Emitter out);

    /** Binds the fields the detector reads from events (distinct, metric) to {@code c}'s slots; at rule load. */
    default void bind(EventCache c) {}

    /** Drops state that can no longer matter once event time has reached {@code watermark}. */
    void expire(long watermark);

    /** Groups currently held. */
    int groups();

    /** Where detections go. */
    interface Emitter {
        void detect(int caseIndex, GroupKey key, LogEvent e);
    }
}
