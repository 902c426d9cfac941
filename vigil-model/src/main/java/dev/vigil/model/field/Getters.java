package dev.vigil.model.field;

import dev.vigil.model.Event;
import dev.vigil.model.ProcessInfo;

import java.util.List;

/**
 * Typed, allocation-free field readers. The rule compiler binds each field reference to one of these
 * once, at load time; evaluating an event is then a direct call (no reflection, no map lookup).
 * String readers never return {@code null}: an absent value is {@code ""}.
 */
public final class Getters {
    private Getters() {}

    @FunctionalInterface public interface OfString { String get(Event e); }
    @FunctionalInterface public interface OfLong { long get(Event e); }
    @FunctionalInterface public interface OfBool { boolean get(Event e); }
    @FunctionalInterface public interface OfStrings { List<String> get(Event e); }

    /** Reads a value from one process; used for every process-scoped field and for ancestor iteration. */
    @FunctionalInterface public interface ProcString { String get(ProcessInfo p); }
    @FunctionalInterface public interface ProcLong { long get(ProcessInfo p); }
    @FunctionalInterface public interface ProcBool { boolean get(ProcessInfo p); }
    @FunctionalInterface public interface ProcStrings { List<String> get(ProcessInfo p); }
}
