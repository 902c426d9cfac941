package dev.vigil.server.intake;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the event log's batches back, for every reader of the log (detection, the event index,
 * rule tests): feed it each record in order; a batch's commit marker yields exactly the
 * {@code count} events it names, the last ones before it. Events before those belong to a batch
 * whose append was torn by a crash (never acknowledged, re-sent by its sender) and are left out.
 */
public final class CommittedBatches {

    /**
     * A committed batch.
     *
     * @param events  its events' stored JSON; valid until the next {@link #accept}
     * @param torn    events of a torn earlier batch left out before it
     * @param missing events the marker counts that were not read (a gap in the log, e.g. retention
     *                took the batch's start): {@code events} is then incomplete
     */
    public record Batch(List<byte[]> events, int torn, int missing) {}

    private final List<byte[]> pending = new ArrayList<>();
    private boolean completed;

    /**
     * Takes the next record of the log.
     *
     * @return the batch this record completes, or null when it is an event
     * @throws RuntimeException when the record cannot be decoded (callers count it and go on)
     */
    public Batch accept(byte[] payload) {
        if (completed) clear();
        return switch (EventLogRecord.decode(payload)) {
            case EventLogRecord.Event ev -> {
                pending.add(ev.json());
                yield null;
            }
            case EventLogRecord.BatchCommit c -> {
                completed = true;
                int extra = pending.size() - c.count();
                yield new Batch(pending.subList(Math.max(0, extra), pending.size()), Math.max(0, extra), Math.max(0, -extra));
            }
        };
    }

    /** Forgets events read since the last marker (the reader jumps, or starts again). */
    public void clear() {
        pending.clear();
        completed = false;
    }

    /** Whether events were read that no marker has completed yet. */
    public boolean hasPending() {
        return !completed && !pending.isEmpty();
    }
}
