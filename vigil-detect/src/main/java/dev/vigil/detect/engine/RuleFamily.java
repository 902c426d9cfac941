package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.DetectionRule.Aggregation;
import dev.vigil.detect.rule.DetectionRule.Options;
import dev.vigil.detect.rule.DetectionRule.RuleQuery;
import dev.vigil.detect.rule.Method;
import dev.vigil.detect.state.GroupKey;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules that would each build exactly the same state, sharing it: equal method, queries
 * (canonical text), group-by, aggregation, distinct and metric fields, and options (keep-alive
 * and the longest signal aside: only their signals use those). They differ in their cases
 * (thresholds, severities) and in what their signals say: a count with a low and a high
 * threshold written as two rules, a generated family of rules. Per event the family evaluates
 * the queries, reads the group and updates the state once; each member then picks its own case
 * ({@link Detector#caseFor}) at its own place in the engine's order, so detections reach the
 * signals in the order they did when every rule kept its own state.
 *
 * <p>A rule joins only a family that has not evaluated any event yet (rules loaded together):
 * the shared state and the shared counters ({@link RuleStats#RuleStats(RuleStats)}) are then
 * exactly what each member would have on its own. A family of one is an ordinary rule.
 */
final class RuleFamily {

    /** What rules must have in common to share a family. */
    record Signature(Method method, List<QueryShape> queries, Options options) {

        static Signature of(DetectionRule r) {
            List<QueryShape> qs = new ArrayList<>(r.queries().size());
            for (RuleQuery q : r.queries()) qs.add(new QueryShape(q.query(), q.groupBy(), q.aggregation(), q.distinct(), q.metric()));
            Options o = r.options();
            Options state = new Options(o.evaluationWindow(), null, null, o.learningDuration(), o.forgetAfter(), o.steps(),
                    o.bucket(), o.tolerance(), o.minimumCount(), o.baselineBuckets(), o.lateness());
            return new Signature(r.method(), qs, state);
        }
    }

    /** A query as the state sees it: its name is only how the member's conditions refer to it, and is left out. */
    record QueryShape(Query query, List<FieldRef> groupBy, Aggregation aggregation, List<FieldRef> distinct, FieldRef metric) {}

    /** What the current event did to the family ({@link #outcome}). */
    static final int NO_MATCH = 0, LATE = 1, NO_CASE = 2, CASE = 3;

    final Signature signature;
    /** The first member: its queries and options are every member's. */
    final DetectionRule lead;
    final Detector detector;
    /** Matched and late events and state counters, shared by reference with every member's stats. */
    final RuleStats stats;
    final boolean windowed;
    final long lateness;
    final boolean[] matched;
    /** The queries and group-by fields bound to the engine's current {@link EventCache} (rebound at each rule change). */
    Query.Bound[] queries;
    FieldRef.Bound[][] groupBy;
    /** Per query, the key its group is looked up with: refilled per event, never kept. */
    GroupKey[] scratch;

    /** Whether any event was evaluated: from then on no rule may join. */
    boolean used;
    /** The {@link EventCache#epoch} of the event evaluated last (of the cache bound to), and what it did. */
    long evaluatedAt;
    int outcome;
    /** The event's group when it matched (a scratch key: valid for this event only). */
    GroupKey key;

    RuleFamily(Signature signature, DetectionRule lead, Detector detector, RuleStats stats) {
        this.signature = signature;
        this.lead = lead;
        this.detector = detector;
        this.stats = stats;
        this.windowed = lead.method() != Method.MATCH;
        this.lateness = lead.options().lateness().toMillis();
        this.matched = new boolean[lead.queries().size()];
    }

    /** Whether a rule may still join: no event was evaluated, so the state and counters are empty. */
    boolean joinable() { return !used; }

    void bind(EventCache cache) {
        List<RuleQuery> qs = lead.queries();
        queries = new Query.Bound[qs.size()];
        groupBy = new FieldRef.Bound[qs.size()][];
        scratch = new GroupKey[qs.size()];
        for (int i = 0; i < qs.size(); i++) {
            RuleQuery q = qs.get(i);
            queries[i] = q.query().bind(cache);
            List<FieldRef> fields = q.groupBy();
            groupBy[i] = new FieldRef.Bound[fields.size()];
            for (int f = 0; f < fields.size(); f++) groupBy[i][f] = fields.get(f).bind(cache);
            scratch[i] = fields.isEmpty() ? GroupKey.NONE : GroupKey.scratch(fields.size());
        }
        detector.bind(cache);
        evaluatedAt = 0; // epochs are per cache: 0 is before any of the new cache's events
    }
}
