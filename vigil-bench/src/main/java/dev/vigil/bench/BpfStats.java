package dev.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time spent inside the sensor's eBPF programs, from the kernel's own accounting
 * ({@code kernel.bpf_stats_enabled}: run_time_ns and run_cnt per program, read with bpftool).
 * This is the in-kernel half of the agent's cost, charged to the traced process, which the JVM's
 * CPU time does not show.
 *
 * <p>Enabling the statistics costs two clock reads per program run, so the harness enables them only
 * during the zero-loss search and restores the previous setting in {@link #close()}. When bpftool or
 * the sysctl is missing, every reading is empty and the report shows "n/a".
 */
final class BpfStats implements AutoCloseable {

    private static final Path SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");
    private static final List<Path> BPFTOOL = List.of(Path.of("/usr/sbin/bpftool"), Path.of("/sbin/bpftool"));
    private static final Pattern PROG = Pattern.compile("\\{\"id\":(\\d+),[^{}]*?\\}");
    private static final Pattern RUN_TIME = Pattern.compile("\"run_time_ns\":(\\d+)");

    private final Path bpftool;
    private final String previous;

    private BpfStats(Path bpftool, String previous) {
        this.bpftool = bpftool;
        this.previous = previous;
    }

    /** Turns the kernel's BPF statistics on; the result reads nothing if that is impossible here. */
    static BpfStats enable() {
        Path tool = BPFTOOL.stream().filter(Files::isExecutable).findFirst().orElse(null);
        try {
            String prev = Files.readString(SYSCTL).strip();
            if (tool != null) {
                Files.writeString(SYSCTL, "1");
            }
            return new BpfStats(tool, prev);
        } catch (IOException e) {
            return new BpfStats(null, null);
        }
    }

    boolean available() { return bpftool != null; }

    /** Ids of the BPF programs loaded now. */
    Set<Integer> ids() {
        return runTimes().keySet();
    }

    /** Cumulative run time (ns) of each loaded program, by id. */
    Map<Integer, Long> runTimes() {
        Map<Integer, Long> out = new HashMap<>();
        if (bpftool == null) return out;
        try {
            Process p = new ProcessBuilder(bpftool.toString(), "-j", "prog", "show").redirectErrorStream(true).start();
            String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = PROG.matcher(json);
            while (m.find()) {
                Matcher t = RUN_TIME.matcher(m.group());
                out.put(Integer.parseInt(m.group(1)), t.find() ? Long.parseLong(t.group(1)) : 0L);
            }
        } catch (IOException e) {
            // no reading: the step reports n/a
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Run time added between two readings, summed over {@code programs}; -1 without readings. */
    static long delta(Map<Integer, Long> before, Map<Integer, Long> after, Set<Integer> programs) {
        if (before.isEmpty() || after.isEmpty() || programs.isEmpty()) return -1;
        long sum = 0;
        for (int id : programs) {
            sum += after.getOrDefault(id, 0L) - before.getOrDefault(id, 0L);
        }
        return sum;
    }

    @Override
    public void close() {
        if (previous != null && bpftool != null) {
            try {
                Files.writeString(SYSCTL, previous);
            } catch (IOException e) {
                SensorHarness.log("could not restore kernel.bpf_stats_enabled to " + previous + ": " + e.getMessage());
            }
        }
    }
}
