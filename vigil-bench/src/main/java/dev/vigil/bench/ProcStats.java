package dev.vigil.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Readings from /proc: CPU time of a process or one of its threads, the machine's busy time, and
 * resident memory. CPU times come in clock ticks ({@link #TICK_NANOS}), so they are only meaningful
 * over intervals of a second or more.
 */
final class ProcStats {

    /** Length of one clock tick (USER_HZ is 100 on every Linux architecture that matters here). */
    static final long TICK_NANOS = 10_000_000L;

    private ProcStats() {}

    /** utime + stime of a process ({@code /proc/<pid>/stat}), or of a thread ({@code /proc/<pid>/task/<tid>/stat}). */
    static long cpuNanos(Path statFile) {
        String stat = read(statFile);
        // the command name (field 2) may contain spaces and parentheses: count fields after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS; // fields 14 and 15
    }

    /** CPU time of this JVM, every thread included. */
    static long selfCpuNanos() {
        return cpuNanos(Path.of("/proc/self/stat"));
    }

    /** CPU time of process {@code pid}, or -1 when it is gone. */
    static long cpuNanosOf(long pid) {
        try {
            return cpuNanos(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** The Linux thread id of this JVM's thread named {@code name}, or -1. */
    static int threadId(String name) {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (read(t.resolve("comm")).strip().equals(name)) {
                    return Integer.parseInt(t.getFileName().toString());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a thread exited while listing: not found
        }
        return -1;
    }

    /** CPU time of this JVM's thread {@code tid}, or -1 when it is gone. */
    static long threadCpuNanos(int tid) {
        try {
            return tid < 0 ? -1 : cpuNanos(Path.of("/proc/self/task", Integer.toString(tid), "stat"));
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** Busy CPU time of the whole machine, all CPUs (/proc/stat: everything but idle and iowait). */
    static long machineBusyNanos() {
        String[] f = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow().trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
        }
        return busy * TICK_NANOS;
    }

    /** VmRSS of this JVM in KiB. */
    static long rssKib() {
        return statusKib("VmRSS:");
    }

    /** VmHWM (peak RSS) of this JVM in KiB. */
    static long peakRssKib() {
        return statusKib("VmHWM:");
    }

    private static long statusKib(String key) {
        return read(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith(key))
                .map(l -> Long.parseLong(l.substring(key.length()).replace("kB", "").strip()))
                .findFirst().orElse(-1L);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
