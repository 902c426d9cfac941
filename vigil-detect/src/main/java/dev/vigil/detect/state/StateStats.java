package dev.vigil.detect.state;

import java.util.concurrent.atomic.LongAdder;

/** What a rule's state costs and what its bounds dropped: never silent. */
public final class StateStats {
    /** Groups evicted because the rule had too many (the oldest-touched go first). */
    public final LongAdder keyEvictions = new LongAdder();
    /** Distinct values not remembered because a group had too many (cardinality, new value). */
    public final LongAdder valueOverflows = new LongAdder();
    /** Groups removed because nothing happened to them for longer than the rule looks back. */
    public final LongAdder expired = new LongAdder();
}
