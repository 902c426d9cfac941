package dev.vigil.journal;

import java.util.Objects;

/**
 * How a journal stores and bounds its records.
 *
 * @param segmentBytes size at which the active segment is closed and a new one started (default 64 MiB);
 *                     a batch never spans two segments, so a segment exceeds this only by holding one
 *                     batch bigger than it
 * @param maxBytes     bound on the bytes of all segments together (default: none, {@link Long#MAX_VALUE})
 * @param onFull       what an append that would exceed {@code maxBytes} does (default {@link FullPolicy#REJECT})
 * @param durability   whether each batch is forced to disk before {@code append} returns (default {@link Durability#FSYNC})
 */
public record JournalConfig(long segmentBytes, long maxBytes, FullPolicy onFull, Durability durability) {

    /** Default {@link #segmentBytes()}: 64 MiB. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    /** Smallest {@link #segmentBytes()} allowed (tests use tiny segments to exercise rolls). */
    public static final long MIN_SEGMENT_BYTES = 64;

    public JournalConfig {
        Objects.requireNonNull(onFull, "onFull");
        Objects.requireNonNull(durability, "durability");
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes is " + segmentBytes + ": must be at least " + MIN_SEGMENT_BYTES);
        }
        if (maxBytes < segmentBytes) {
            throw new IllegalArgumentException("maxBytes is " + maxBytes + ": must be at least segmentBytes (" + segmentBytes + ")");
        }
    }

    /** 64 MiB segments, unbounded, fsync per batch. */
    public static JournalConfig defaults() {
        return new JournalConfig(DEFAULT_SEGMENT_BYTES, Long.MAX_VALUE, FullPolicy.REJECT, Durability.FSYNC);
    }

    public JournalConfig withSegmentBytes(long bytes) { return new JournalConfig(bytes, maxBytes, onFull, durability); }

    public JournalConfig withMaxBytes(long bytes, FullPolicy policy) { return new JournalConfig(segmentBytes, bytes, policy, durability); }

    public JournalConfig withDurability(Durability d) { return new JournalConfig(segmentBytes, maxBytes, onFull, d); }
}
