package dev.vigil.cli;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;
import dev.vigil.model.ProcessInfo;
import dev.vigil.model.json.EventJson;
import dev.vigil.model.json.NdjsonWriter;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.SensorConfig;
import dev.vigil.sensor.SensorStats;
import dev.vigil.sensor.SensorUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** {@code vigil events}: stream live kernel events as NDJSON, optionally recording them. */
@Command(name = "events",
        mixinStandardHelpOptions = true,
        description = {
                "Stream live kernel events as NDJSON (one JSON object per line) on stdout.",
                "",
                "Needs root, a kernel with BTF (/sys/kernel/btf/vmlinux) and libbpf.so.1.",
                "",
                "Stop with Ctrl-C or SIGTERM: buffered events are written and the recording is flushed. "
                        + "Lost events (kernel ring buffer full) are reported as lost_events events and in the "
                        + "summary printed on stderr at exit.",
                ""},
        footer = {"",
                "Examples:",
                "  sudo vigil events --type exec,open",
                "  sudo vigil events --type network --container acme/web",
                "  sudo vigil events --pid 1234 --record /tmp/trace.ndjson"})
final class EventsCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = {"-t", "--type"}, split = ",", paramLabel = "TYPE",
            description = "Event types or families to show: ${COMPLETION-CANDIDATES}, or one of process, file, "
                    + "credentials, kernel, network. Default: all.",
            completionCandidates = TypeCandidates.class)
    List<String> types = new ArrayList<>();

    @Option(names = "--pid", paramLabel = "PID",
            description = "Only events of this process and its descendants.")
    Integer pid;

    @Option(names = "--container", paramLabel = "ID|NAME|IMAGE",
            description = "Only events in containers whose id starts with, or whose name or image name equals, this value; "
                    + "'host' for events outside containers.")
    String container;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Also write the events to FILE (NDJSON), for replay.")
    Path record;

    @Option(names = {"-q", "--quiet"}, description = "Do not print events on stdout (use with --record).")
    boolean quiet;

    @Option(names = "--tag", paramLabel = "KEY:VALUE", split = ",",
            description = "Host tag added to every event (repeatable), e.g. env:prod,team:payments.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--ring-buffer-mb", paramLabel = "MB", defaultValue = "16",
            description = "Kernel-to-agent ring buffer size in MiB (power of two). Default: ${DEFAULT-VALUE}.")
    int ringBufferMb;

    @Option(names = "--engine-socket", paramLabel = "PATH",
            description = "Container engine API socket (Docker Engine API; podman serves it too). "
                    + "Default: /run/podman/podman.sock, /var/run/docker.sock, /run/docker.sock.")
    List<Path> engineSockets;

    @Option(names = "--dns-port", paramLabel = "PORT", defaultValue = "0",
            description = "Also treat sends to this UDP/TCP port as DNS queries (53 is always watched).")
    int dnsPort;

    @Option(names = "--stats-interval", paramLabel = "DURATION",
            description = "Print the sensor's counters (events, lost, untracked, undecodable...) as one JSON line "
                    + "on stderr at this interval, e.g. 10s.")
    String statsInterval;

    @Option(names = "--max-events", paramLabel = "N", description = "Stop after N events.")
    Long maxEvents;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop after this long (ISO-8601 like PT30S, or 30s, 5m).")
    String duration;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        Set<EventType> wanted;
        try {
            wanted = parseTypes(types);
        } catch (IllegalArgumentException e) {
            err.println("vigil events: " + e.getMessage());
            return 2;
        }
        Duration limit = duration == null ? null : Durations.parse(duration);
        int ringBytes = ringBufferMb * (1 << 20);
        if (ringBufferMb <= 0 || Integer.bitCount(ringBufferMb) != 1) {
            err.println("vigil events: --ring-buffer-mb must be a power of two, got " + ringBufferMb);
            return 2;
        }
        SensorConfig config = SensorConfig.defaults().withEventTypes(wanted).withRingBufferBytes(ringBytes)
                .withHostTags(tags).withDnsExtraPort(dnsPort);
        if (engineSockets != null && !engineSockets.isEmpty()) {
            config = config.withEngineSockets(engineSockets);
        }

        EventJson json = new EventJson();
        List<NdjsonWriter> writers = new ArrayList<>();
        List<OutputStream> streams = new ArrayList<>();
        if (!quiet) {
            OutputStream out = new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out), 1 << 16);
            streams.add(out);
            writers.add(new NdjsonWriter(out, json));
        }
        if (record != null) {
            try {
                OutputStream out = new BufferedOutputStream(new FileOutputStream(record.toFile()), 1 << 16);
                streams.add(out);
                writers.add(new NdjsonWriter(out, json));
            } catch (IOException e) {
                err.println("vigil events: cannot write " + record + ": " + e.getMessage());
                return 2;
            }
        }

        UntilStopped life = new UntilStopped();
        AtomicLong shown = new AtomicLong();
        AtomicBoolean writeFailed = new AtomicBoolean();
        Object lock = new Object();
        Sensor sensor;
        try {
            sensor = Sensor.start(config, e -> {
                if (!matches(e)) {
                    return;
                }
                synchronized (lock) {
                    try {
                        for (NdjsonWriter w : writers) {
                            w.write(e);
                        }
                    } catch (IOException ex) {
                        if (writeFailed.compareAndSet(false, true)) {
                            err.println("vigil events: write failed: " + ex.getMessage());
                            life.stop();
                        }
                    }
                }
                if (maxEvents != null && shown.incrementAndGet() >= maxEvents) {
                    life.stop();
                }
            });
        } catch (SensorUnavailableException e) {
            err.println("vigil events: cannot start the sensor: " + e.getMessage());
            return 3;
        }

        ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        flusher.scheduleAtFixedRate(() -> {
            synchronized (lock) {
                flushAll(writers);
            }
        }, 200, 200, TimeUnit.MILLISECONDS);

        if (statsInterval != null) {
            long every = Durations.parse(statsInterval).toMillis();
            flusher.scheduleAtFixedRate(() -> err.println(statsJson(sensor.stats())), every, every, TimeUnit.MILLISECONDS);
        }

        life.await(limit, () -> {
            sensor.close(); // drains what the kernel already handed over
            flusher.shutdownNow();
            synchronized (lock) {
                flushAll(writers);
                for (NdjsonWriter w : writers) {
                    try {
                        w.close();
                    } catch (IOException ignored) {
                        // reported by the flush above if it mattered
                    }
                }
                for (OutputStream s : streams) {
                    try {
                        s.flush();
                        if (s != streams.getFirst() || quiet) s.close();
                    } catch (IOException ignored) {
                        // stdout closed by the reader: nothing left to tell
                    }
                }
            }
            printSummary(err, sensor.stats());
        });
        return writeFailed.get() ? 1 : 0;
    }

    private boolean matches(Event e) {
        if (pid != null) {
            boolean hit = e.process().pid() == pid;
            for (ProcessInfo p = e.process().parent(); !hit && p != null; p = p.parent()) {
                hit = p.pid() == pid;
            }
            if (!hit) return false;
        }
        if (container != null) {
            var c = e.container();
            if (container.equals("host")) {
                return c.isNone();
            }
            return !c.isNone() && ((container.length() >= 6 && c.id().startsWith(container))
                    || c.name().equals(container) || c.imageName().equals(container));
        }
        return true;
    }

    private static void flushAll(List<NdjsonWriter> writers) {
        for (NdjsonWriter w : writers) {
            try {
                w.flush();
            } catch (IOException ignored) {
                // a closed stdout (e.g. piped into head) is not an error worth a trace
            }
        }
    }

    static void printSummary(PrintStream err, SensorStats s) {
        err.printf(Locale.ROOT, "vigil events: %d events (%d kernel records), %d lost in the kernel, %d untracked syscalls, "
                        + "%d undecodable, %d programs attached, %d processes known%n",
                s.events(), s.records(), s.lost(), s.untracked(), s.malformed(), s.programs(), s.processes());
    }

    /** The counters as one JSON object, for scraping from stderr. */
    static String statsJson(SensorStats s) {
        StringBuilder types = new StringBuilder();
        s.byType().forEach((t, n) -> types.append(types.isEmpty() ? "" : ",").append('"').append(t.id()).append("\":").append(n));
        return String.format(Locale.ROOT, "{\"stats\":{\"time\":\"%s\",\"events\":%d,\"records\":%d,\"lost\":%d,"
                        + "\"untracked\":%d,\"undecodable\":%d,\"consumer_errors\":%d,\"processes\":%d,"
                        + "\"proc_reads\":%d,\"process_evictions\":%d,\"programs\":%d,\"by_type\":{%s}}}",
                java.time.Instant.now(), s.events(), s.records(), s.lost(), s.untracked(), s.malformed(), s.consumerErrors(),
                s.processes(), s.procReads(), s.evictions(), s.programs(), types);
    }

    /** Type ids and families to the set of types; empty means all. */
    static Set<EventType> parseTypes(List<String> names) {
        Set<EventType> out = EnumSet.noneOf(EventType.class);
        for (String raw : names) {
            String n = raw.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) continue;
            EventType t = EventType.byId(n);
            if (t != null) {
                out.add(t);
                continue;
            }
            EventType.Category cat = null;
            for (EventType.Category c : EventType.Category.values()) {
                if (c.name().equalsIgnoreCase(n)) cat = c;
            }
            if (cat == null) {
                throw new IllegalArgumentException("unknown event type '" + raw + "'; known: " + String.join(", ", TypeCandidates.names())
                        + ", process, file, credentials, kernel, network");
            }
            for (EventType et : EventType.values()) {
                if (et.category() == cat) out.add(et);
            }
        }
        return out;
    }

    /** Completion candidates and help text: every event type id. */
    static final class TypeCandidates implements Iterable<String> {
        static List<String> names() {
            List<String> out = new ArrayList<>();
            for (EventType t : EventType.values()) {
                if (t.category() != EventType.Category.AGENT) out.add(t.id());
            }
            return out;
        }

        @Override
        public java.util.Iterator<String> iterator() { return names().iterator(); }
    }
}
