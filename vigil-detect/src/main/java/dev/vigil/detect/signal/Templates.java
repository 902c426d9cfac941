package dev.vigil.detect.signal;

import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.event.LogEvent;

/**
 * Fills {@code {{@attr}}} and {@code {{host}}} placeholders in rule titles, messages, tags and
 * case severities from an event. A placeholder whose value is absent renders as empty.
 */
public final class Templates {

    private Templates() {}

    /** Placeholders come from rule texts, a bounded set: each is parsed once. */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.Optional<FieldRef>> FIELDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static FieldRef field(String name) {
        return FIELDS.computeIfAbsent(name, n -> {
            try {
                return java.util.Optional.of(FieldRef.parse(n));
            } catch (IllegalArgumentException x) {
                return java.util.Optional.empty();
            }
        }).orElse(null);
    }

    public static boolean hasPlaceholder(String s) { return s != null && s.contains("{{"); }

    /** The attribute paths the placeholders of {@code template} read. */
    public static java.util.List<dev.vigil.detect.event.AttributePath> attributePaths(String template) {
        java.util.List<dev.vigil.detect.event.AttributePath> out = new java.util.ArrayList<>();
        if (!hasPlaceholder(template)) return out;
        for (int i = 0; ; ) {
            int open = template.indexOf("{{", i);
            int close = open < 0 ? -1 : template.indexOf("}}", open);
            if (close < 0) return out;
            FieldRef field = field(template.substring(open + 2, close).trim());
            if (field != null && field.path() != null) out.add(field.path());
            i = close + 2;
        }
    }

    public static String render(String template, LogEvent e) {
        if (!hasPlaceholder(template)) return template;
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            int close = open < 0 ? -1 : template.indexOf("}}", open);
            if (open < 0 || close < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            String name = template.substring(open + 2, close).trim();
            FieldRef field = field(name);
            if (field == null) out.append(template, open, close + 2); // not a field: leave as written
            else {
                String v = field.text(e);
                if (v != null) out.append(v);
            }
            i = close + 2;
        }
        return out.toString();
    }
}
