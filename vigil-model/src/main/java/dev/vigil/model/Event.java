package dev.vigil.model;

/**
 * One security event: when, where (host), who (process, with ancestry and container) and what
 * (the type-specific {@link Payload}). Immutable; context objects are shared between events.
 *
 * @param timestamp Unix time in nanoseconds
 * @param tid       the thread that caused it (equals {@code process.pid} for single-threaded programs)
 */
public record Event(long timestamp, int tid, HostInfo host, ProcessInfo process, Payload payload) {

    public Event {
        host = host == null ? HostInfo.NONE : host;
        process = process == null ? ProcessInfo.NONE : process;
        if (payload == null) {
            throw new IllegalArgumentException("an event needs a payload");
        }
    }

    public EventType type() { return payload.type(); }

    public ContainerInfo container() { return process.container(); }
}
