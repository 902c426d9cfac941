package dev.vigil.server.metrics;

import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.engine.RuleStats;
import dev.vigil.server.agents.AgentRegistry;
import dev.vigil.server.pipeline.DetectionPipeline;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The server's metrics in Prometheus' text format (GET /api/v1/metrics): the counters that
 * {@code /api/v1/stats} reports, as time series a Prometheus server scrapes and alerts on (intake
 * refusals, detection lag, dropped events, rule state bounds hit, agents gone quiet), plus the
 * JVM's. Every value is read from the counter that already exists when a scrape asks for it;
 * nothing on the hot paths changes. Per-rule and per-agent series follow the rules and agents of
 * the moment (a removed rule's series disappears), so they are collected at scrape time rather
 * than registered as meters.
 */
public final class ServerMetrics {

    /** Agents given series of their own; beyond that only the totals (a scrape of 100,000 agents is no use). */
    public static final int MAX_AGENT_SERIES = 1000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** What the metrics read, each a view on a live counter. */
    public interface Source {
        long intakeAcceptedEvents();
        long intakeAcceptedBatches();
        long intakeDuplicateBatches();
        long intakeRejectedBatches();
        long eventLogBytes();
        long eventLogDroppedRecords();
        long eventLogCorruptRecords();
        long eventLogFullRejections();
        long detectionProcessedEvents();
        long detectionLagBytes();
        long detectionCommits();
        long detectionUndecodableRecords();
        long detectionDiscardedUncommittedEvents();
        DetectionEngine engine();
        DetectionPipeline pipeline();
        int ruleProblems();
        long indexedEvents();
        long indexDocuments();
        long indexLagBytes();
        long indexSizeBytes();
        long indexTooOldEvents();
        long indexFailures();
        long consoleRefusedLogins();
        long consoleFailedLogins();
        AgentRegistry agents();
    }

    public ServerMetrics(Source s) {
        counter("vigil.intake.events.accepted", "Events accepted by the intake (written to the event log)", s, Source::intakeAcceptedEvents);
        counter("vigil.intake.batches.accepted", "Batches accepted by the intake", s, Source::intakeAcceptedBatches);
        counter("vigil.intake.batches.duplicate", "Batches acknowledged again without storing them (a batch id already in the log)", s, Source::intakeDuplicateBatches);
        counter("vigil.intake.batches.rejected", "Batches refused with a 4xx (bad line, too large, bad key)", s, Source::intakeRejectedBatches);
        gauge("vigil.event.log.bytes", "Bytes held in the on-disk event log", s, Source::eventLogBytes);
        counter("vigil.event.log.records.dropped", "Event log records dropped by its size bound", s, Source::eventLogDroppedRecords);
        counter("vigil.event.log.records.corrupt", "Event log records found corrupt when read", s, Source::eventLogCorruptRecords);
        counter("vigil.event.log.full.rejections", "Appends refused because the event log was full", s, Source::eventLogFullRejections);
        counter("vigil.detection.events.processed", "Events run through detection", s, Source::detectionProcessedEvents);
        gauge("vigil.detection.lag.bytes", "Bytes of the event log detection has not processed yet", s, Source::detectionLagBytes);
        counter("vigil.detection.commits", "Detection commits (signals and log position in one transaction)", s, Source::detectionCommits);
        counter("vigil.detection.records.undecodable", "Event log records detection could not decode", s, Source::detectionUndecodableRecords);
        counter("vigil.detection.events.discarded.uncommitted", "Events of torn batches (never acknowledged) that detection skipped", s, Source::detectionDiscardedUncommittedEvents);
        counter("vigil.detection.events.late", "Events too late for some windowed rule", s, x -> x.engine().stats().lateEvents());
        counter("vigil.detection.snapshots.written", "Detection state snapshots written", s, x -> x.pipeline().snapshotsWritten.sum());
        counter("vigil.detection.snapshot.failures", "Detection state snapshots that failed (the previous one stays)", s, x -> x.pipeline().snapshotFailures.sum());
        gauge("vigil.detection.snapshot.bytes", "Size of the last state snapshot written", s, x -> last(x, DetectionPipeline.SnapshotWrite::bytes));
        gaugeDouble("vigil.detection.snapshot.write.seconds", "How long writing the last state snapshot took (detection waits meanwhile)", s,
                x -> last(x, DetectionPipeline.SnapshotWrite::millis) / 1000.0);
        gauge("vigil.detection.snapshot.offset", "The event log offset the last state snapshot reflects", s, x -> last(x, DetectionPipeline.SnapshotWrite::offset));
        gaugeDouble("vigil.detection.snapshot.age.seconds", "Time since the last state snapshot was written (NaN before the first)", s, x -> {
            var w = x.pipeline().lastSnapshot();
            return w == null ? Double.NaN : Math.max(0, System.currentTimeMillis() - w.at()) / 1000.0;
        });
        gauge("vigil.detection.snapshot.rejected", "1 when the state snapshot found at start could not be used (see /api/v1/stats for why)", s,
                x -> x.pipeline().restore().outcome().equals("rejected") ? 1 : 0);
        for (String state : List.of("restored", "started_empty", "skipped")) {
            Gauge.builder("vigil.detection.snapshot.restore.families", s, x -> {
                        var r = x.pipeline().restore();
                        return switch (state) {
                            case "restored" -> r.families();
                            case "started_empty" -> r.startedEmpty();
                            default -> r.skipped();
                        };
                    })
                    .description("Rule families at start: restored from the snapshot, started empty (new or changed rules), skipped (snapshot families of no current rule)")
                    .tag("state", state).register(registry);
        }
        gauge("vigil.detection.rebuild.events", "Events re-read at start to rebuild detection state", s, x -> x.pipeline().rebuild().events());
        gauge("vigil.detection.rebuild.bytes", "Event log bytes re-read at start to rebuild detection state", s, x -> x.pipeline().rebuild().bytes());
        gaugeDouble("vigil.detection.rebuild.seconds", "How long the rebuild at start took", s, x -> x.pipeline().rebuild().millis() / 1000.0);
        gauge("vigil.detection.rules", "Detection rules loaded", s, x -> x.engine().stats().rules());
        gauge("vigil.detection.rule.problems", "Rule files and stored rules that did not load", s, Source::ruleProblems);
        gauge("vigil.signals.open", "Signals that new matches can still extend", s, x -> x.engine().stats().openSignals());
        counter("vigil.signals.opened", "Signals opened (a _created suffix is reserved in Prometheus)", s, x -> x.engine().stats().signalsCreated());
        counter("vigil.signals.evicted", "Open signals closed early by the open-signal bound", s, x -> x.engine().stats().signalsEvicted());
        counter("vigil.event.index.events.indexed", "Events added to the event index", s, Source::indexedEvents);
        gauge("vigil.event.index.documents", "Events searchable in the event index", s, Source::indexDocuments);
        gauge("vigil.event.index.lag.bytes", "Bytes of the event log not indexed yet", s, Source::indexLagBytes);
        gauge("vigil.event.index.size.bytes", "Size of the event index on disk", s, Source::indexSizeBytes);
        counter("vigil.event.index.events.too.old", "Events older than the event retention, not indexed", s, Source::indexTooOldEvents);
        counter("vigil.event.index.failures", "Event index writes that failed (retried)", s, Source::indexFailures);
        counter("vigil.console.logins.refused", "Console logins refused by the throttle", s, Source::consoleRefusedLogins);
        counter("vigil.console.logins.failed", "Console logins with a wrong password or an unknown or disabled user", s, Source::consoleFailedLogins);
        for (var binder : List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
        registry.getPrometheusRegistry().register(new Rules(s::engine));
        registry.getPrometheusRegistry().register(new Agents(s::agents));
    }

    /** Every series, in Prometheus' text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /** The text format's media type. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    MeterRegistry registry() { return registry; }

    private <T> void counter(String name, String help, T source, ToLongFunction<T> f) {
        FunctionCounter.builder(name, source, x -> (double) f.applyAsLong(x)).description(help).register(registry);
    }

    private <T> void gauge(String name, String help, T source, ToLongFunction<T> f) {
        Gauge.builder(name, source, x -> (double) f.applyAsLong(x)).description(help).register(registry);
    }

    private <T> void gaugeDouble(String name, String help, T source, java.util.function.ToDoubleFunction<T> f) {
        Gauge.builder(name, source, f).description(help).register(registry);
    }

    /** A field of the last snapshot written, 0 before the first. */
    private static long last(Source s, ToLongFunction<DetectionPipeline.SnapshotWrite> field) {
        var w = s.pipeline().lastSnapshot();
        return w == null ? 0 : field.applyAsLong(w);
    }

    /** Each loaded rule's counters, labelled with its id. */
    private record Rules(Supplier<DetectionEngine> engine) implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            Map<String, DetectionEngine.Compiled> rules = engine.get().rules();
            var matched = counter("vigil_rule_matched_events", "Events that matched one of the rule's queries");
            var detections = counter("vigil_rule_detections", "Detections (a case fired), before suppressions");
            var suppressed = counter("vigil_rule_suppressed", "Detections dropped by a suppression");
            var late = counter("vigil_rule_late_events", "Events too late for the rule's windows");
            var evictions = counter("vigil_rule_group_evictions", "Groups evicted because the rule had too many");
            var overflows = counter("vigil_rule_value_overflows", "Distinct values not remembered because a group had too many");
            var groups = GaugeSnapshot.builder().name("vigil_rule_groups").help("Groups the rule holds state for");
            for (var e : rules.entrySet()) {
                Labels l = Labels.of("rule_id", e.getKey());
                RuleStats st = e.getValue().stats();
                matched.dataPoint(point(l, st.matchedEvents.sum()));
                detections.dataPoint(point(l, st.detections.sum()));
                suppressed.dataPoint(point(l, st.suppressed.sum()));
                late.dataPoint(point(l, st.late.sum()));
                evictions.dataPoint(point(l, st.state.keyEvictions.sum()));
                overflows.dataPoint(point(l, st.state.valueOverflows.sum()));
                groups.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(e.getValue().groups()).build());
            }
            return MetricSnapshots.of(matched.build(), detections.build(), suppressed.build(), late.build(), evictions.build(),
                    overflows.build(), groups.build());
        }

        @Override
        public List<String> getPrometheusNames() {
            return List.of("vigil_rule_matched_events", "vigil_rule_detections", "vigil_rule_suppressed", "vigil_rule_late_events",
                    "vigil_rule_group_evictions", "vigil_rule_value_overflows", "vigil_rule_groups");
        }
    }

    /** Agents by whether they reported in lately, and each one's health (up to {@link #MAX_AGENT_SERIES}). */
    private record Agents(Supplier<AgentRegistry> agents) implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            List<AgentRegistry.Agent> all = agents.get().agents();
            long connected = all.stream().filter(AgentRegistry.Agent::connected).count();
            var count = GaugeSnapshot.builder().name("vigil_agents").help("Agents that sent a heartbeat since the server started, by whether they reported within 3 intervals")
                    .dataPoint(gaugePoint(Labels.of("state", "connected"), connected))
                    .dataPoint(gaugePoint(Labels.of("state", "disconnected"), all.size() - connected));
            var up = GaugeSnapshot.builder().name("vigil_agent_connected").help("1 when the agent reported within 3 heartbeat intervals");
            var lastSeen = GaugeSnapshot.builder().name("vigil_agent_last_seen_seconds").help("When the agent's last heartbeat came, Unix seconds");
            var events = counter("vigil_agent_sensor_events", "Events the agent's sensor saw, as its last heartbeat said");
            var lost = counter("vigil_agent_lost_events", "Events the agent lost (sensor: kernel buffer overruns; shipping: queue or buffer full, rejected)");
            var omitted = GaugeSnapshot.builder().name("vigil_agent_series_omitted").help("Agents without series of their own (beyond " + MAX_AGENT_SERIES + ")")
                    .dataPoint(gaugePoint(Labels.EMPTY, Math.max(0, all.size() - MAX_AGENT_SERIES)));
            for (AgentRegistry.Agent a : all.subList(0, Math.min(all.size(), MAX_AGENT_SERIES))) {
                Labels l = Labels.of("agent_id", a.id(), "host", a.hostname());
                up.dataPoint(gaugePoint(l, a.connected() ? 1 : 0));
                lastSeen.dataPoint(gaugePoint(l, a.lastSeen() / 1000.0));
                events.dataPoint(point(l, a.events()));
                lost.dataPoint(point(Labels.of("agent_id", a.id(), "host", a.hostname(), "where", "sensor"), a.sensorLost()));
                lost.dataPoint(point(Labels.of("agent_id", a.id(), "host", a.hostname(), "where", "shipping"), a.shippingLost()));
            }
            return MetricSnapshots.of(count.build(), up.build(), lastSeen.build(), events.build(), lost.build(), omitted.build());
        }

        @Override
        public List<String> getPrometheusNames() {
            return List.of("vigil_agents", "vigil_agent_connected", "vigil_agent_last_seen_seconds", "vigil_agent_sensor_events",
                    "vigil_agent_lost_events", "vigil_agent_series_omitted");
        }
    }

    private static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    private static CounterSnapshot.CounterDataPointSnapshot point(Labels l, double v) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v).build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gaugePoint(Labels l, double v) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v).build();
    }
}
