package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.state.GroupKey;
import dev.vigil.detect.state.KeyedState;

import java.io.IOException;

/**
 * A spike against the group's own rolling baseline: matching events are counted per bucket
 * (event time); each closed bucket, empty ones included, updates an exponentially weighted
 * mean and variance over about {@code baselineBuckets} buckets. Once the group has been
 * watched for the learning duration, each event that takes the current bucket above
 * {@code mean + tolerance x stddev} (and at least {@code minimumCount}) is a detection.
 */
final class AnomalyDetector implements Detector {

    private final KeyedState<Group> state;
    private final long bucket;
    private final double alpha;
    private final double tolerance;
    private final long minimum;
    private final long learningBuckets;
    private final int baselineBuckets;
    private final double[] values;

    AnomalyDetector(DetectionRule rule, KeyedState<Group> state) {
        this.state = state;
        var o = rule.options();
        this.bucket = o.bucket().toMillis();
        this.baselineBuckets = o.baselineBuckets();
        this.alpha = 2.0 / (o.baselineBuckets() + 1);
        this.tolerance = o.tolerance();
        this.minimum = o.minimumCount();
        this.learningBuckets = Math.max(1, o.learningDuration().toMillis() / bucket);
        this.values = new double[rule.queries().size()];
    }

    static final class Group {
        long current = Long.MIN_VALUE;
        long count;
        double mean;
        double variance;
        long buckets;
        long lastTime;
    }

    @Override public boolean onEvent(LogEvent e, EventCache ec, boolean[] matched, GroupKey key) {
        Group g = state.getOrCreate(key, k -> new Group());
        long t = e.time();
        g.lastTime = Math.max(g.lastTime, t);
        long b = Math.floorDiv(t, bucket);
        if (g.current == Long.MIN_VALUE) g.current = b;
        if (b < g.current) return false; // an earlier bucket is closed: a late event can't change the baseline
        if (b > g.current) {
            close(g, g.count);
            // empty buckets in between lower the baseline too (bounded: beyond the horizon they change nothing)
            long empty = Math.min(b - g.current - 1, baselineBuckets * 4L);
            for (long i = 0; i < empty; i++) close(g, 0);
            g.current = b;
            g.count = 0;
        }
        g.count++;
        if (g.buckets < learningBuckets || g.count < minimum) return false;
        double std = Math.sqrt(g.variance);
        // floor the deviation so a perfectly flat baseline doesn't fire on +1
        double threshold = g.mean + tolerance * Math.max(std, Math.max(1, Math.sqrt(g.mean)));
        if (g.count <= threshold) return false;
        for (int q = 0; q < values.length; q++) values[q] = matched[q] ? g.count : 0;
        return true;
    }

    @Override public int caseFor(DetectionRule member) { return Cases.first(member, values); }

    private void close(Group g, long count) {
        if (g.buckets == 0) {
            g.mean = count;
            g.variance = 0;
        } else {
            double diff = count - g.mean;
            double incr = alpha * diff;
            g.mean += incr;
            g.variance = (1 - alpha) * (g.variance + diff * incr);
        }
        g.buckets++;
    }

    @Override public void expire(long watermark) {
        // a group silent for the whole baseline horizon has nothing left to compare against
        state.removeIf((k, g) -> g.lastTime < watermark - bucket * baselineBuckets);
    }

    @Override public int groups() { return state.size(); }

    @Override public void write(SnapshotOutput out) throws IOException {
        StateSnapshot.writeGroupsOnly(out, state, (g, o) -> {
            o.writeTime(g.lastTime);
            o.writeZigzag(g.current - Math.floorDiv(o.baseTime, bucket)); // exact for the unset Long.MIN_VALUE too (wraps)
            o.writeVar(g.count);
            o.writeDouble(g.mean);
            o.writeDouble(g.variance);
            o.writeVar(g.buckets);
        });
    }

    @Override public Runnable read(SnapshotInput in, long groups) throws IOException {
        return StateSnapshot.readGroupsOnly(in, groups, state, r -> {
            Group g = new Group();
            g.lastTime = r.readTime();
            g.current = Math.floorDiv(r.baseTime, bucket) + r.readZigzag();
            g.count = r.readVar();
            g.mean = r.readDouble();
            g.variance = r.readDouble();
            g.buckets = r.readVar();
            return g;
        });
    }
}
