package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.DetectionRule.RuleQuery;
import dev.vigil.detect.state.GroupKey;
import dev.vigil.detect.state.KeyedState;
import dev.vigil.detect.state.StateStats;

import java.io.IOException;
import java.util.HashMap;

/**
 * The first time a value of the query's metric is seen for a group (a user logging in from a
 * new country, a container image running a new binary), once the rule has learned for its
 * learning duration (event time since the first event it saw). A value not seen for
 * {@code forgetAfter} is new again.
 */
final class NewValueDetector implements Detector {

    private final DetectionRule rule;
    private final KeyedState<Group> state;
    private final StateStats stats;
    private final int maxValues;
    private final long learning;
    private final long forget;
    private final double[] values;
    /** Per query, its metric bound to the engine's {@link EventCache} (null without one). */
    private FieldRef.Bound[] metrics;
    /** Rule state too (the time of the first event): in snapshots with the values, so a restart doesn't learn again. */
    private long learningStarted = Long.MIN_VALUE;

    NewValueDetector(DetectionRule rule, KeyedState<Group> state, StateStats stats, int maxValues) {
        this.rule = rule;
        this.state = state;
        this.stats = stats;
        this.maxValues = maxValues;
        this.learning = rule.options().learningDuration().toMillis();
        this.forget = rule.options().forgetAfter().toMillis();
        this.values = new double[rule.queries().size()];
    }

    static final class Group {
        final HashMap<String, LastSeen> lastSeen = new HashMap<>();
        long lastTime;
    }

    /** Updated in place: a known value costs one lookup and no boxing. */
    static final class LastSeen {
        long time;

        LastSeen(long time) { this.time = time; }
    }

    @Override public boolean onEvent(LogEvent e, EventCache ec, boolean[] matched, GroupKey key) {
        long t = e.time();
        if (learningStarted == Long.MIN_VALUE) learningStarted = t;
        boolean learned = t >= learningStarted + learning;
        Group g = state.getOrCreate(key, k -> new Group());
        g.lastTime = Math.max(g.lastTime, t);
        boolean fresh = false;
        for (int q = 0; q < values.length; q++) {
            values[q] = 0;
            RuleQuery query = rule.queries().get(q);
            if (!matched[q] || query.metric() == null) continue;
            String v = metrics[q].text(ec);
            if (v == null) continue;
            LastSeen seen = g.lastSeen.get(v);
            boolean isNew = seen == null || (forget > 0 && t - seen.time > forget);
            if (seen == null && g.lastSeen.size() >= maxValues) {
                stats.valueOverflows.increment();
                continue; // not remembered, so not reported either: a bounded group can't tell new from known
            }
            if (seen == null) g.lastSeen.put(v, new LastSeen(t));
            else if (t > seen.time) seen.time = t;
            if (isNew && learned) {
                values[q] = 1;
                fresh = true;
            }
        }
        return fresh;
    }

    @Override public int caseFor(DetectionRule member) { return Cases.first(member, values); }

    @Override public void bind(EventCache c) {
        var queries = rule.queries();
        FieldRef.Bound[] bound = new FieldRef.Bound[queries.size()];
        for (int q = 0; q < bound.length; q++) {
            FieldRef m = queries.get(q).metric();
            bound[q] = m == null ? null : m.bind(c);
        }
        metrics = bound;
    }

    @Override public void expire(long watermark) {
        if (forget <= 0) return;
        state.forEach((k, g) -> g.lastSeen.values().removeIf(seen -> seen.time < watermark - forget));
        state.removeIf((k, g) -> g.lastSeen.isEmpty());
    }

    @Override public int groups() { return state.size(); }

    @Override public void write(SnapshotOutput out) throws IOException {
        out.record(o -> o.writeTime(learningStarted));
        StateSnapshot.writeGroups(out, state, (g, o) -> {
            o.writeTime(g.lastTime);
            o.writeVar(g.lastSeen.size());
            for (var e : g.lastSeen.entrySet()) {
                o.writeString(e.getKey());
                o.writeTime(e.getValue().time);
            }
        });
    }

    /** Beyond {@code maxValues} values per group, the most recently seen are kept (the others counted as overflows). */
    @Override public Runnable read(SnapshotInput in, long groups) throws IOException {
        in.next();
        long started = in.readTime();
        in.done();
        long[] dropped = {0};
        var staged = StateSnapshot.StagedGroups.read(in, groups, r -> {
            Group g = new Group();
            g.lastTime = r.readTime();
            int n = r.readLength();
            String[] vs = new String[n];
            long[] ts = new long[n];
            for (int i = 0; i < n; i++) {
                vs[i] = r.readString();
                ts[i] = r.readTime();
            }
            if (n <= maxValues) {
                for (int i = 0; i < n; i++) g.lastSeen.put(vs[i], new LastSeen(ts[i]));
                return g;
            }
            Integer[] newestFirst = new Integer[n];
            for (int i = 0; i < n; i++) newestFirst[i] = i;
            java.util.Arrays.sort(newestFirst, (a, b) -> Long.compare(ts[b], ts[a]));
            for (int i = 0; i < maxValues; i++) g.lastSeen.put(vs[newestFirst[i]], new LastSeen(ts[newestFirst[i]]));
            dropped[0] += n - maxValues;
            return g;
        });
        return () -> {
            learningStarted = started;
            staged.applyTo(state);
            stats.valueOverflows.add(dropped[0]);
        };
    }
}
