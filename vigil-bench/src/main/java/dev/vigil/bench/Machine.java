package dev.vigil.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a result was measured on: CPUs, model, memory, kernel, JDK and JVM flags, plus the noise
 * visible at the start of the run (load average, other eBPF sensors attached), because on a shared
 * 2-core machine those decide the numbers as much as the code does.
 */
record Machine(int cpus, String cpuModel, long memMib, String kernel, String jdk, List<String> jvmFlags,
               String loadAverage, String foreignSensors) {

    static Machine describe() {
        String cpuinfo = read("/proc/cpuinfo");
        Matcher model = Pattern.compile("model name\\s*:\\s*(.*)").matcher(cpuinfo);
        Matcher mem = Pattern.compile("MemTotal:\\s*(\\d+) kB").matcher(read("/proc/meminfo"));
        return new Machine(Runtime.getRuntime().availableProcessors(),
                model.find() ? model.group(1).strip() : "unknown",
                mem.find() ? Long.parseLong(mem.group(1)) / 1024 : -1,
                read("/proc/sys/kernel/osrelease").strip(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " " + Runtime.version(),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                read("/proc/loadavg").strip(),
                countForeignSensors());
    }

    /**
     * Other Vigil sensors attached right now (their on_exec programs, counted with bpftool): each one
     * taxes every traced syscall of the workload and competes for the two CPUs.
     */
    private static String countForeignSensors() {
        for (String bpftool : List.of("/usr/sbin/bpftool", "/sbin/bpftool")) {
            if (!Files.isExecutable(Path.of(bpftool))) continue;
            try {
                Process p = new ProcessBuilder(bpftool, "prog", "show").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                long n = out.lines().filter(l -> l.matches("\\d+: tracing\\s+name on_exec\\b.*")).count();
                long all = out.lines().filter(l -> l.matches("\\d+: .*")).count();
                return n + " other Vigil sensor(s), " + all + " eBPF programs loaded in all";
            } catch (IOException e) {
                return "unknown (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown (interrupted)";
            }
        }
        return "unknown (no bpftool)";
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "";
        }
    }
}
