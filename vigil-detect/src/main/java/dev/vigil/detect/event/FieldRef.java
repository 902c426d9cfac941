package dev.vigil.detect.event;

import java.util.Set;

/**
 * A field as rules write it in group-by, distinct and metric lists: a reserved attribute by bare
 * name ({@code host}, {@code service}, {@code source}, {@code status}) or an attribute with
 * {@code @} ({@code @usr.name}).
 */
public final class FieldRef {

    public static final Set<String> RESERVED = Set.of("host", "service", "source", "status");

    private final String name;
    private final String reserved;
    private final AttributePath path;

    private FieldRef(String name, String reserved, AttributePath path) {
        this.name = name;
        this.reserved = reserved;
        this.path = path;
    }

    /** Parses {@code @attr} or a reserved name; throws IllegalArgumentException for anything else. */
    public static FieldRef parse(String s) {
        String v = s.trim();
        if (v.startsWith("@") && v.length() > 1) return new FieldRef(v, null, AttributePath.of(v.substring(1)));
        if (RESERVED.contains(v)) return new FieldRef(v, v, null);
        throw new IllegalArgumentException("'" + v + "' is neither a reserved attribute (host, service, source, status) nor an attribute (write @" + v + ")");
    }

    /** The attribute's path, or null for a reserved attribute. */
    public AttributePath path() { return path; }

    /** As written: {@code @usr.name} or {@code host}. */
    public String name() { return name; }

    /** The value in {@code e} as text, or null when absent. */
    public String text(LogEvent e) {
        if (reserved != null) {
            String v = e.reserved(reserved);
            return v == null || v.isEmpty() ? null : v;
        }
        return path.firstText(e.attributes());
    }

    /** This field read through {@code cache} (its attribute path gets a slot there): for rule load, not per event. */
    public Bound bind(EventCache cache) {
        return new Bound(reserved, path == null ? -1 : cache.slot(path));
    }

    /** A field bound to an {@link EventCache}'s slot: {@link #text} equals {@link FieldRef#text} on the cache's event. */
    public record Bound(String reserved, int slot) {
        public String text(EventCache c) {
            if (reserved != null) {
                String v = c.event().reserved(reserved);
                return v == null || v.isEmpty() ? null : v;
            }
            return c.firstText(slot);
        }
    }

    @Override public String toString() { return name; }
    @Override public boolean equals(Object o) { return o instanceof FieldRef f && f.name.equals(name); }
    @Override public int hashCode() { return name.hashCode(); }
}
