package dev.vigil.detect.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The group-by values of one group (one user and IP, one container): the key of per-group state and of a signal.
 *
 * <p>The values are kept packed in one {@code char[]} (per value its length, then its chars):
 * every state lookup compares a key with a stored one, and one array compare touches one object
 * where an array of strings touches three per value. Equal keys have equal values, in order.
 *
 * <p>A key is immutable, except a {@linkplain #scratch scratch} key: the engine refills one per
 * rule query for every matching event and looks state up with it, so an event of a known group
 * allocates nothing. Whatever keeps a key beyond the call it was given in (a map entry, a signal)
 * keeps {@link #stored()}, which is the key itself unless it is a scratch key.
 */
public final class GroupKey {

    public static final GroupKey NONE = new GroupKey(new String[0]);

    /** Length prefix of a {@code null} value. */
    private static final int NULL = -1;

    private final int size;
    /** Per value: its length in two chars (high, low; {@link #NULL} for null), then its chars. */
    private char[] packed;
    private int length;
    private int hash;
    /** Scratch keys only: the values set since the last {@link #rehash}. */
    private final String[] pending;

    public GroupKey(String[] values) {
        this.size = values.length;
        this.pending = null;
        pack(values);
    }

    private GroupKey(int size) {
        this.size = size;
        this.pending = new String[size];
        this.packed = new char[16 * size + 2];
    }

    private GroupKey(int size, char[] packed, int hash) {
        this.size = size;
        this.pending = null;
        this.packed = packed;
        this.length = packed.length;
        this.hash = hash;
    }

    /** A reusable key of {@code size} values for lookups: {@link #set} each value, then {@link #rehash}. */
    public static GroupKey scratch(int size) { return new GroupKey(size); }

    /** Sets value {@code i} of a scratch key. */
    public void set(int i, String value) {
        if (pending == null) throw new IllegalStateException("a stored group key is immutable");
        pending[i] = value;
    }

    /** Packs a scratch key's values after {@link #set}; returns the key. */
    public GroupKey rehash() {
        if (pending == null) throw new IllegalStateException("a stored group key is immutable");
        pack(pending);
        return this;
    }

    /** This key, or for a scratch key an immutable copy of its current values: what to keep. */
    public GroupKey stored() {
        return pending == null ? this : new GroupKey(size, Arrays.copyOf(packed, length), hash);
    }

    private void pack(String[] values) {
        int n = 0;
        int h = 1; // as Arrays.hashCode(values): string hashes are cached in the strings
        for (String v : values) {
            n += 2 + (v == null ? 0 : v.length());
            h = 31 * h + (v == null ? 0 : v.hashCode());
        }
        char[] p = packed;
        if (p == null || p.length < n) p = packed = new char[pending == null ? n : Math.max(n, 2 * p.length)];
        int at = 0;
        for (String v : values) {
            int len = v == null ? NULL : v.length();
            p[at++] = (char) (len >>> 16);
            p[at++] = (char) len;
            if (v != null) {
                v.getChars(0, len, p, at);
                at += len;
            }
        }
        length = n;
        hash = h;
    }

    public int size() { return size; }

    public String value(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i);
        int at = 0;
        for (int k = 0; ; k++) {
            int len = packed[at] << 16 | packed[at + 1];
            at += 2;
            if (k == i) return len == NULL ? null : new String(packed, at, len);
            if (len != NULL) at += len;
        }
    }

    public List<String> values() {
        List<String> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) out.add(value(i));
        return Collections.unmodifiableList(out);
    }

    @Override public boolean equals(Object o) {
        return o instanceof GroupKey k && k.hash == hash && k.size == size && Arrays.equals(k.packed, 0, k.length, packed, 0, length);
    }

    @Override public int hashCode() { return hash; }

    @Override public String toString() { return String.join("|", values()); }
}
