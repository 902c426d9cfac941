package dev.vigil.bench;

import dev.vigil.model.Event;
import dev.vigil.model.EventType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One workload generator: a C program from {@code bench/workloads} (see its header comment),
 * compiled with {@code gcc -O2} at run time, plus what the harness needs to know about it: the
 * event type that watches it, the audit rule that watches the same syscalls, and how to recognise
 * its events.
 *
 * @param name          the program, e.g. {@code openloop}
 * @param binary        the compiled program
 * @param eventType     the only event type the sensor reports while this workload runs
 * @param auditRule     the audit rule (after {@code -a}/{@code -d}) that watches the same syscalls
 * @param byParent      whether the workload's events come from its children (exec) rather than itself (open)
 * @param ladder        offered rates (ops/s) tried, in order, when searching the highest zero-loss rate
 */
record Workload(String name, Path binary, EventType eventType, List<String> auditRule, boolean byParent,
                long[] ladder) {

    /** The key the harness's audit rules carry, so they can be told apart from an admin's. */
    static final String AUDIT_KEY = "vigil-bench";

    static Workload open(Path binDir) {
        return new Workload("openloop", binDir.resolve("openloop"), EventType.OPEN,
                List.of("always,exit", "-F", "arch=b64", "-S", "openat", "-S", "open", "-k", AUDIT_KEY), false,
                new long[] {50_000, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 800_000, 1_000_000});
    }

    static Workload exec(Path binDir) {
        return new Workload("execloop", binDir.resolve("execloop"), EventType.EXEC,
                List.of("always,exit", "-F", "arch=b64", "-S", "execve", "-k", AUDIT_KEY), true,
                new long[] {250, 500, 1_000, 1_500, 2_000, 3_000, 4_000, 6_000});
    }

    /** Whether {@code e} is one of this workload's events, the workload processes being {@code pids}. */
    boolean owns(Event e, int[] pids) {
        if (e.type() != eventType) return false;
        int key = byParent ? e.process().ppid() : e.process().pid();
        for (int p : pids) {
            if (p == key) return true;
        }
        return false;
    }

    /**
     * What one run reported, summed over its processes (rates add up; elapsed is the longest), and
     * when the harness started the first process and saw the last one end.
     */
    record Run(int procs, long ops, long elapsedNanos, double opsPerSecond, long userNanos, long sysNanos,
               long launchedAt, long exitedAt) {
        double cpuPerOpNanos() { return ops == 0 ? 0 : (double) (userNanos + sysNanos) / ops; }
    }

    private static final Pattern RESULT = Pattern.compile(
            "ops=(\\d+) elapsed_ns=(\\d+) ops_per_s=(\\d+) user_ns=(\\d+) sys_ns=(\\d+)");

    /**
     * Runs {@code procs} copies of the program for {@code seconds}, together paced to {@code rate}
     * ops/s (each to rate/procs; 0: as fast as they can), and waits for them. {@code started} gets
     * the pids started so far each time one more runs.
     */
    Run run(long rate, double seconds, int procs, Consumer<int[]> started) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-t", String.format(Locale.ROOT, "%.3f", seconds)));
        if (rate > 0) {
            cmd.addAll(List.of("-r", Long.toString(Math.max(1, rate / procs))));
        }
        List<Process> running = new ArrayList<>();
        try {
            long launched = System.nanoTime();
            int[] pids = new int[0];
            for (int i = 0; i < procs; i++) {
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                running.add(p);
                pids = Arrays.copyOf(pids, pids.length + 1);
                pids[pids.length - 1] = (int) p.pid();
                started.accept(pids);
            }
            long ops = 0, elapsed = 0, user = 0, sys = 0;
            double rateSum = 0;
            for (Process p : running) {
                String line;
                try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    line = out.readLine();
                }
                int rc = p.waitFor();
                Matcher m = line == null ? null : RESULT.matcher(line);
                if (rc != 0 || m == null || !m.find()) {
                    throw new IllegalStateException(name + " failed: exit code " + rc + ", output: " + line);
                }
                ops += Long.parseLong(m.group(1));
                elapsed = Math.max(elapsed, Long.parseLong(m.group(2)));
                rateSum += Double.parseDouble(m.group(3));
                user += Long.parseLong(m.group(4));
                sys += Long.parseLong(m.group(5));
            }
            return new Run(procs, ops, elapsed, rateSum, user, sys, launched, System.nanoTime());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        } finally {
            running.forEach(Process::destroyForcibly);
        }
    }

    /**
     * Compiles {@code <sources>/<name>.c} with {@code gcc -O2} into {@code outDir}.
     *
     * @throws IllegalStateException naming the source and gcc's message when compilation fails
     */
    static void compile(Path sources, String name, Path outDir) {
        Path src = sources.resolve(name + ".c");
        if (!Files.isRegularFile(src)) {
            throw new IllegalStateException("workload source " + src + " not found (--workloads should name bench/workloads)");
        }
        try {
            Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", outDir.resolve(name).toString(), src.toString())
                    .redirectErrorStream(true).start();
            String msg = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc failed on " + src + ":\n" + msg);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run gcc (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling " + src, e);
        }
    }
}
