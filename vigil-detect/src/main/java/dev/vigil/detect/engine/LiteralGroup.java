package dev.vigil.detect.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.EventCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules that each require one attribute to be one of a few literal values or to start with one of
 * a few prefixes ({@code @open.file.path:/etc/ssl/private/*}, {@code @usr.name:admin*}), asked
 * once per event which of them can match: the attribute's values are looked up in a table of the
 * values and a list of the prefixes, and the rules none of them satisfies are not evaluated at
 * all. Eight rules on eight paths cost one lookup instead of eight evaluations.
 *
 * <p>Exact for text: a string value admits the rules whose literal it equals or whose prefix it
 * starts with. Any other value that a condition could match (a number, a boolean, which match by
 * value or by their text) admits every rule; {@code null} and objects admit none, as they match no
 * such condition. An event without the attribute admits none.
 */
final class LiteralGroup {

    /** What one member requires of the attribute: one of {@code exact}, or a value starting with one of {@code prefixes}. */
    record Keys(List<String> exact, List<String> prefixes) {
        Keys {
            exact = List.copyOf(exact);
            prefixes = List.copyOf(prefixes);
        }

        int size() { return exact.size() + prefixes.size(); }
    }

    final AttributePath path;
    private final int members;
    private final Map<String, int[]> exact = new HashMap<>();
    private final String[] prefixes;
    private final int[][] prefixMembers;
    private int slot;

    /** The {@link EventCache#epoch} the admissions are for, and per member whether it may match. */
    private long admittedAt;
    private final boolean[] admitted;

    LiteralGroup(AttributePath path, List<Keys> keys) {
        this.path = path;
        this.members = keys.size();
        this.admitted = new boolean[members];
        Map<String, List<Integer>> exactMembers = new HashMap<>();
        Map<String, List<Integer>> prefixMembersByPrefix = new java.util.TreeMap<>();
        for (int m = 0; m < members; m++) {
            for (String v : keys.get(m).exact()) exactMembers.computeIfAbsent(v, k -> new ArrayList<>()).add(m);
            for (String p : keys.get(m).prefixes()) prefixMembersByPrefix.computeIfAbsent(p, k -> new ArrayList<>()).add(m);
        }
        exactMembers.forEach((v, ms) -> exact.put(v, ints(ms)));
        this.prefixes = prefixMembersByPrefix.keySet().toArray(String[]::new);
        this.prefixMembers = prefixMembersByPrefix.values().stream().map(LiteralGroup::ints).toArray(int[][]::new);
    }

    private static int[] ints(List<Integer> l) { return l.stream().mapToInt(Integer::intValue).toArray(); }

    void bind(EventCache cache) {
        slot = cache.slot(path);
        admittedAt = 0; // epochs are per cache
    }

    /** Whether member {@code m} may match the cache's current event. */
    boolean admits(int m, EventCache c) {
        if (admittedAt != c.epoch()) admit(c);
        return admitted[m];
    }

    private void admit(EventCache c) {
        admittedAt = c.epoch();
        boolean[] a = admitted;
        Arrays.fill(a, false);
        for (int i = 0, n = c.count(slot); i < n; i++) {
            JsonNode v = c.value(slot, i);
            if (v instanceof TextNode t) {
                String s = t.textValue();
                int[] ms = exact.get(s);
                if (ms != null) for (int m : ms) a[m] = true;
                for (int p = 0; p < prefixes.length; p++) {
                    if (s.startsWith(prefixes[p])) for (int m : prefixMembers[p]) a[m] = true;
                }
            } else if (!(v instanceof NullNode) && !v.isContainerNode()) {
                Arrays.fill(a, true); // a number, a boolean: conditions compare these by value or by their text
                return;
            }
        }
    }

    int members() { return members; }

    @Override public String toString() { return "LiteralGroup[" + path + ", " + members + " rules]"; }
}
