package dev.vigil.detect.engine;

import dev.vigil.detect.state.StateStats;

import java.util.concurrent.atomic.LongAdder;

/** What one rule has done since it was loaded: visible in the API and metrics. */
public final class RuleStats {
    /** Events that matched at least one of the rule's queries. */
    public final LongAdder matchedEvents;
    /** Detections (a case fired), before suppressions. */
    public final LongAdder detections = new LongAdder();
    /** Detections dropped by a suppression. */
    public final LongAdder suppressed = new LongAdder();
    /** Events too late for the rule's windows (older than the newest event time minus the lateness). */
    public final LongAdder late;
    public final StateStats state;

    public RuleStats() {
        this.matchedEvents = new LongAdder();
        this.late = new LongAdder();
        this.state = new StateStats();
    }

    /**
     * The stats of a rule that shares its evaluation and state with {@code family} (a
     * {@link RuleFamily} that has seen no event yet): matched and late events and the state's
     * counters are the family's, which are exactly what this rule would count on its own;
     * detections and suppressions are its own.
     */
    RuleStats(RuleStats family) {
        this.matchedEvents = family.matchedEvents;
        this.late = family.late;
        this.state = family.state;
    }
}
