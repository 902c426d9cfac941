package dev.vigil.detect.query;

import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.LogEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** PLACEHOLDER until the query language lands: AND of exact key:value terms. */
public final class Query {
    private final String text;
    private final List<String[]> terms = new ArrayList<>();

    private Query(String text) {
        this.text = text;
        for (String t : text.trim().split("\\s+")) {
            if (t.isEmpty() || t.equals("*")) continue;
            int c = t.indexOf(':');
            if (c <= 0) throw new QueryException("bad term " + t, 1, text);
            terms.add(new String[]{t.substring(0, c), t.substring(c + 1)});
        }
    }

    public static Query parse(String text) { return new Query(text == null ? "" : text); }

    public String text() { return text; }

    public boolean matches(LogEvent e) {
        for (String[] t : terms) {
            String k = t[0];
            if (k.startsWith("@")) {
                if (!AttributePath.of(k.substring(1)).anyMatch(e.attributes(), n -> n.asText().equals(t[1]))) return false;
            } else if (!t[1].equals(e.reserved(k))) return false;
        }
        return true;
    }

    public Optional<Set<String>> requiredValues(String field) {
        for (String[] t : terms) if (t[0].equals(field)) return Optional.of(Set.of(t[1]));
        return Optional.empty();
    }

    @Override public String toString() { return text; }
}
