package dev.vigil.bench;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.engine.EngineLimits;
import dev.vigil.detect.event.LogEvent;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleLoader;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Heap held per active group key, for each windowed detection method: one rule alone in an engine,
 * {@code N} sshd failures from {@code N} distinct users (so {@code N} groups, one per
 * {@code @usr.name}), heap used measured after forced collections before and after the fill.
 *
 * <p>The events are made one at a time and dropped after processing, as in a live stream, so what
 * stays is the engine's state: the group key with its value strings, the per-group detector state
 * (window counters, distinct values, learned values, baseline buckets) and the map entry. Event
 * times advance 1 ms per event, inside every window, so nothing expires during the fill. Each rule
 * counts one query; per-group cost grows with more queries, more group-by fields and more distinct
 * values per group.
 *
 * <p>Then the bound: the same fill with {@link EngineLimits#maxGroupsPerRule()} at {@code N/2} must
 * keep {@code N/2} groups and count {@code N/2} key evictions (it fails otherwise).
 *
 * <p>Heap used is {@code MemoryMXBean} heap usage after {@value #GCS} calls of {@code System.gc()}
 * 100 ms apart; with {@code -XX:+UseSerialGC} each is a full compacting collection, so the figure
 * is live data. Run:
 * <pre>
 *   java -XX:+UseSerialGC -Xmx2g -cp 'vigil-bench/target/classes:vigil-bench/target/lib/*' \
 *        dev.vigil.bench.GroupKeyMemory [N]
 * </pre>
 */
public final class GroupKeyMemory {

    static final int DEFAULT_GROUPS = 200_000;
    static final int GCS = 4;

    private static final String HEAD = "name: memory\nmessage: m\ncases:\n";

    /** One rule per method; each groups by {@code @usr.name} and counts sshd failures. */
    static final List<String[]> RULES = List.of(
            new String[]{"threshold count", "id: mem-count\nmethod: threshold\nqueries:\n  - name: f\n    query: 'source:sshd @evt.outcome:failure'\n"
                    + "    groupByFields: ['@usr.name']\n" + HEAD + "  - status: low\n    condition: f >= 1000000\noptions:\n  evaluationWindow: 1h\n"},
            new String[]{"threshold cardinality", "id: mem-card\nmethod: threshold\nqueries:\n  - name: f\n    query: 'source:sshd @evt.outcome:failure'\n"
                    + "    groupByFields: ['@usr.name']\n    aggregation: cardinality\n    distinctFields: ['@network.client.ip']\n" + HEAD
                    + "  - status: low\n    condition: f >= 1000000\noptions:\n  evaluationWindow: 1h\n"},
            new String[]{"new value", "id: mem-new\nmethod: new_value\nqueries:\n  - query: 'source:sshd @evt.outcome:failure'\n"
                    + "    groupByFields: ['@usr.name']\n    metric: '@network.client.ip'\n" + HEAD + "  - status: low\n"},
            new String[]{"sequence", "id: mem-seq\nmethod: sequence\nqueries:\n  - name: f\n    query: 'source:sshd @evt.outcome:failure'\n"
                    + "    groupByFields: ['@usr.name']\n  - name: s\n    query: 'source:sshd @evt.outcome:success'\n    groupByFields: ['@usr.name']\n"
                    + HEAD + "  - status: high\noptions:\n  sequenceDetectionOptions:\n    steps:\n      - name: a\n        condition: f >= 1000000\n"
                    + "        evaluationWindow: 1h\n      - name: b\n        condition: s >= 1\n        evaluationWindow: 1h\n"},
            new String[]{"anomaly", "id: mem-anomaly\nmethod: anomaly\nqueries:\n  - query: 'source:sshd @evt.outcome:failure'\n"
                    + "    groupByFields: ['@usr.name']\n" + HEAD + "  - status: low\noptions:\n  anomalyDetectionOptions:\n    bucketDuration: 5m\n"
                    + "    learningDuration: 6h\n    detectionTolerance: 5\n    minimumCount: 50\n    baselineBuckets: 288\n"});

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_GROUPS;
        var rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "# GroupKeyMemory: %,d groups per rule; %s, max heap %d MiB, GC %s%n", n,
                System.getProperty("java.vm.version"), rt.maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
        System.out.println("| method | groups held | heap before (MiB) | heap after (MiB) | bytes per group | bound N/2: groups, evictions |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        EngineLimits roomy = new EngineLimits(n * 2, 10_000, 100_000, Duration.ofSeconds(10));
        EngineLimits tight = new EngineLimits(n / 2, 10_000, 100_000, Duration.ofSeconds(10));
        for (String[] r : RULES) {
            DetectionRule rule = RuleLoader.parse(r[1], "memory:" + r[0]);
            DetectionEngine engine = new DetectionEngine(List.of(rule), dev.vigil.detect.state.StateBackend.IN_MEMORY, roomy);
            long before = usedAfterGc();
            fill(engine, n);
            long after = usedAfterGc();
            DetectionEngine.Compiled c = engine.rules().get(rule.id());
            int groups = c.groups();
            if (groups != n) throw new IllegalStateException(r[0] + ": expected " + n + " groups, held " + groups);

            DetectionEngine bounded = new DetectionEngine(List.of(rule), dev.vigil.detect.state.StateBackend.IN_MEMORY, tight);
            fill(bounded, n);
            DetectionEngine.Compiled b = bounded.rules().get(rule.id());
            long evictions = b.stats().state.keyEvictions.sum();
            if (b.groups() != n / 2 || evictions != n - n / 2)
                throw new IllegalStateException(r[0] + ": with maxGroupsPerRule " + n / 2 + " expected " + n / 2 + " groups and "
                        + (n - n / 2) + " evictions, got " + b.groups() + " and " + evictions);
            System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %,d | %,d, %,d counted |%n", r[0], groups, before / 1048576.0,
                    after / 1048576.0, (after - before) / groups, b.groups(), evictions);
            // keep the engine reachable until after the measurement
            if (engine.stats().events() != n) throw new IllegalStateException("events");
        }
    }

    /** {@code n} failures, one per user, one distinct address each; every event is dropped after processing. */
    static void fill(DetectionEngine engine, int n) {
        Normalizer normalizer = new Normalizer();
        long t = Instant.parse("2026-11-22T20:00:00Z").toEpochMilli();
        Normalizer.Defaults d = Normalizer.Defaults.at(t);
        for (int i = 0; i < n; i++) {
            String line = "<38>Nov 22 20:00:00 bastion-1 sshd[812]: Failed password for user" + i + " from 203.0."
                    + (i >> 16 & 255) + "." + (i >> 8 & 255) + " port " + (30_000 + (i & 255)) + " ssh2";
            LogEvent e = normalizer.syslogLine(line, d);
            e = DetectionBenchmark.restamp(e, t + i);
            engine.process(e);
        }
    }

    static long usedAfterGc() throws InterruptedException {
        var mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < GCS; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
