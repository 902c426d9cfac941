package dev.vigil.bench;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.engine.EngineLimits;
import dev.vigil.detect.engine.StateSnapshot;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.detect.state.StateBackend;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a detection state snapshot costs for a large state: 100 rules (20 of each windowed method:
 * threshold count, threshold cardinality, new value, sequence, anomaly; each with its own window so
 * none share state) over {@code N} users, each user failing from {@value #IPS} addresses, so
 * {@code 100 x N} groups, cardinality and new value groups holding {@value #IPS} values each. It
 * writes the snapshot to a file as the server does (buffered, then forced to disk), reads it back
 * into a fresh engine with the same rules and applies it, checks that every rule holds the same
 * groups, and prints size and times per round (the first round includes JIT warm-up).
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xmx3g -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' \
 *        dev.vigil.bench.SnapshotHarness [N=10000] [ROUNDS=3] [DIR=/tmp]
 * </pre>
 * The time to write is the time detection pauses for a snapshot (the server writes it on the
 * detection thread); the time to read and apply is added to a restart.
 */
public final class SnapshotHarness {

    static final int IPS = 3;
    static final int PER_METHOD = 20;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory(Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir")), "vigil-snapshot-");
        Path file = dir.resolve("state.snap");
        System.out.println("# SnapshotHarness: " + Machine.describe());
        List<DetectionRule> rules = rules();
        EngineLimits limits = new EngineLimits(Math.max(100_000, n * 2), 10_000, 100_000, Duration.ofSeconds(10));
        DetectionEngine engine = new DetectionEngine(rules, StateBackend.IN_MEMORY, limits);
        long heapBefore = GroupKeyMemory.usedAfterGc();
        long t0 = System.nanoTime();
        fill(engine, n);
        long fillMillis = (System.nanoTime() - t0) / 1_000_000;
        long heapAfter = GroupKeyMemory.usedAfterGc();
        long groups = engine.rules().values().stream().mapToLong(DetectionEngine.Compiled::groups).sum();
        System.out.printf(Locale.ROOT, "# %d rules, %,d groups (%,d per rule), %,d events in %,d ms; engine state %,d MiB on the heap%n",
                rules.size(), groups, n, (long) n * IPS, fillMillis, (heapAfter - heapBefore) >> 20);
        System.out.println("| round | size (MiB) | bytes per group | write + fsync (ms) | of which fsync (ms) | read + apply (ms) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int round = 1; round <= rounds; round++) {
            long w0 = System.nanoTime();
            StateSnapshot.Written w;
            long f0;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                w = engine.writeSnapshot(out, round);
                f0 = System.nanoTime();
                ch.force(true);
            }
            long w1 = System.nanoTime();
            if (w.groups() != groups || w.bytes() != Files.size(file)) throw new IllegalStateException("wrote " + w);

            DetectionEngine fresh = new DetectionEngine(rules, StateBackend.IN_MEMORY, limits);
            long r0 = System.nanoTime();
            StateSnapshot.Restored r;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                r = fresh.restoreSnapshot(in);
            }
            long r1 = System.nanoTime();
            if (r.families() != rules.size() || r.groups() != groups) throw new IllegalStateException("restored " + r);
            for (var c : engine.rules().values()) {
                if (fresh.rules().get(c.rule().id()).groups() != c.groups()) throw new IllegalStateException(c.rule().id() + ": groups differ");
            }
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %,d | %,d | %,d |%n", round, w.bytes() / 1048576.0, (double) w.bytes() / groups,
                    (w1 - w0) / 1_000_000, (w1 - f0) / 1_000_000, (r1 - r0) / 1_000_000);
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    /** 20 rules per windowed method, all over sshd failures by {@code @usr.name}; rule k's window is 1h + k minutes. */
    static List<DetectionRule> rules() {
        List<DetectionRule> out = new ArrayList<>();
        String head = "name: snapshot\nmessage: m\n";
        String failures = "query: 'source:sshd @evt.outcome:failure'\n    groupByFields: ['@usr.name']\n";
        for (int k = 0; k < PER_METHOD; k++) {
            String w = (60 + k) + "m";
            out.add(RuleLoader.parse("id: snap-count-" + k + "\nmethod: threshold\n" + head + "queries:\n  - name: f\n    " + failures
                    + "cases:\n  - status: low\n    condition: f >= 1000000\noptions:\n  evaluationWindow: " + w + "\n", "snap"));
            out.add(RuleLoader.parse("id: snap-card-" + k + "\nmethod: threshold\n" + head + "queries:\n  - name: f\n    " + failures
                    + "    aggregation: cardinality\n    distinctFields: ['@network.client.ip']\n"
                    + "cases:\n  - status: low\n    condition: f >= 1000000\noptions:\n  evaluationWindow: " + w + "\n", "snap"));
            out.add(RuleLoader.parse("id: snap-new-" + k + "\nmethod: new_value\n" + head + "queries:\n  - " + failures
                    + "    metric: '@network.client.ip'\ncases:\n  - status: low\noptions:\n  newValueOptions: {learningDuration: " + (7 + k)
                    + ", forgetAfter: 28}\n", "snap"));
            out.add(RuleLoader.parse("id: snap-seq-" + k + "\nmethod: sequence\n" + head + "queries:\n  - name: f\n    " + failures
                    + "  - name: s\n    query: 'source:sshd @evt.outcome:success'\n    groupByFields: ['@usr.name']\n"
                    + "cases:\n  - status: high\noptions:\n  sequenceDetectionOptions:\n    steps:\n      - condition: f >= 1000000\n"
                    + "        evaluationWindow: " + w + "\n      - condition: s >= 1\n        evaluationWindow: 1h\n", "snap"));
            out.add(RuleLoader.parse("id: snap-anomaly-" + k + "\nmethod: anomaly\n" + head + "queries:\n  - " + failures
                    + "cases:\n  - status: low\noptions:\n  anomalyDetectionOptions: {bucketDuration: " + (5 + k) + "m, learningDuration: 6h, "
                    + "detectionTolerance: 5, minimumCount: 50, baselineBuckets: 288}\n", "snap"));
        }
        return out;
    }

    /** {@code n} users failing from {@value #IPS} addresses each, 1 ms apart (nothing expires). */
    static void fill(DetectionEngine engine, int n) {
        Normalizer normalizer = new Normalizer();
        long t = Instant.parse("2026-11-22T20:00:00Z").toEpochMilli();
        Normalizer.Defaults d = Normalizer.Defaults.at(t);
        long i = 0;
        for (int ip = 0; ip < IPS; ip++) {
            for (int u = 0; u < n; u++) {
                String line = "<38>Nov 22 20:00:00 bastion-1 sshd[812]: Failed password for user" + u + " from 203." + ip + "."
                        + (u >> 8 & 255) + "." + (u & 255) + " port " + (30_000 + (u & 255)) + " ssh2";
                LogEvent e = normalizer.syslogLine(line, d);
                engine.process(DetectionBenchmark.restamp(e, t + i++));
            }
        }
    }
}
