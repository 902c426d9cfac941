package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.DetectionRule.Step;
import dev.vigil.detect.state.GroupKey;
import dev.vigil.detect.state.KeyedState;

import java.io.IOException;
import java.util.List;

/**
 * Ordered steps per group: step 1's condition over query counts in its sliding window (e.g. at
 * least 10 failed logins in 10 minutes), then each next step's condition over the counts since
 * the previous step completed, within that step's window (a success within 10 minutes). The
 * last step completing is a detection; the group then starts over. A step whose window runs
 * out resets the group to step 1.
 */
final class SequenceDetector implements Detector {

    private final KeyedState<Group> state;
    private final List<Step> steps;
    private final int queries;
    private final double[] values;
    private final double[] ones;
    private final long longest;
    private final long firstBucketMillis;
    /**
     * Per query, its counter in a group's {@link Group#first}, or -1 when the first step's
     * condition does not read the query (its count could change nothing, so it is not kept).
     */
    private final int[] firstCounter;
    private final int firstCounters;

    SequenceDetector(DetectionRule rule, KeyedState<Group> state) {
        this.state = state;
        this.steps = rule.options().steps();
        this.queries = rule.queries().size();
        this.values = new double[queries];
        this.ones = new double[queries];
        java.util.Arrays.fill(ones, 1);
        this.longest = steps.stream().mapToLong(s -> s.window().toMillis()).sum();
        this.firstBucketMillis = WindowCounter.bucketMillis(steps.getFirst().window().toMillis());
        boolean[] read = new boolean[queries];
        steps.getFirst().condition().collect(read);
        this.firstCounter = new int[queries];
        int n = 0;
        for (int q = 0; q < queries; q++) firstCounter[q] = read[q] ? n++ : -1;
        this.firstCounters = n;
    }

    /** A field, not a lambda per call: {@code Group} is an inner class, so the lambda would capture {@code this}. */
    private final java.util.function.Function<GroupKey, Group> newGroup = k -> new Group();

    final class Group {
        int step;
        long stepStarted;
        /** The {@link WindowCounter}s over the first step's window, of the queries its condition reads. */
        final long[] first = WindowCounter.create(firstCounters);
        final long[] since = new long[queries];
        long lastTime;
    }

    @Override public boolean onEvent(LogEvent e, EventCache ec, boolean[] matched, GroupKey key) {
        Group g = state.getOrCreate(key, newGroup);
        long t = e.time();
        g.lastTime = Math.max(g.lastTime, t);
        if (g.step > 0 && t - g.stepStarted > steps.get(g.step).window().toMillis()) reset(g);
        if (g.step == 0) {
            for (int q = 0; q < queries; q++) {
                int w = firstCounter[q];
                if (w < 0) {
                    values[q] = 0; // not read by the condition
                    continue;
                }
                if (matched[q]) WindowCounter.add(g.first, w, firstBucketMillis, t);
                values[q] = WindowCounter.count(g.first, w, firstBucketMillis, t); // 0 for a counter that never counted
            }
        } else {
            for (int q = 0; q < queries; q++) {
                if (matched[q]) g.since[q]++;
                values[q] = g.since[q];
            }
        }
        if (!steps.get(g.step).condition().test(values)) return false;
        // step complete
        g.step++;
        g.stepStarted = t;
        java.util.Arrays.fill(g.since, 0);
        if (g.step < steps.size()) return false;
        reset(g);
        return true;
    }

    /** The last step completed: cases see 1 for every query, and the first case applies when none holds. */
    @Override public int caseFor(DetectionRule member) { return Math.max(Cases.first(member, ones), 0); }

    private void reset(Group g) {
        g.step = 0;
        java.util.Arrays.fill(g.since, 0);
        for (int w = 0; w < firstCounters; w++) WindowCounter.clear(g.first, w);
    }

    @Override public void expire(long watermark) {
        state.removeIf((k, g) -> g.lastTime < watermark - longest);
    }

    @Override public int groups() { return state.size(); }

    @Override public void write(SnapshotOutput out) throws IOException {
        StateSnapshot.writeGroupsOnly(out, state, (g, o) -> {
            o.writeTime(g.lastTime);
            o.writeVar(g.step);
            o.writeTime(g.stepStarted);
            for (int w = 0; w < firstCounters; w++) WindowCounter.write(o, g.first, w, firstBucketMillis);
            for (long n : g.since) o.writeVar(n);
        });
    }

    @Override public Runnable read(SnapshotInput in, long groups) throws IOException {
        return StateSnapshot.readGroupsOnly(in, groups, state, r -> {
            Group g = new Group();
            g.lastTime = r.readTime();
            g.step = r.readCount(steps.size() - 1);
            g.stepStarted = r.readTime();
            for (int w = 0; w < firstCounters; w++) WindowCounter.read(r, g.first, w, firstBucketMillis);
            for (int q = 0; q < queries; q++) g.since[q] = r.readVar();
            return g;
        });
    }
}
