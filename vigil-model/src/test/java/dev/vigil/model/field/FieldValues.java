package dev.vigil.model.field;

import dev.vigil.model.Event;

import java.util.Arrays;
import java.util.List;

/** Reads any field through its typed getter, as a comparable Java value (test helper). */
public final class FieldValues {

    private FieldValues() {}

    /**
     * The value of {@code f} on {@code e}: a String, Long, Boolean, {@code List<String>} or
     * {@code List<Long>} (arrays are boxed so {@code equals} compares contents).
     */
    public static Object read(Field f, Event e) {
        return switch (f) {
            case Field.StringField s -> s.getter().get(e);
            case Field.LongField l -> l.getter().get(e);
            case Field.BoolField b -> b.getter().get(e);
            case Field.StringsField s -> List.copyOf(s.getter().get(e));
            case Field.LongsField l -> Arrays.stream(l.getter().apply(e)).boxed().toList();
        };
    }
}
