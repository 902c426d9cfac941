package dev.vigil.sensor;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.HostInfo;
import dev.vigil.model.Payload;
import dev.vigil.model.ProcessInfo;
import dev.vigil.sensor.bpf.BpfException;
import dev.vigil.sensor.bpf.BpfObject;
import dev.vigil.sensor.bpf.PerCpuCounters;
import dev.vigil.sensor.bpf.RingBuffer;
import dev.vigil.sensor.container.ContainerResolver;
import dev.vigil.sensor.decode.EventDecoder;
import dev.vigil.sensor.process.ProcFs;
import dev.vigil.sensor.process.ProcessCache;
import dev.vigil.sensor.process.UserNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The runtime sensor: loads Vigil's eBPF programs, reads their ring buffer, and hands the consumer
 * fully contextualised {@link Event}s.
 *
 * <h2>Life cycle</h2>
 * {@link #start} checks prerequisites, loads and attaches the programs the configuration needs,
 * snapshots existing processes from /proc, and starts one poll thread. {@link #close} stops the
 * thread, detaches every program and frees the kernel objects. Programs are attached before the
 * /proc snapshot, so no process can fall between the two.
 *
 * <h2>Concurrency</h2>
 * One platform thread ("vigil-sensor") polls, decodes and calls the consumer: the consumer must be
 * quick or hand events off. Back-pressure shows as ring-buffer loss, which is counted in the kernel
 * and reported as a {@code lost_events} event and in {@link #stats()}.
 *
 * <h2>Failure</h2>
 * A record that fails to decode and a consumer that throws are counted, never fatal.
 */
public final class Sensor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sensor.class);
    private static final String OBJECT = "vigil.bpf.o";
    /** How often the kernel loss counter is read and the clock offset refreshed. */
    private static final long HOUSEKEEPING_NANOS = 100_000_000L;
    private static final int STAT_LOST = 0, STAT_INFLIGHT = 1;
    /**
     * Pending bytes at which the kernel wakes the poll thread; below it, records wait for the next
     * poll period (SensorConfig.pollTimeout). Waking per record costs the traced process an
     * inter-processor interrupt per event (see docs/benchmarks.md).
     */
    private static final int WAKEUP_BYTES = 256 * 1024;
    /** Longest wait for the container engine API per socket, on the first event of a new container. */
    private static final Duration CONTAINER_LOOKUP_TIMEOUT = Duration.ofMillis(500);

    private final SensorConfig config;
    private final Consumer<Event> consumer;
    private final BpfObject object;
    private final RingBuffer ring;
    private final PerCpuCounters counters;
    private final ProcessCache processes;
    private final ContainerResolver containers;
    private final EventDecoder decoder;
    private final HostInfo host;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final int programs;
    private volatile boolean running = true;
    private volatile long monoToUnix;

    private long records;
    private long events;
    private final long[] byType = new long[128];
    private volatile long lostTotal;
    private volatile long untracked;
    private long consumerErrors;

    private Sensor(SensorConfig config, Consumer<Event> consumer) throws SensorUnavailableException {
        this.config = config;
        this.consumer = consumer;
        this.host = HostInfos.local(config.hostTags());
        refreshClock();
        // lookups run on the poll thread, once per new container: keep a slow engine from stalling it
        this.containers = new ContainerResolver(config.engineSockets(), CONTAINER_LOOKUP_TIMEOUT);
        ProcFs procFs = new ProcFs(Path.of("/proc"), containers::fromProcCgroup);
        this.processes = new ProcessCache(procFs, new UserNames(), config.maxProcesses(), HostInfos.bootTimeUnixNanos());
        this.decoder = new EventDecoder(processes, containers, host, mono -> mono + monoToUnix);

        BpfObject obj = BpfObject.open(loadObjectBytes());
        try {
            int n = configure(obj);
            obj.load();
            for (BpfObject.Program p : obj.programs()) {
                if (Programs.needed(p.name(), config) && Prerequisites.tracepointExists(p.section())) {
                    obj.attach(p.name());
                }
            }
            this.programs = n;
            this.counters = new PerCpuCounters(obj.mapFd("stats"));
            this.ring = new RingBuffer(obj.mapFd("events"), this::onRecord);
        } catch (BpfException e) {
            obj.close();
            String log = e.log().isEmpty() ? "" : "\n  libbpf: " + String.join("\n  libbpf: ", e.log().subList(Math.max(0, e.log().size() - 20), e.log().size()));
            throw new SensorUnavailableException(e.getMessage() + log, e);
        }
        this.object = obj;
        int known = processes.bootstrap();
        LOG.debug("sensor attached {} programs; {} processes read from /proc", programs, known);
        this.thread = Thread.ofPlatform().name("vigil-sensor").daemon(true).unstarted(this::run);
    }

    /**
     * Starts the sensor.
     *
     * @throws SensorUnavailableException naming what this machine lacks (root, BTF, libbpf, tracefs)
     *                                    or why the kernel refused the programs
     */
    public static Sensor start(SensorConfig config, Consumer<Event> consumer) throws SensorUnavailableException {
        var problems = Prerequisites.problems();
        if (!problems.isEmpty()) {
            throw new SensorUnavailableException(String.join("; ", problems));
        }
        Prerequisites.ensureTracefs();
        Sensor s = new Sensor(config, consumer);
        s.thread.start();
        return s;
    }

    private int configure(BpfObject obj) {
        MemorySegment rodata = obj.globalData(".rodata");
        // struct vg_config { u32 self_tgid; u16 dns_port; u16 dns_port_extra; }
        rodata.set(ValueLayout.JAVA_INT_UNALIGNED, 0, (int) ProcessHandle.current().pid());
        rodata.set(ValueLayout.JAVA_SHORT_UNALIGNED, 4, (short) 53);
        rodata.set(ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) config.dnsExtraPort());
        // u32 wakeup_bytes: wake the poll thread early only when this much is pending
        rodata.set(ValueLayout.JAVA_INT_UNALIGNED, 8, Math.min(WAKEUP_BYTES, config.ringBufferBytes() / 4));
        obj.setMaxEntries("events", config.ringBufferBytes());
        int attached = 0;
        for (BpfObject.Program p : obj.programs()) {
            boolean load = Programs.needed(p.name(), config) && Prerequisites.tracepointExists(p.section());
            obj.setAutoload(p.name(), load);
            if (load) attached++;
        }
        return attached;
    }

    private static byte[] loadObjectBytes() throws SensorUnavailableException {
        try (InputStream in = Sensor.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new SensorUnavailableException("the eBPF object " + OBJECT + " is missing from the class path (broken build)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SensorUnavailableException("cannot read the eBPF object: " + e.getMessage(), e);
        }
    }

    private void run() {
        long nextHousekeeping = 0;
        long nextClock = 0;
        try {
            while (running) {
                if (ring.poll((int) config.pollTimeout().toMillis()) == 0) {
                    ring.consume(); // records written without a wakeup
                }
                long now = System.nanoTime();
                if (now - nextHousekeeping >= 0) {
                    nextHousekeeping = now + HOUSEKEEPING_NANOS;
                    checkLoss();
                    processes.reap(now);
                    if (now - nextClock >= 0) {
                        nextClock = now + 1_000_000_000L;
                        refreshClock();
                    }
                }
            }
            ring.consume(); // drain what is already there
            checkLoss();
        } catch (RuntimeException e) {
            LOG.error("sensor poll loop failed", e);
        } finally {
            stopped.countDown();
        }
    }

    private void onRecord(MemorySegment record) {
        records++;
        Event e = decoder.decode(record);
        if (e != null && config.reports(e.type())) {
            deliver(e);
        }
    }

    private void deliver(Event e) {
        events++;
        byType[e.type().code()]++;
        try {
            consumer.accept(e);
        } catch (RuntimeException ex) {
            consumerErrors++;
            if (consumerErrors == 1) {
                LOG.warn("event consumer failed (further failures are only counted)", ex);
            }
        }
    }

    private void checkLoss() {
        long lost = counters.sum(STAT_LOST);
        untracked = counters.sum(STAT_INFLIGHT);
        if (lost > lostTotal) {
            long delta = lost - lostTotal;
            lostTotal = lost;
            Instant now = Instant.now();
            deliver(new Event(now.getEpochSecond() * 1_000_000_000L + now.getNano(), 0, host,
                    ProcessInfo.NONE, new Payload.LostEvents(delta, lost)));
        }
    }

    private void refreshClock() {
        Instant now = Instant.now();
        long mono = System.nanoTime(); // CLOCK_MONOTONIC on Linux, as bpf_ktime_get_ns
        monoToUnix = now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono;
    }

    public HostInfo host() { return host; }

    /** A snapshot of the counters; safe from any thread (values may lag by one poll). */
    public SensorStats stats() {
        Map<EventType, Long> types = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) {
            if (byType[t.code()] > 0) types.put(t, byType[t.code()]);
        }
        return new SensorStats(records, events, types, lostTotal, untracked, decoder.malformed(), consumerErrors,
                processes.size(), processes.procReads(), processes.evictions(), programs);
    }

    /** Stops polling, delivers what is already buffered, detaches the programs. Idempotent. */
    @Override
    public void close() {
        if (!running && stopped.getCount() == 0 && object == null) {
            return;
        }
        running = false;
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("sensor poll thread did not stop within 5s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            ring.close();
            counters.close();
            object.close();
            containers.close();
        }
    }

    /** Counts from the process cache, for diagnostics. */
    public int knownProcesses() { return processes.size(); }

    static boolean exists(Path p) { return Files.exists(p); }
}
