package dev.vigil.detect.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupKeyTest {

    @Test
    void aScratchKeyFindsWhatAStoredKeyOfTheSameValuesHolds() {
        GroupKey scratch = GroupKey.scratch(2);
        scratch.set(0, "root");
        scratch.set(1, "203.0.113.9");
        scratch.rehash();
        GroupKey stored = new GroupKey(new String[] {"root", "203.0.113.9"});
        assertThat(scratch).isEqualTo(stored).hasSameHashCodeAs(stored);
        assertThat(stored).isEqualTo(scratch);
    }

    @Test
    void storedCopiesAScratchKeyAndKeepsAStoredOne() {
        GroupKey scratch = GroupKey.scratch(1);
        scratch.set(0, "a");
        GroupKey a = scratch.rehash().stored();
        assertThat(a).isNotSameAs(scratch).isEqualTo(scratch);
        scratch.set(0, "b");
        scratch.rehash();
        assertThat(a.value(0)).as("refilling the scratch key leaves the copy alone").isEqualTo("a");
        assertThat(a).isNotEqualTo(scratch);
        assertThat(a.stored()).isSameAs(a);
        assertThat(GroupKey.NONE.stored()).isSameAs(GroupKey.NONE);
    }

    @Test
    void storedKeysAreImmutable() {
        GroupKey k = new GroupKey(new String[] {"a"});
        assertThatThrownBy(() -> k.set(0, "b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(k::rehash).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void inMemoryStateKeepsACopyOfAScratchKey() {
        InMemoryKeyedState<int[]> state = new InMemoryKeyedState<>(100, new StateStats());
        GroupKey scratch = GroupKey.scratch(1);
        for (String user : new String[] {"alice", "bob", "alice", "carol", "bob", "alice"}) {
            scratch.set(0, user);
            state.getOrCreate(scratch.rehash(), k -> new int[1])[0]++;
        }
        assertThat(state.size()).isEqualTo(3);
        assertThat(state.get(new GroupKey(new String[] {"alice"}))[0]).isEqualTo(3);
        assertThat(state.get(new GroupKey(new String[] {"bob"}))[0]).isEqualTo(2);
        java.util.List<String> keys = new java.util.ArrayList<>();
        state.forEach((k, s) -> {
            assertThat(k).isNotSameAs(scratch);
            keys.add(k.value(0));
        });
        assertThat(keys).containsExactlyInAnyOrder("alice", "bob", "carol");
    }

    @Test
    void keysOfDifferentValuesDiffer() {
        String[][] distinct = {{"a|b", "c"}, {"a", "b|c"}, {"", "x"}, {"x", ""}, {"x"}, {"", "", "x"}, {null, "x"}, {"null", "x"},
                {"\u0000\u0001", ""}, {"\u0000", "\u0001"}, {"x".repeat(70_000), "y"}, {"x".repeat(70_000) + "y"},
                {"a", "b", "c", "d"}, {"a", "b", "c", "e"}, {"a", "b", "c", "d", null}, {"a", "b", "c", null, "d"}, {"a", "b", "c"}};
        for (int i = 0; i < distinct.length; i++) {
            GroupKey a = new GroupKey(distinct[i].clone());
            assertThat(a.hashCode()).isEqualTo(java.util.Arrays.hashCode(distinct[i]));
            assertThat(a.size()).isEqualTo(distinct[i].length);
            for (int v = 0; v < distinct[i].length; v++) assertThat(a.value(v)).isEqualTo(distinct[i][v]);
            assertThat(a.values()).containsExactly(distinct[i]);
            assertThat(a.toString()).isEqualTo(String.join("|", distinct[i]));
            for (int j = 0; j < distinct.length; j++) {
                GroupKey b = new GroupKey(distinct[j].clone());
                if (i == j) assertThat(a).isEqualTo(b);
                else assertThat(a).as("%s vs %s", a, b).isNotEqualTo(b);
            }
        }
    }

    /** Values of decoded events are mostly the same objects, compared by identity; equal text in other objects is as equal. */
    @Test
    void equalValuesInOtherStringsAreEqual() {
        String[] values = {"alice", "203.0.113.9", "web-1", "/usr/bin/curl", "x"};
        for (int n = 1; n <= values.length; n++) {
            String[] same = java.util.Arrays.copyOf(values, n);
            String[] copies = new String[n];
            for (int i = 0; i < n; i++) copies[i] = new String(same[i].toCharArray());
            GroupKey scratch = GroupKey.scratch(n);
            for (int i = 0; i < n; i++) scratch.set(i, copies[i]);
            scratch.rehash();
            assertThat(new GroupKey(same)).isEqualTo(scratch).isEqualTo(scratch.stored()).hasSameHashCodeAs(scratch);
            assertThat(scratch.stored().values()).containsExactly(same);
        }
    }

    @Test
    void aScratchKeyGrowsForLongValuesAndStaysEqualToItsCopy() {
        GroupKey scratch = GroupKey.scratch(2);
        for (String v : new String[] {"a", "x".repeat(1000), "b", "y".repeat(5000), ""}) {
            scratch.set(0, v);
            scratch.set(1, "203.0.113.9");
            scratch.rehash();
            GroupKey stored = scratch.stored();
            assertThat(stored).isEqualTo(scratch).isEqualTo(new GroupKey(new String[] {v, "203.0.113.9"}));
            assertThat(stored.value(0)).isEqualTo(v);
        }
    }
}
