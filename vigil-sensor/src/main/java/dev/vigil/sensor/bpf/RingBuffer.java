package dev.vigil.sensor.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Consumes a {@code BPF_MAP_TYPE_RINGBUF} through libbpf's {@code ring_buffer__poll}, which calls
 * back into Java (an FFM upcall) once per record. The record segment handed to the {@link Sink}
 * points into the ring buffer's shared memory and is valid only during the call: copy what you keep.
 *
 * <p>Threading: {@link #poll} must be called from one thread at a time; the sink runs on that thread.
 * Failure: an exception from the sink is counted, never propagated into native code (that would
 * crash the JVM), and the record is consumed.
 */
public final class RingBuffer implements AutoCloseable {

    /** Receives each record. */
    @FunctionalInterface
    public interface Sink {
        void onRecord(MemorySegment record);
    }

    private static final MethodHandle CALLBACK;

    static {
        try {
            CALLBACK = MethodHandles.lookup().findVirtual(RingBuffer.class, "onSample",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    private final Sink sink;
    private final MemorySegment rb;
    private long sinkErrors;
    private Throwable lastSinkError;

    public RingBuffer(int mapFd, Sink sink) {
        this.sink = sink;
        MemorySegment stub = Linker.nativeLinker().upcallStub(CALLBACK.bindTo(this),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), arena);
        this.rb = Libbpf.ringBufferNew(mapFd, stub);
        if (rb.equals(MemorySegment.NULL)) {
            int errno = Libbpf.errno();
            arena.close();
            throw new BpfException("cannot open the ring buffer", errno, List.of());
        }
    }

    /**
     * Waits up to {@code timeoutMs} for records and delivers all available ones.
     *
     * @return the number of records consumed (0 on timeout or when interrupted by a signal)
     */
    public int poll(int timeoutMs) {
        int n = Libbpf.ringBufferPoll(rb, timeoutMs);
        if (n == -4) { // EINTR: a signal arrived (Ctrl-C); the caller decides whether to stop
            return 0;
        }
        if (n < 0) {
            throw new BpfException("ring buffer poll failed", n, List.of());
        }
        return n;
    }

    /**
     * Delivers every record already in the buffer without waiting. The kernel side writes most records
     * without waking the consumer, so a poll that times out is followed by this.
     *
     * @return the number of records consumed
     */
    public int consume() {
        int n = Libbpf.ringBufferConsume(rb);
        if (n < 0) {
            throw new BpfException("ring buffer consume failed", n, List.of());
        }
        return n;
    }

    private int onSample(MemorySegment ctx, MemorySegment data, long size) {
        try {
            sink.onRecord(data.reinterpret(size));
        } catch (Throwable t) {
            sinkErrors++;
            lastSinkError = t;
        }
        return 0;
    }

    /** Records whose sink threw; see {@link #lastSinkError()}. */
    public long sinkErrors() { return sinkErrors; }

    public Throwable lastSinkError() { return lastSinkError; }

    @Override
    public void close() {
        Libbpf.ringBufferFree(rb);
        arena.close();
    }
}
