package dev.vigil.detect.state;

import java.util.Arrays;
import java.util.List;

/** The group-by values of one group (one user and IP, one container): the key of per-group state and of a signal. */
public final class GroupKey {

    public static final GroupKey NONE = new GroupKey(new String[0]);

    private final String[] values;
    private final int hash;

    public GroupKey(String[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    public int size() { return values.length; }

    public String value(int i) { return values[i]; }

    public List<String> values() { return Arrays.asList(values.clone()); }

    @Override public boolean equals(Object o) {
        return o instanceof GroupKey k && k.hash == hash && Arrays.equals(k.values, values);
    }

    @Override public int hashCode() { return hash; }

    @Override public String toString() { return String.join("|", values); }
}
