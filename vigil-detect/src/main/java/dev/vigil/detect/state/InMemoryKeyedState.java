package dev.vigil.detect.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Keyed state in a hash map in access order, bounded to {@code maxKeys}: the least recently
 * touched group is evicted first and counted in {@link StateStats#keyEvictions}.
 * Single-threaded, like the pipeline stage that owns it.
 */
public final class InMemoryKeyedState<S> implements KeyedState<S> {

    private final LinkedHashMap<GroupKey, S> map;
    private final StateStats stats;

    public InMemoryKeyedState(int maxKeys, StateStats stats) {
        this.stats = stats;
        this.map = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<GroupKey, S> eldest) {
                if (size() > maxKeys) {
                    stats.keyEvictions.increment();
                    return true;
                }
                return false;
            }
        };
    }

    @Override public S get(GroupKey key) { return map.get(key); }

    @Override public S getOrCreate(GroupKey key, Function<GroupKey, S> create) {
        S s = map.get(key);
        if (s == null) {
            GroupKey stored = key.stored();
            s = create.apply(stored);
            map.put(stored, s);
        }
        return s;
    }

    @Override public void remove(GroupKey key) { map.remove(key); }

    @Override public int size() { return map.size(); }

    @Override public void forEach(BiConsumer<GroupKey, S> visitor) {
        // iterate without touching access order
        for (Map.Entry<GroupKey, S> e : map.entrySet()) visitor.accept(e.getKey(), e.getValue());
    }

    @Override public int removeIf(BiPredicate<GroupKey, S> expired) {
        int before = map.size();
        map.entrySet().removeIf(e -> expired.test(e.getKey(), e.getValue()));
        int removed = before - map.size();
        stats.expired.add(removed);
        return removed;
    }
}
