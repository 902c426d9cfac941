package dev.vigil.detect.state;

import java.util.Arrays;
import java.util.List;

/**
 * The group-by values of one group (one user and IP, one container): the key of per-group state and of a signal.
 *
 * <p>A key is immutable, except a {@linkplain #scratch scratch} key: the engine refills one per
 * rule for every matching event and looks state up with it, so an event of a known group
 * allocates no key. Whatever keeps a key beyond the call it was given in (a map entry, a signal)
 * keeps {@link #stored()}, which is the key itself unless it is a scratch key.
 */
public final class GroupKey {

    public static final GroupKey NONE = new GroupKey(new String[0]);

    private final String[] values;
    private final boolean scratch;
    private int hash;

    public GroupKey(String[] values) {
        this.values = values;
        this.scratch = false;
        this.hash = Arrays.hashCode(values);
    }

    private GroupKey(int size) {
        this.values = new String[size];
        this.scratch = true;
    }

    /** A reusable key of {@code size} values for lookups: {@link #set} each value, then {@link #rehash}. */
    public static GroupKey scratch(int size) { return new GroupKey(size); }

    /** Sets value {@code i} of a scratch key. */
    public void set(int i, String value) {
        if (!scratch) throw new IllegalStateException("a stored group key is immutable");
        values[i] = value;
    }

    /** Recomputes a scratch key's hash after {@link #set}; returns the key. */
    public GroupKey rehash() {
        if (!scratch) throw new IllegalStateException("a stored group key is immutable");
        hash = Arrays.hashCode(values);
        return this;
    }

    /** This key, or for a scratch key an immutable copy of its current values: what to keep. */
    public GroupKey stored() { return scratch ? new GroupKey(values.clone()) : this; }

    public int size() { return values.length; }

    public String value(int i) { return values[i]; }

    public List<String> values() { return Arrays.asList(values.clone()); }

    @Override public boolean equals(Object o) {
        return o instanceof GroupKey k && k.hash == hash && Arrays.equals(k.values, values);
    }

    @Override public int hashCode() { return hash; }

    @Override public String toString() { return String.join("|", values); }
}
