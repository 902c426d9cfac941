package dev.vigil.detect.state;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LruTable} keeps exactly what, and in exactly the order, an access-ordered {@code LinkedHashMap} keeps. */
class LruTableTest {

    @Test
    void behavesAsAnAccessOrderedLinkedHashMapUnderRandomOperations() {
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            LruTable<GroupKey, Integer> table = new LruTable<>();
            LinkedHashMap<GroupKey, Integer> model = new LinkedHashMap<>(16, 0.75f, true);
            // a small key space for hits and removals, a growing one for growth, rebuilds and queue compaction
            int keys = seed % 2 == 0 ? 50 : 5_000;
            for (int op = 0; op < 20_000; op++) {
                GroupKey k = key(rnd.nextInt(keys));
                switch (rnd.nextInt(10)) {
                    case 0, 1, 2 -> assertThat(table.get(k)).isEqualTo(model.get(k));
                    case 3 -> assertThat(table.peek(k)).isEqualTo(model.containsKey(k) ? peek(model, k) : null);
                    case 4, 5, 6 -> {
                        int v = rnd.nextInt();
                        assertThat(table.put(k, v)).isEqualTo(model.put(k, v));
                    }
                    case 7 -> assertThat(table.remove(k)).isEqualTo(model.remove(k));
                    case 8 -> {
                        GroupKey eldest = model.isEmpty() ? null : model.keySet().iterator().next();
                        assertThat(table.eldest()).isEqualTo(eldest);
                        Integer v = eldest == null ? null : model.remove(eldest);
                        assertThat(table.removeEldest()).isEqualTo(v);
                    }
                    default -> {
                        int mod = rnd.nextInt(2, 7);
                        int removed = table.removeIf((key, v) -> Math.floorMod(v, mod) == 0);
                        int before = model.size();
                        model.entrySet().removeIf(e -> Math.floorMod(e.getValue(), mod) == 0);
                        assertThat(removed).isEqualTo(before - model.size());
                    }
                }
                assertThat(table.size()).isEqualTo(model.size());
                if (op % 500 == 0) assertThat(entries(table)).isEqualTo(new ArrayList<>(model.entrySet()));
            }
            assertThat(entries(table)).as("seed %d", seed).isEqualTo(new ArrayList<>(model.entrySet()));
        }
    }

    @Test
    void aBoundedStateEvictsTheLeastRecentlyTouchedGroupAndCountsIt() {
        StateStats stats = new StateStats();
        InMemoryKeyedState<int[]> state = new InMemoryKeyedState<>(3, stats);
        for (String u : new String[] {"a", "b", "c"}) state.getOrCreate(key(u), k -> new int[1]);
        state.get(key("a")); // a is now the most recent: b goes first
        state.getOrCreate(key("d"), k -> new int[1]);
        List<String> order = new ArrayList<>();
        state.forEach((k, s) -> order.add(k.value(0)));
        assertThat(order).containsExactly("c", "a", "d");
        assertThat(stats.keyEvictions.sum()).isEqualTo(1);
        assertThat(state.removeIf((k, s) -> k.value(0).equals("a"))).isEqualTo(1);
        assertThat(stats.expired.sum()).isEqualTo(1);
        assertThat(state.size()).isEqualTo(2);
    }

    @Test
    void clearEmptiesTheTable() {
        LruTable<GroupKey, Integer> t = new LruTable<>();
        for (int i = 0; i < 1_000; i++) t.put(key(i), i);
        t.clear();
        assertThat(t.size()).isZero();
        assertThat(t.eldest()).isNull();
        assertThat(t.get(key(1))).isNull();
        t.put(key(7), 7);
        assertThat(entries(t)).containsExactly(Map.entry(key(7), 7));
    }

    private static GroupKey key(Object v) { return new GroupKey(new String[] {String.valueOf(v)}); }

    private static Integer peek(LinkedHashMap<GroupKey, Integer> model, GroupKey k) {
        for (Map.Entry<GroupKey, Integer> e : model.entrySet()) if (e.getKey().equals(k)) return e.getValue(); // no access
        return null;
    }

    private static List<Map.Entry<GroupKey, Integer>> entries(LruTable<GroupKey, Integer> t) {
        List<Map.Entry<GroupKey, Integer>> out = new ArrayList<>();
        t.forEach((k, v) -> out.add(Map.entry(k, v)));
        return out;
    }
}
