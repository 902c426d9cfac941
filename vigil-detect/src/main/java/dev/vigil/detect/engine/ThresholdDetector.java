package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.DetectionRule.Aggregation;
import dev.vigil.detect.state.GroupKey;
import dev.vigil.detect.state.KeyedState;
import dev.vigil.detect.state.StateStats;

import java.io.IOException;

/**
 * Per group and query: a count (or distinct count) over the sliding evaluation window, in event
 * time. After each event the cases are evaluated on the window ending at that event; the first
 * case that holds is a detection (and keeps being one for each further event while it holds,
 * so the signal's count grows with the attack).
 */
final class ThresholdDetector implements Detector {

    private final DetectionRule rule;
    private final KeyedState<Group> state;
    private final StateStats stats;
    private final long window;
    private final long bucketMillis;
    /** Whether some query counts events (the others count distinct values). */
    private final boolean counts;
    private final int maxDistinct;
    private final double[] values;
    /** Per query, its distinct fields bound to the engine's {@link EventCache}. */
    private FieldRef.Bound[][] distinctFields;

    ThresholdDetector(DetectionRule rule, KeyedState<Group> state, StateStats stats, int maxDistinct) {
        this.rule = rule;
        this.state = state;
        this.stats = stats;
        this.window = rule.options().evaluationWindow().toMillis();
        this.bucketMillis = WindowCounter.bucketMillis(window);
        this.counts = rule.queries().stream().anyMatch(q -> q.aggregation() != Aggregation.CARDINALITY);
        this.maxDistinct = maxDistinct;
        this.values = new double[rule.queries().size()];
    }

    /** A field, not a lambda per call: {@code Group} is an inner class, so the lambda would capture {@code this}. */
    private final java.util.function.Function<GroupKey, Group> newGroup = k -> new Group();

    final class Group {
        /** Per counting query, its {@link WindowCounter}; null when every query counts distinct values. */
        final long[] windows = counts ? WindowCounter.create(values.length) : null;
        final DistinctCounter[] distinct = new DistinctCounter[values.length];
        long lastTime;
    }

    @Override public boolean onEvent(LogEvent e, EventCache ec, boolean[] matched, GroupKey key) {
        Group g = state.getOrCreate(key, newGroup);
        long t = e.time();
        var queries = rule.queries();
        for (int q = 0; q < values.length; q++) {
            if (!matched[q]) continue;
            var query = queries.get(q);
            if (query.aggregation() == Aggregation.CARDINALITY) {
                if (g.distinct[q] == null) g.distinct[q] = new DistinctCounter(window, maxDistinct);
                String v = DistinctValues.of(distinctFields[q], ec);
                if (v != null) g.distinct[q].add(v, t, stats);
            } else {
                WindowCounter.add(g.windows, q, bucketMillis, t);
            }
        }
        g.lastTime = Math.max(g.lastTime, t);
        for (int q = 0; q < values.length; q++) {
            // a counter that never counted counts 0, as does an empty ring
            values[q] = g.distinct[q] != null ? g.distinct[q].count(t) : g.windows != null ? WindowCounter.count(g.windows, q, bucketMillis, t) : 0;
        }
        return true;
    }

    @Override public int caseFor(DetectionRule member) { return Cases.first(member, values); }

    @Override public void bind(EventCache c) {
        var queries = rule.queries();
        FieldRef.Bound[][] bound = new FieldRef.Bound[queries.size()][];
        for (int q = 0; q < bound.length; q++) bound[q] = DistinctValues.bind(queries.get(q).distinct(), c);
        distinctFields = bound;
    }

    @Override public void expire(long watermark) {
        state.removeIf((k, g) -> g.lastTime < watermark - window);
    }

    @Override public int groups() { return state.size(); }

    @Override public void write(SnapshotOutput out) throws IOException {
        StateSnapshot.writeGroupsOnly(out, state, (g, o) -> {
            o.writeTime(g.lastTime);
            o.writeByte(g.windows != null ? 1 : 0);
            if (g.windows != null) for (int q = 0; q < values.length; q++) WindowCounter.write(o, g.windows, q, bucketMillis);
            for (DistinctCounter d : g.distinct) {
                o.writeByte(d != null ? 1 : 0);
                if (d != null) d.write(o);
            }
        });
    }

    @Override public Runnable read(SnapshotInput in, long groups) throws IOException {
        long[] dropped = {0};
        Runnable apply = StateSnapshot.readGroupsOnly(in, groups, state, r -> {
            Group g = new Group();
            g.lastTime = r.readTime();
            if ((r.readByte() == 1) != (g.windows != null)) throw r.malformed("a threshold group's counters are not the rule's");
            if (g.windows != null) for (int q = 0; q < values.length; q++) WindowCounter.read(r, g.windows, q, bucketMillis);
            for (int q = 0; q < values.length; q++) {
                if (r.readByte() == 0) continue;
                g.distinct[q] = new DistinctCounter(window, maxDistinct);
                dropped[0] += g.distinct[q].read(r);
            }
            return g;
        });
        return () -> {
            apply.run();
            stats.valueOverflows.add(dropped[0]);
        };
    }
}
