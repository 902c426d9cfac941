package dev.vigil.detect.engine;

/**
 * Counts events in a sliding event-time window with fixed memory: {@value #BUCKETS} buckets of
 * window/{@value #BUCKETS} each, reused in a ring. The window is exact to one bucket; events
 * older than the ring are ignored (and reported as too late by the caller).
 */
final class WindowCounter {

    static final int BUCKETS = 10;

    private final long bucketMillis;
    private final long[] index = new long[BUCKETS + 1];
    private final long[] counts = new long[BUCKETS + 1];
    private long newest = Long.MIN_VALUE;

    WindowCounter(long windowMillis) {
        this.bucketMillis = Math.max(1, windowMillis / BUCKETS);
        java.util.Arrays.fill(index, Long.MIN_VALUE);
    }

    /** Adds one event at {@code time}; false when it is older than the window the ring covers. */
    boolean add(long time) {
        long b = Math.floorDiv(time, bucketMillis);
        if (newest != Long.MIN_VALUE && b <= newest - index.length) return false;
        if (b > newest) newest = b;
        int slot = (int) Math.floorMod(b, (long) index.length);
        if (index[slot] != b) {
            index[slot] = b;
            counts[slot] = 0;
        }
        counts[slot]++;
        return true;
    }

    /** Events in the window ending at {@code time} (the bucket of {@code time} and the {@value #BUCKETS} before it). */
    long count(long time) {
        long b = Math.floorDiv(time, bucketMillis);
        long total = 0;
        for (int i = 0; i < index.length; i++) {
            long bi = index[i];
            if (bi <= b && bi > b - index.length) total += counts[i];
        }
        return total;
    }

    void clear() {
        java.util.Arrays.fill(index, Long.MIN_VALUE);
        java.util.Arrays.fill(counts, 0);
        newest = Long.MIN_VALUE;
    }

    /** Event time of the newest bucket's start, or MIN_VALUE when empty. */
    long newestTime() { return newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest * bucketMillis; }
}
