package dev.vigil.detect.engine;

import dev.vigil.detect.event.FieldRef;
import dev.vigil.detect.event.LogEvent;

import java.util.List;

/** The value a cardinality or new value query counts: one field's text, or several joined. */
final class DistinctValues {

    private DistinctValues() {}

    static String of(List<FieldRef> fields, LogEvent e) {
        if (fields.size() == 1) return fields.getFirst().text(e);
        StringBuilder b = new StringBuilder();
        for (FieldRef f : fields) {
            String v = f.text(e);
            if (v == null) return null;
            if (!b.isEmpty()) b.append('\u001f');
            b.append(v);
        }
        return b.toString();
    }
}
