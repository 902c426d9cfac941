package dev.vigil.server.store;

import dev.vigil.detect.signal.Severity;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Signals that began in each bucket of a time range, per severity: what a "signals over time"
 * chart draws. Bucket {@code i} covers {@code [from + i * bucketMillis, from + (i + 1) * bucketMillis)}.
 *
 * @param from         start of the first bucket, epoch milliseconds
 * @param bucketMillis width of a bucket
 * @param counts       per severity (every severity present, least urgent first), one count per bucket
 */
public record SignalHistogram(long from, long bucketMillis, Map<Severity, long[]> counts) {

    public SignalHistogram {
        EnumMap<Severity, long[]> copy = new EnumMap<>(Severity.class);
        int n = -1;
        for (Severity s : Severity.values()) {
            long[] c = counts.get(s);
            if (c == null) throw new IllegalArgumentException("no counts for severity " + s.id());
            if (n >= 0 && c.length != n) throw new IllegalArgumentException("severities have different bucket counts");
            n = c.length;
            copy.put(s, c.clone());
        }
        counts = Collections.unmodifiableMap(copy);
    }

    /** How many buckets. */
    public int buckets() {
        return counts.get(Severity.INFO).length;
    }

    /** Start of bucket {@code i}, epoch milliseconds. */
    public long bucketStart(int i) {
        return from + i * bucketMillis;
    }

    /** Signals of {@code severity} in bucket {@code i}. */
    public long count(Severity severity, int i) {
        return counts.get(severity)[i];
    }

    /** Every signal counted, all buckets and severities. */
    public long total() {
        long t = 0;
        for (long[] c : counts.values()) for (long v : c) t += v;
        return t;
    }
}
