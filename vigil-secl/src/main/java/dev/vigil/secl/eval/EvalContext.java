package dev.vigil.secl.eval;

import dev.vigil.model.Event;
import dev.vigil.model.ProcessInfo;

/**
 * What compiled rules read while evaluating one event: the event, the evaluation time, the variable
 * store and, during ancestor iteration, the ancestor under consideration. One context is reused for
 * every event on a thread (allocation-free evaluation); not thread-safe.
 */
public final class EvalContext {
    Event event;
    long now;
    ProcessInfo cursor;
    final Variables variables;

    public EvalContext(Variables variables) {
        this.variables = variables;
    }

    /** Prepares the context for {@code e}; {@code nowNanos} (Unix ns) anchors duration comparisons. */
    public EvalContext reset(Event e, long nowNanos) {
        this.event = e;
        this.now = nowNanos;
        this.cursor = null;
        return this;
    }

    public Event event() { return event; }

    public long now() { return now; }

    public Variables variables() { return variables; }
}
