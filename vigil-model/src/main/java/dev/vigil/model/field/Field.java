package dev.vigil.model.field;

import dev.vigil.model.EventType;
import dev.vigil.model.LinuxConstants;

import java.util.Set;

/**
 * One SECL field: its dotted name, value type, the event types it exists on, an evaluation cost hint,
 * documentation, and a typed getter. The variants differ only by getter type, so a compiler can
 * {@code switch} over them exhaustively.
 */
public sealed interface Field permits Field.StringField, Field.LongField, Field.BoolField, Field.StringsField,
        Field.LongsField {

    /** Relative evaluation costs; the rule compiler orders operands by these. */
    int COST_SCALAR = 1;
    int COST_STRING = 2;
    int COST_ARRAY = 5;
    int COST_ANCESTORS = 20;

    String name();
    ValueType type();
    /** The event types carrying this field; empty means every type. */
    Set<EventType> eventTypes();
    int cost();
    String doc();
    /** The constant family whose names apply to this field's values, or {@code null}. */
    LinuxConstants.Family constants();
    /** For fields derived from a process (process.*, process.ancestors.*...), where the process comes from. */
    ProcessScope scope();

    default boolean isArray() { return this instanceof StringsField || this instanceof LongsField; }

    default boolean appliesTo(EventType type) { return eventTypes().isEmpty() || eventTypes().contains(type); }

    /** Where a process-derived field reads its process from; {@code NONE} for other fields. */
    enum ProcessScope { NONE, PROCESS, PARENT, ANCESTORS, EXEC, PTRACE_TRACEE, SIGNAL_TARGET }

    record StringField(String name, ValueType type, Set<EventType> eventTypes, int cost, String doc,
                       LinuxConstants.Family constants, ProcessScope scope, Getters.OfString getter,
                       Getters.ProcString ofProcess) implements Field {}

    record LongField(String name, ValueType type, Set<EventType> eventTypes, int cost, String doc,
                     LinuxConstants.Family constants, ProcessScope scope, Getters.OfLong getter,
                     Getters.ProcLong ofProcess) implements Field {}

    record BoolField(String name, ValueType type, Set<EventType> eventTypes, int cost, String doc,
                     LinuxConstants.Family constants, ProcessScope scope, Getters.OfBool getter,
                     Getters.ProcBool ofProcess) implements Field {}

    /**
     * An array of strings; a comparison matches if any element matches. For {@code process.ancestors.*}
     * fields, {@code elementOfProcess} reads one ancestor so a compiler can iterate ancestors with one
     * index across several fields (SECL iterator semantics).
     */
    record StringsField(String name, ValueType type, Set<EventType> eventTypes, int cost, String doc,
                        LinuxConstants.Family constants, ProcessScope scope, Getters.OfStrings getter,
                        Getters.ProcString elementOfProcess, Getters.ProcStrings ofProcess) implements Field {}

    /** An array of integers (ancestor pids, uids...), any-element semantics as for strings. */
    record LongsField(String name, ValueType type, Set<EventType> eventTypes, int cost, String doc,
                      LinuxConstants.Family constants, ProcessScope scope, java.util.function.Function<dev.vigil.model.Event, long[]> getter,
                      Getters.ProcLong elementOfProcess) implements Field {}
}
