package dev.vigil.detect.state;

import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Keyed state in a hash table in access order ({@link LruTable}), bounded to {@code maxKeys}: the
 * least recently touched group is evicted first and counted in {@link StateStats#keyEvictions}.
 * Single-threaded, like the pipeline stage that owns it.
 */
public final class InMemoryKeyedState<S> implements KeyedState<S> {

    private final LruTable<GroupKey, S> table = new LruTable<>();
    private final int maxKeys;
    private final StateStats stats;

    public InMemoryKeyedState(int maxKeys, StateStats stats) {
        this.maxKeys = maxKeys;
        this.stats = stats;
    }

    @Override public S get(GroupKey key) { return table.get(key); }

    @Override public S getOrCreate(GroupKey key, Function<GroupKey, S> create) {
        S s = table.get(key);
        if (s == null) {
            GroupKey stored = key.stored();
            s = create.apply(stored);
            table.put(stored, s);
            if (table.size() > maxKeys) {
                table.removeEldest();
                stats.keyEvictions.increment();
            }
        }
        return s;
    }

    @Override public void remove(GroupKey key) { table.remove(key); }

    @Override public int size() { return table.size(); }

    /** Visits the groups least recently touched first, without touching them. */
    @Override public void forEach(BiConsumer<GroupKey, S> visitor) { table.forEach(visitor); }

    @Override public int removeIf(BiPredicate<GroupKey, S> expired) {
        int removed = table.removeIf(expired);
        stats.expired.add(removed);
        return removed;
    }
}
