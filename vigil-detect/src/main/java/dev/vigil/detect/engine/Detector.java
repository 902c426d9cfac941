package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.state.GroupKey;

/**
 * A detection method's state and logic, for one {@link RuleFamily}: the rules whose queries,
 * grouping and options are equal and which differ only in their cases. The engine calls
 * {@link #onEvent} once for each event that matched at least one of the queries, in arrival
 * order, with the event's group; then each member rule asks {@link #caseFor} which of its own
 * cases the event fires, if any. Single-threaded.
 */
sealed interface Detector permits MatchDetector, ThresholdDetector, NewValueDetector, SequenceDetector, AnomalyDetector {

    /**
     * Updates the state with {@code e}.
     *
     * @param c       the event's lookups ({@code c.event() == e}), bound by {@link #bind}
     * @param matched which of the rules' queries the event matched
     * @param key     the event's group; may be a scratch key refilled for the next event: keep
     *                {@link GroupKey#stored()}
     * @return whether the event may fire a case: only then {@link #caseFor} is asked
     */
    boolean onEvent(LogEvent e, EventCache c, boolean[] matched, GroupKey key);

    /**
     * The index of {@code member}'s case that the last event {@link #onEvent} returned true for
     * fires, or -1: the first case whose condition holds on the values that event left.
     */
    int caseFor(DetectionRule member);

    /** Binds the fields the detector reads from events (distinct, metric) to {@code c}'s slots; at rule load. */
    default void bind(EventCache c) {}

    /** Drops state that can no longer matter once event time has reached {@code watermark}. */
    void expire(long watermark);

    /** Groups currently held. */
    int groups();

    /** Whether there is state to keep across a restart: only such detectors are in a {@link StateSnapshot}. */
    default boolean stateful() { return true; }

    /**
     * Writes the state for a {@link StateSnapshot}: one record of the detector's own fields, then
     * one per group ({@link StateSnapshot#writeGroups}: exactly {@link #groups} of them, in the
     * state's iteration order). Called between two events; changes nothing.
     */
    default void write(SnapshotOutput out) throws java.io.IOException {}

    /**
     * Reads what {@link #write} wrote ({@code groups} groups) and returns what puts it into this
     * detector: nothing changes before it runs, so a snapshot found corrupt at its end leaves the
     * detector as it was. The detector must be empty when it runs.
     */
    default Runnable read(SnapshotInput in, long groups) throws java.io.IOException { return () -> {}; }

}
