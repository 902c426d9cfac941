package dev.vigil.detect.query;

import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;

import java.util.List;

/**
 * What a {@code field:} names, bound once at parse time: a reserved attribute of {@link LogEvent}
 * ({@code host:}), a free-form attribute ({@code @usr.name:}) or tags ({@code env:},
 * {@code tags:}). A target yields values to a {@link Matcher}; an attribute or the tags yield
 * several (array elements, one per tag) and match when any of them does.
 */
sealed interface Target {

    /** Whether some value of this target in {@code e} satisfies {@code m}; {@code c} as in {@link Node#matches}. */
    boolean any(LogEvent e, EventCache c, Matcher m);

    /** Whether {@code e} has this target at all ({@code field:*}, {@code _exists_:field}). */
    boolean exists(LogEvent e, EventCache c);

    /** The field as written in canonical queries and in {@link Query#requiredValues}: {@code host}, {@code @usr.name}, {@code env}, {@code tags}. */
    String field();

    int cost();

    /** The reserved attributes, addressed by bare name. */
    enum Reserved implements Target {
        HOST, SOURCE, SERVICE, STATUS, MESSAGE;

        static Reserved byName(String name) {
            return switch (name) {
                case "host" -> HOST;
                case "source" -> SOURCE;
                case "service" -> SERVICE;
                case "status" -> STATUS;
                case "message" -> MESSAGE;
                default -> null;
            };
        }

        String value(LogEvent e) {
            return switch (this) {
                case HOST -> e.host();
                case SOURCE -> e.source();
                case SERVICE -> e.service();
                case STATUS -> e.status();
                case MESSAGE -> e.message();
            };
        }

        @Override public boolean any(LogEvent e, EventCache c, Matcher m) { return m.matches(value(e), 0); }

        /** Present when not empty ({@code status} is never empty: it defaults to {@code info}). */
        @Override public boolean exists(LogEvent e, EventCache c) { return !value(e).isEmpty(); }

        @Override public String field() { return name().toLowerCase(java.util.Locale.ROOT); }

        @Override public int cost() { return this == MESSAGE ? 4 : 1; }
    }

    /**
     * A free-form attribute, {@code @} + dotted path; arrays on the way fan out. Parsed with no
     * slot (walks the path in the event); {@link #bind} gives it its slot in an {@link EventCache}.
     */
    record Attribute(AttributePath path, int slot) implements Target {

        Attribute(AttributePath path) { this(path, -1); }

        Attribute bind(EventCache c) { return new Attribute(path, c.slot(path)); }

        @Override
        public boolean any(LogEvent e, EventCache c, Matcher m) {
            return slot < 0 ? path.anyMatch(e.attributes(), m) : c.anyMatch(slot, m);
        }

        @Override
        public boolean exists(LogEvent e, EventCache c) {
            return slot < 0 ? path.exists(e.attributes()) : c.exists(slot);
        }

        @Override public String field() { return "@" + path.dotted(); }

        @Override public int cost() { return 3 + (int) path.dotted().chars().filter(c -> c == '.').count(); }
    }

    /**
     * Tags: with a key ({@code env:prod}), the value parts of the tags {@code key:value}; without
     * one ({@code tags:env:prod}), whole tags.
     */
    record Tag(String key) implements Target {

        @Override
        public boolean any(LogEvent e, EventCache c, Matcher m) {
            List<String> tags = e.tags();
            for (int i = 0, n = tags.size(); i < n; i++) {
                String t = tags.get(i);
                if (key == null) {
                    if (m.matches(t, 0)) return true;
                } else if (hasKey(t) && m.matches(t, key.length() + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** With a key: a tag {@code key:...} or a bare {@code key}; without: any tag. */
        @Override
        public boolean exists(LogEvent e, EventCache c) {
            List<String> tags = e.tags();
            if (key == null) return !tags.isEmpty();
            for (int i = 0, n = tags.size(); i < n; i++) {
                String t = tags.get(i);
                if (t.length() == key.length() ? t.equals(key) : hasKey(t)) return true;
            }
            return false;
        }

        private boolean hasKey(String tag) {
            return tag.length() > key.length() && tag.charAt(key.length()) == ':' && tag.startsWith(key);
        }

        @Override public String field() { return key == null ? "tags" : key; }

        @Override public int cost() { return 2; }
    }
}
