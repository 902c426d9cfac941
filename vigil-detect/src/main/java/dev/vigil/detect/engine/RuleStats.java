package dev.vigil.detect.engine;

import dev.vigil.detect.state.StateStats;

import java.util.concurrent.atomic.LongAdder;

/** What one rule has done since it was loaded: visible in the API and metrics. */
public final class RuleStats {
    /** Events that matched at least one of the rule's queries. */
    public final LongAdder matchedEvents = new LongAdder();
    /** Detections (a case fired), before suppressions. */
    public final LongAdder detections = new LongAdder();
    /** Detections dropped by a suppression. */
    public final LongAdder suppressed = new LongAdder();
    /** Events too late for the rule's windows (older than the newest event time minus the lateness). */
    public final LongAdder late = new LongAdder();
    public final StateStats state = new StateStats();
}
