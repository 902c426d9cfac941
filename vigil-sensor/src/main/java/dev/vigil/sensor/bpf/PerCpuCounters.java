package dev.vigil.sensor.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Reads u64 counters from a {@code BPF_MAP_TYPE_PERCPU_ARRAY}, summed over CPUs. */
public final class PerCpuCounters implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int cpus;
    private final MemorySegment key;
    private final MemorySegment values;

    public PerCpuCounters(int mapFd) {
        this.fd = mapFd;
        this.cpus = Libbpf.numPossibleCpus();
        if (cpus <= 0) {
            throw new BpfException("cannot count possible CPUs", cpus, List.of());
        }
        this.key = arena.allocate(JAVA_INT);
        this.values = arena.allocate(JAVA_LONG, cpus); // per-CPU values are 8-byte aligned slots
    }

    /** The sum over CPUs of counter {@code index}. */
    public synchronized long sum(int index) {
        key.set(JAVA_INT, 0, index);
        int rc = Libbpf.lookupElem(fd, key, values);
        if (rc != 0) {
            throw new BpfException("cannot read counter " + index, rc, List.of());
        }
        long total = 0;
        for (int i = 0; i < cpus; i++) {
            total += values.getAtIndex(JAVA_LONG, i);
        }
        return total;
    }

    @Override
    public void close() { arena.close(); }
}
