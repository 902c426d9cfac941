package dev.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Linux audit system as the harness's rival monitor: Debian's {@code auditd} with rules on the
 * same syscalls Vigil watches.
 *
 * <h2>What the harness changes</h2>
 * Nothing is installed or started here (bench/sensor-bench.sh does that). Each measurement adds its
 * rules with {@code auditctl -a} and removes exactly those with {@code auditctl -d} when it ends,
 * normally or not: {@link Rules#close()} runs in a finally block and a shutdown hook covers a killed
 * JVM. Rules carry the key {@link Workload#AUDIT_KEY}.
 *
 * <h2>Availability</h2>
 * {@link #probe()} explains why audit cannot be measured (no auditctl, auditd not running, auditing
 * disabled) instead of letting the harness skip it silently.
 */
final class Audit {

    private static final List<Path> AUDITCTL = List.of(Path.of("/usr/sbin/auditctl"), Path.of("/sbin/auditctl"));
    /** Longest wait for the kernel's audit backlog to drain after rules are removed. */
    private static final long DRAIN_MILLIS = 10_000;

    private final Path auditctl;
    private final long auditdPid;
    private final long kauditdPid;

    private Audit(Path auditctl, long auditdPid, long kauditdPid) {
        this.auditctl = auditctl;
        this.auditdPid = auditdPid;
        this.kauditdPid = kauditdPid;
    }

    /** Either a usable audit system or the reason there is none. */
    record Probe(Audit audit, String unavailable) {}

    static Probe probe() {
        Optional<Path> ctl = AUDITCTL.stream().filter(Files::isExecutable).findFirst();
        if (ctl.isEmpty()) {
            return new Probe(null, "auditctl not found (apt-get install auditd; bench/sensor-bench.sh does it)");
        }
        Audit probe = new Audit(ctl.get(), 0, 0);
        Map<String, Long> s;
        try {
            s = probe.status();
        } catch (IllegalStateException e) {
            return new Probe(null, e.getMessage());
        }
        long pid = s.getOrDefault("pid", 0L);
        if (pid <= 0 || !Files.exists(Path.of("/proc", Long.toString(pid)))) {
            return new Probe(null, "auditd is not running (auditctl -s: pid " + pid + "); start it with `service auditd start`");
        }
        if (s.getOrDefault("enabled", 0L) != 1) {
            return new Probe(null, "auditing is disabled (auditctl -s: enabled " + s.get("enabled") + "); enable with `auditctl -e 1`");
        }
        return new Probe(new Audit(ctl.get(), pid, kauditdPid()), null);
    }

    private static long kauditdPid() {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String n = p.getFileName().toString();
                if (n.chars().allMatch(Character::isDigit)) {
                    try {
                        if (Files.readString(p.resolve("comm")).strip().equals("kauditd")) return Long.parseLong(n);
                    } catch (IOException gone) {
                        // exited while listing
                    }
                }
            }
        } catch (IOException e) {
            // no kauditd: its CPU is not counted
        }
        return -1;
    }

    /** {@code auditctl -s} as numbers (enabled, pid, lost, backlog, ...). */
    Map<String, Long> status() {
        Map<String, Long> out = new HashMap<>();
        for (String line : auditctl(List.of("-s")).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length >= 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException notANumber) {
                    // e.g. "loginuid_immutable 0 unlocked" parses; anything else is not needed
                }
            }
        }
        return out;
    }

    /** The rules loaded besides the harness's own, in words (they tax every run alike, baseline included). */
    String otherRules() {
        long n = auditctl(List.of("-l")).lines().filter(l -> !l.isBlank() && !l.equals("No rules")).count();
        return n == 0 ? "no other audit rules loaded" : n + " other audit rule(s) loaded (auditctl -l)";
    }

    /** Records the kernel dropped because auditd's backlog was full, so far. */
    long lost() {
        return status().getOrDefault("lost", 0L);
    }

    /** CPU time of auditd plus the kernel's kauditd thread (the two halves of the audit pipeline). */
    long cpuNanos() {
        long a = ProcStats.cpuNanosOf(auditdPid);
        long k = kauditdPid > 0 ? ProcStats.cpuNanosOf(kauditdPid) : 0;
        return Math.max(a, 0) + Math.max(k, 0);
    }

    /** Rules added by {@link #add}; closing removes them and waits for the backlog to drain. */
    final class Rules implements AutoCloseable {
        private final List<String> rule;
        private final Thread hook;
        private boolean removed;

        private Rules(List<String> rule) {
            this.rule = rule;
            this.hook = new Thread(this::remove, "audit-rule-cleanup");
        }

        private synchronized void remove() {
            if (!removed) {
                removed = true;
                List<String> args = new ArrayList<>(List.of("-d"));
                args.addAll(rule);
                auditctl(args);
            }
        }

        @Override
        public void close() {
            remove();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran
            }
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
            while (status().getOrDefault("backlog", 0L) > 0 && System.nanoTime() < end) {
                sleep(50);
            }
        }
    }

    /** Adds {@code rule} (the arguments after {@code -a}); close the result to remove it. */
    Rules add(List<String> rule) {
        Rules r = new Rules(rule);
        Runtime.getRuntime().addShutdownHook(r.hook);
        List<String> args = new ArrayList<>(List.of("-a"));
        args.addAll(rule);
        try {
            auditctl(args);
        } catch (RuntimeException e) {
            synchronized (r) {
                r.removed = true; // nothing was added: nothing to delete
            }
            Runtime.getRuntime().removeShutdownHook(r.hook);
            throw e;
        }
        return r;
    }

    private String auditctl(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(auditctl.toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + auditctl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
