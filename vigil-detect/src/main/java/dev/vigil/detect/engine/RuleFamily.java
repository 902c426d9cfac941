package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.query.Query;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.DetectionRule.Aggregation;
import dev.vigil.detect.rule.DetectionRule.Options;
import dev.vigil.detect.rule.DetectionRule.RuleQuery;
import dev.vigil.detect.rule.DetectionRule.Step;
import dev.vigil.detect.rule.Condition;
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

    /**
     * What rules must have in common to share a family. Steps keep only their condition and window
     * (a step's name and the way its condition is written change nothing in the state).
     */
    record Signature(Method method, List<QueryShape> queries, Options options) {

        /** The length of a {@link #fingerprint}. */
        static final int FINGERPRINT_BYTES = 32;

        static Signature of(DetectionRule r) {
            List<QueryShape> qs = new ArrayList<>(r.queries().size());
            for (RuleQuery q : r.queries()) qs.add(new QueryShape(q.query(), q.groupBy(), q.aggregation(), q.distinct(), q.metric()));
            Options o = r.options();
            List<Step> steps = o.steps().stream().map(s -> new Step("", s.condition(), "", s.window())).toList();
            Options state = new Options(o.evaluationWindow(), null, null, o.learningDuration(), o.forgetAfter(), steps,
                    o.bucket(), o.tolerance(), o.minimumCount(), o.baselineBuckets(), o.lateness());
            return new Signature(r.method(), qs, state);
        }

        /**
         * Every part of the signature as explicit text, each named and length-prefixed so no two
         * signatures give one text: queries in their canonical form, fields by name, durations in
         * milliseconds, conditions as {@link #condition}. Equal signatures give equal texts and,
         * with the format version in it, a snapshot written by another build of the same rules
         * matches as long as none of these changed.
         */
        String canonical() {
            StringBuilder b = new StringBuilder("signature/1");
            part(b, "method", method.id());
            for (QueryShape q : queries) {
                part(b, "query", q.query().toString());
                part(b, "groupBy", fields(q.groupBy()));
                part(b, "aggregation", q.aggregation() == null ? "-" : q.aggregation().name());
                part(b, "distinct", fields(q.distinct()));
                part(b, "metric", q.metric() == null ? "-" : q.metric().name());
            }
            Options o = options;
            part(b, "evaluationWindow", millis(o.evaluationWindow()));
            part(b, "learningDuration", millis(o.learningDuration()));
            part(b, "forgetAfter", millis(o.forgetAfter()));
            for (Step s : o.steps()) {
                part(b, "step.condition", condition(s.condition()));
                part(b, "step.window", millis(s.window()));
            }
            part(b, "bucket", millis(o.bucket()));
            part(b, "tolerance", Double.toString(o.tolerance()));
            part(b, "minimumCount", Long.toString(o.minimumCount()));
            part(b, "baselineBuckets", Integer.toString(o.baselineBuckets()));
            part(b, "lateness", millis(o.lateness()));
            return b.toString();
        }

        /** SHA-256 of {@link #canonical}: how a snapshot names the family whose state it holds. */
        byte[] fingerprint() {
            try {
                return java.security.MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.security.NoSuchAlgorithmException x) {
                throw new IllegalStateException("every JDK has SHA-256", x);
            }
        }

        private static void part(StringBuilder b, String name, String value) {
            b.append('\n').append(name).append('=').append(value.length()).append(':').append(value);
        }

        private static String fields(List<FieldRef> fs) {
            StringBuilder b = new StringBuilder();
            for (FieldRef f : fs) b.append(f.name().length()).append(':').append(f.name()).append(';');
            return b.toString();
        }

        private static String millis(java.time.Duration d) { return d == null ? "-" : Long.toString(d.toMillis()); }

        /** A condition fully parenthesised, queries by index: {@code ($0 >= 10.0)}. */
        static String condition(Condition c) {
            return switch (c) {
                case null -> "-";
                case Condition.Constant k -> Double.toString(k.value());
                case Condition.QueryValue q -> "$" + q.index();
                case Condition.Binary x -> "(" + condition(x.left()) + " " + operator(x.op()) + " " + condition(x.right()) + ")";
                case Condition.Not x -> "!" + condition(x.operand());
            };
        }

        private static String operator(char op) {
            return switch (op) {
                case 'g' -> ">=";
                case 'l' -> "<=";
                case '=' -> "==";
                case '!' -> "!=";
                case '&' -> "&&";
                case '|' -> "||";
                default -> String.valueOf(op); // + - * / > <
            };
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
