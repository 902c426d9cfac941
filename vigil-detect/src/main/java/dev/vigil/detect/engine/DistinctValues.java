package dev.vigil.detect.engine;

import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.FieldRef;

import java.util.List;

/** The value a cardinality or new value query counts: one field's text, or several joined. */
final class DistinctValues {

    private DistinctValues() {}

    static FieldRef.Bound[] bind(List<FieldRef> fields, EventCache c) {
        FieldRef.Bound[] out = new FieldRef.Bound[fields.size()];
        for (int i = 0; i < out.length; i++) out[i] = fields.get(i).bind(c);
        return out;
    }

    static String of(FieldRef.Bound[] fields, EventCache c) {
        if (fields.length == 1) return fields[0].text(c);
        StringBuilder b = new StringBuilder();
        for (FieldRef.Bound f : fields) {
            String v = f.text(c);
            if (v == null) return null;
            if (!b.isEmpty()) b.append('\u001f');
            b.append(v);
        }
        return b.toString();
    }
}
