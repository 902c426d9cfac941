package dev.vigil.detect.engine;

import dev.vigil.detect.state.StateStats;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distinct values seen in a sliding event-time window: value -> last time seen, kept in
 * last-seen order so values that left the window are pruned from the head. Bounded to
 * {@code maxValues}; values beyond it are not remembered and counted as overflow.
 */
final class DistinctCounter {

    private final long windowMillis;
    private final int maxValues;
    private final LinkedHashMap<String, LastSeen> lastSeen = new LinkedHashMap<>(16, 0.75f, true);

    /** Updated in place: a value seen again costs one lookup (which also moves it to the tail). */
    private static final class LastSeen {
        long time;

        LastSeen(long time) { this.time = time; }
    }

    DistinctCounter(long windowMillis, int maxValues) {
        this.windowMillis = windowMillis;
        this.maxValues = maxValues;
    }

    void add(String value, long time, StateStats stats) {
        LastSeen prev = lastSeen.get(value);
        if (prev != null) {
            if (time > prev.time) prev.time = time;
            return;
        }
        if (lastSeen.size() >= maxValues) {
            stats.valueOverflows.increment();
            return;
        }
        lastSeen.put(value, new LastSeen(time));
    }

    long count(long time) {
        long start = time - windowMillis;
        for (Iterator<Map.Entry<String, LastSeen>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().time <= start) it.remove();
            else break;
        }
        return lastSeen.size();
    }

    boolean isEmpty() { return lastSeen.isEmpty(); }

    /** Writes the values with their last-seen times, least recently seen first (the order {@link #count} prunes in). */
    void write(SnapshotOutput out) {
        out.writeVar(lastSeen.size());
        for (Map.Entry<String, LastSeen> e : lastSeen.entrySet()) {
            out.writeString(e.getKey());
            out.writeTime(e.getValue().time);
        }
    }

    /**
     * Reads what {@link #write} wrote into this empty counter, in the same order; beyond
     * {@code maxValues} the least recently seen are left out. Returns how many were (value overflows).
     */
    int read(SnapshotInput in) throws StateSnapshot.SnapshotException {
        int n = in.readLength();
        int drop = Math.max(0, n - maxValues);
        for (int i = 0; i < n; i++) {
            String v = in.readString();
            long t = in.readTime();
            if (i >= drop) lastSeen.put(v, new LastSeen(t));
        }
        return drop;
    }
}
