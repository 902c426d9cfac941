package dev.vigil.detect.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The group-by values of one group (one user and IP, one container): the key of per-group state and of a signal.
 *
 * <p>The first three values are fields of the key itself, further ones in an array: every state
 * lookup compares a key with a stored one, and the values of decoded events are mostly the same
 * string objects from one event to the next (the decode shares short values), so the compare is
 * mostly identity checks of the stored key's own fields: one object, one cache line, where
 * comparing text reads every value's bytes. Values that are equal but not identical compare by
 * text. Equal keys have equal values, in order.
 *
 * <p>A key is immutable, except a {@linkplain #scratch scratch} key: the engine refills one per
 * rule query for every matching event and looks state up with it, so an event of a known group
 * allocates nothing. Whatever keeps a key beyond the call it was given in (a map entry, a signal)
 * keeps {@link #stored()}, which is the key itself unless it is a scratch key.
 */
public final class GroupKey {

    public static final GroupKey NONE = new GroupKey(new String[0]);

    private final int size;
    private final boolean scratch;
    private String v0, v1, v2;
    /** Values from the fourth on; null for keys of three values or fewer. */
    private final String[] rest;
    private int hash;

    public GroupKey(String[] values) {
        this(values.length, false);
        for (int i = 0; i < values.length; i++) put(i, values[i]);
        hash = computeHash();
    }

    private GroupKey(int size, boolean scratch) {
        this.size = size;
        this.scratch = scratch;
        this.rest = size > 3 ? new String[size - 3] : null;
    }

    /** A reusable key of {@code size} values for lookups: {@link #set} each value, then {@link #rehash}. */
    public static GroupKey scratch(int size) { return new GroupKey(size, true); }

    /** Sets value {@code i} of a scratch key. */
    public void set(int i, String value) {
        if (!scratch) throw new IllegalStateException("a stored group key is immutable");
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i);
        put(i, value);
    }

    /** Computes a scratch key's hash after {@link #set}; returns the key. */
    public GroupKey rehash() {
        if (!scratch) throw new IllegalStateException("a stored group key is immutable");
        hash = computeHash();
        return this;
    }

    /** This key, or for a scratch key an immutable copy of its current values: what to keep. */
    public GroupKey stored() {
        if (!scratch) return this;
        GroupKey k = new GroupKey(size, false);
        k.v0 = v0;
        k.v1 = v1;
        k.v2 = v2;
        if (rest != null) System.arraycopy(rest, 0, k.rest, 0, rest.length);
        k.hash = hash;
        return k;
    }

    private void put(int i, String value) {
        switch (i) {
            case 0 -> v0 = value;
            case 1 -> v1 = value;
            case 2 -> v2 = value;
            default -> rest[i - 3] = value;
        }
    }

    private int computeHash() {
        int h = 1; // as Arrays.hashCode(values): string hashes are cached in the strings
        for (int i = 0; i < size; i++) {
            String v = value(i);
            h = 31 * h + (v == null ? 0 : v.hashCode());
        }
        return h;
    }

    public int size() { return size; }

    public String value(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i);
        return switch (i) {
            case 0 -> v0;
            case 1 -> v1;
            case 2 -> v2;
            default -> rest[i - 3];
        };
    }

    public List<String> values() {
        List<String> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) out.add(value(i));
        return Collections.unmodifiableList(out);
    }

    @Override public boolean equals(Object o) {
        return o instanceof GroupKey k && k.hash == hash && k.size == size
                && same(v0, k.v0) && same(v1, k.v1) && same(v2, k.v2) && (rest == null || Arrays.equals(rest, k.rest));
    }

    private static boolean same(String a, String b) {
        return a == b || a != null && a.equals(b);
    }

    @Override public int hashCode() { return hash; }

    @Override public String toString() { return String.join("|", values()); }
}
