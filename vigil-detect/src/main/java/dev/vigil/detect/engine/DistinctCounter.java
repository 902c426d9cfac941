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
    private final LinkedHashMap<String, Long> lastSeen = new LinkedHashMap<>(16, 0.75f, true);

    DistinctCounter(long windowMillis, int maxValues) {
        this.windowMillis = windowMillis;
        this.maxValues = maxValues;
    }

    void add(String value, long time, StateStats stats) {
        Long prev = lastSeen.get(value);
        if (prev != null) {
            if (time > prev) lastSeen.put(value, time);
            return;
        }
        if (lastSeen.size() >= maxValues) {
            stats.valueOverflows.increment();
            return;
        }
        lastSeen.put(value, time);
    }

    long count(long time) {
        long start = time - windowMillis;
        for (Iterator<Map.Entry<String, Long>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() <= start) it.remove();
            else break;
        }
        return lastSeen.size();
    }

    boolean isEmpty() { return lastSeen.isEmpty(); }
}
