package dev.vigil.server.intake;

import java.util.Arrays;

/**
 * How many things happened in each fixed time bucket of a sliding window (events accepted per
 * 10 s over the last hour, say): a ring of counters, one per bucket, reused as time moves on.
 * Adding allocates nothing, so it can sit on the intake's hot path; callers add once per batch.
 * Buckets are aligned to multiples of their width since the epoch, so two histories with the
 * same width line up.
 */
public final class RateHistory {

    private final long bucketMillis;
    /** counts[i] belongs to the bucket numbered buckets[i] (time / bucketMillis); stale slots are reset on use. */
    private final long[] counts;
    private final long[] buckets;

    /**
     * @param bucketMillis width of a bucket
     * @param size         buckets kept: the window is {@code size * bucketMillis} long
     */
    public RateHistory(long bucketMillis, int size) {
        if (bucketMillis <= 0) throw new IllegalArgumentException("bucket width must be positive, not " + bucketMillis);
        if (size < 2) throw new IllegalArgumentException("a rate history needs at least 2 buckets, not " + size);
        this.bucketMillis = bucketMillis;
        this.counts = new long[size];
        this.buckets = new long[size];
        Arrays.fill(buckets, Long.MIN_VALUE);
    }

    /** Ten-second buckets over the last hour: what the console's dashboard draws. */
    public static RateHistory lastHour() {
        return new RateHistory(10_000, 360);
    }

    public long bucketMillis() { return bucketMillis; }

    /** Buckets in the window. */
    public int size() { return counts.length; }

    /** Counts {@code n} at {@code epochMillis}. Times older than the window are ignored. */
    public synchronized void add(long epochMillis, long n) {
        long b = Math.floorDiv(epochMillis, bucketMillis);
        int i = (int) Math.floorMod(b, (long) counts.length);
        if (buckets[i] != b) {
            if (buckets[i] != Long.MIN_VALUE && buckets[i] > b) return; // the slot already holds a later bucket
            buckets[i] = b;
            counts[i] = 0;
        }
        counts[i] += n;
    }

    /**
     * The window ending with the bucket that holds {@code nowMillis} (still filling), oldest first.
     */
    public synchronized Window window(long nowMillis) {
        long last = Math.floorDiv(nowMillis, bucketMillis);
        long first = last - counts.length + 1;
        long[] out = new long[counts.length];
        for (int k = 0; k < out.length; k++) {
            long b = first + k;
            int i = (int) Math.floorMod(b, (long) counts.length);
            out[k] = buckets[i] == b ? counts[i] : 0;
        }
        return new Window(first * bucketMillis, bucketMillis, out);
    }

    /**
     * Counts per bucket, oldest first; the last bucket is the current one, still filling.
     *
     * @param from         start of the first bucket, epoch milliseconds
     * @param bucketMillis width of each bucket
     * @param counts       one count per bucket
     */
    public record Window(long from, long bucketMillis, long[] counts) {

        public Window {
            counts = counts.clone();
        }

        @Override public long[] counts() { return counts.clone(); }

        public int size() { return counts.length; }

        public long count(int i) { return counts[i]; }

        public long bucketStart(int i) { return from + i * bucketMillis; }

        /** Per second in bucket {@code i}. */
        public double perSecond(int i) {
            return counts[i] * 1000.0 / bucketMillis;
        }

        /**
         * Per second over the {@code n} complete buckets before the current one (the current is
         * still filling, and would read low).
         */
        public double recentPerSecond(int n) {
            int k = Math.min(n, counts.length - 1);
            long sum = 0;
            for (int i = counts.length - 1 - k; i < counts.length - 1; i++) sum += counts[i];
            return k == 0 ? 0 : sum * 1000.0 / (k * bucketMillis);
        }

        /** Everything counted in the window. */
        public long total() {
            long t = 0;
            for (long c : counts) t += c;
            return t;
        }
    }
}
