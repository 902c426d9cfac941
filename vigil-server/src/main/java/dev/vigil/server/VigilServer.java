package dev.vigil.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.engine.DetectionEngine;
import dev.vigil.detect.normalize.Normalizer;
import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleException;
import dev.vigil.journal.Journal;
import dev.vigil.journal.JournalConfig;
import dev.vigil.server.api.Api;
import dev.vigil.server.intake.BatchReader;
import dev.vigil.server.intake.Intake;
import dev.vigil.server.pipeline.DetectionPipeline;
import dev.vigil.server.store.CreatedKey;
import dev.vigil.server.store.Store;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vigil server}: intake into the on-disk event log, detection over it, signals in the
 * store, the REST API. Zero set-up: everything lives under the data directory unless
 * PostgreSQL is configured. On first start an API key is created and written, once, to
 * {@code <data>/initial-api-key} (mode 0600) so a local agent and the CLI can use it.
 */
public final class VigilServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VigilServer.class);
    public static final String INITIAL_KEY_FILE = "initial-api-key";
    private static final ObjectMapper STATS_JSON = new ObjectMapper();

    private final ServerConfig config;
    private final Store store;
    private final Journal events;
    private final Intake intake;
    private final DetectionEngine engine;
    private final DetectionPipeline pipeline;
    private final BatchReader batchReader;
    private final dev.vigil.server.events.EventIndex eventIndex;
    private final dev.vigil.server.events.EventIndexer eventIndexer;
    private final dev.vigil.server.events.EventSearch eventSearch;
    private final WebServer web;
    private final dev.vigil.server.agents.AgentRegistry agents = new dev.vigil.server.agents.AgentRegistry();
    private final Thread housekeeping;
    private volatile List<RuleException> ruleProblems = List.of();
    /** The rules as last loaded, with their origins (detection swaps them in between two events). */
    private volatile List<DetectionRules.Loaded> loadedRules = List.of();
    private final dev.vigil.server.pipeline.RuleTester ruleTester;
    private final Api api;
    private dev.vigil.server.logs.FileTailer tailer;
    private final dev.vigil.server.console.Console console;
    private final dev.vigil.server.metrics.ServerMetrics metrics;

    private VigilServer(ServerConfig config, java.time.InstantSource clock) throws IOException, InterruptedException {
        this.config = config;
        Files.createDirectories(config.dataDir());
        this.store = Store.open(config.store(), clock);
        createFirstKey();
        this.events = Journal.open(config.dataDir().resolve("events"), JournalConfig.defaults());
        this.intake = new Intake(events, new Normalizer());
        List<RuleException> problems = new ArrayList<>();
        this.loadedRules = List.copyOf(DetectionRules.all(config.builtinRules(), config.ruleDirs(), store.rules(), problems));
        List<DetectionRule> rules = loadedRules.stream().map(DetectionRules.Loaded::rule).toList();
        this.ruleProblems = List.copyOf(problems);
        this.engine = new DetectionEngine(rules);
        engine.setSuppressions(store.suppressions().list());
        this.pipeline = new DetectionPipeline(events, store.signals(), store.suppressions(), engine, config.commitInterval(),
                config.dataDir().resolve("detection").resolve("state.snap"), config.snapshotInterval(), Clock.systemUTC());
        pipeline.start();
        // the event index (events explorer, entity pages): follows the log on its own, never in intake's way
        this.eventIndex = dev.vigil.server.events.EventIndex.open(config.dataDir().resolve("event-index"));
        this.eventIndexer = new dev.vigil.server.events.EventIndexer(events, eventIndex, config.eventRetention())
                .yieldingTo(() -> pipeline.lagBytes() > 16L << 20); // detection first when it falls 16 MiB behind
        eventIndexer.start();
        this.eventSearch = new dev.vigil.server.events.EventSearch(eventIndex, eventIndexer::lagBytes);
        this.batchReader = new BatchReader(config.maxBodyBytes(), config.maxLineBytes(), 100_000);
        this.ruleTester = new dev.vigil.server.pipeline.RuleTester(events, () -> store.suppressions().list(), Clock.systemUTC());
        this.metrics = new dev.vigil.server.metrics.ServerMetrics(new MetricsSource());
        this.api = new Api(new Api.Backend() {
            @Override public Store store() { return store; }
            @Override public Intake intake() { return intake; }
            @Override public BatchReader batchReader() { return batchReader; }
            @Override public DetectionEngine engine() { return engine; }
            @Override public List<RuleException> reload() throws IOException { return VigilServer.this.reload(); }
            @Override public ObjectNode stats() { return VigilServer.this.stats(); }
            @Override public dev.vigil.server.events.EventSearch events() { return eventSearch; }
            @Override public dev.vigil.server.agents.AgentRegistry agents() { return agents; }
            @Override public List<DetectionRules.Loaded> loadedRules() { return loadedRules; }
            @Override public dev.vigil.server.pipeline.RuleTester ruleTester() { return ruleTester; }
            @Override public dev.vigil.server.metrics.ServerMetrics metrics() { return metrics; }
        });
        HttpRouting.Builder routing = HttpRouting.builder();
        api.routes(routing);
        createFirstAdmin();
        this.console = new dev.vigil.server.console.Console(new dev.vigil.server.console.Console.ConsoleBackend() {
            @Override public Store store() { return store; }
            @Override public void reload() throws IOException { VigilServer.this.reload(); }
            @Override public VigilServer server() { return VigilServer.this; }
        }, config.secureCookies(), clock);
        console.routes(routing);
        this.web = WebServer.builder()
                .host(config.host())
                .port(config.port())
                // the intake reader enforces its own limits with line numbers; this is the outer bound
                .maxPayloadSize(config.maxBodyBytes() + 1)
                // answers go out as soon as they are written: with Nagle's algorithm on, a page of more than
                // one write waited for the client's delayed ACK (about 40 ms per console page)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .contentEncoding(io.helidon.http.encoding.ContentEncodingContext.builder()
                        .contentEncodingsDiscoverServices(false)
                        .addContentEncoding(new dev.vigil.server.intake.GzipPassThrough())
                        .build())
                .routing(routing)
                .build()
                .start();
        this.housekeeping = Thread.ofVirtual().name("vigil-housekeeping").start(this::housekeeping);
        LOG.info("vigil server listening on http://{}:{} (data {}, store {}, {} detection rules)", config.host(), web.port(),
                config.dataDir(), store.dialect(), engine.rules().size());
    }

    public static VigilServer start(ServerConfig config) throws IOException, InterruptedException {
        return new VigilServer(config, java.time.InstantSource.system());
    }

    /**
     * As {@link #start(ServerConfig)}, with the clock of the store (change stamps, console
     * sessions) and of the console's login throttle: tests pass one they move by hand to see
     * sessions and throttling expire. Detection keeps the system clock.
     */
    public static VigilServer start(ServerConfig config, java.time.InstantSource clock) throws IOException, InterruptedException {
        return new VigilServer(config, clock);
    }

    private void createFirstKey() throws IOException {
        if (!store.apiKeys().list().isEmpty()) return;
        CreatedKey k = store.apiKeys().create("initial", "vigil");
        Path f = config.dataDir().resolve(INITIAL_KEY_FILE);
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, k.plaintext() + "\n");
        LOG.info("created the first API key ({}...), written to {}; create others with POST /api/v1/api-keys and revoke this one",
                k.key().displayPrefix(), f);
    }

    /**
     * With no console user yet, creates {@code admin} with a random password and prints it once:
     * on standard error (so {@code vigil up} shows it) and in the log. {@code vigil users add}
     * before the first start avoids this.
     */
    private void createFirstAdmin() {
        if (!store.users().isEmpty()) return;
        byte[] b = new byte[18];
        new java.security.SecureRandom().nextBytes(b);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        store.users().create("admin", password, dev.vigil.server.users.Role.ADMIN, "vigil");
        String msg = "console: created user 'admin' with password " + password
                + " (shown this once; change it with `vigil users passwd admin " + storeOptions() + "`)";
        System.err.println(msg);
        LOG.info(msg);
    }

    /** The options of {@code vigil users} that reach this server's store. */
    private String storeOptions() {
        var st = config.store();
        return st.dialect() == dev.vigil.server.store.Dialect.SQLITE ? "--data " + st.dataDir()
                : "--postgres " + st.jdbcUrl() + " --postgres-user " + st.user();
    }

    /**
     * Follows log files (tail -F, rotation-safe, resuming where it stopped) into the intake: JSON
     * lines as JSON logs, anything else as syslog lines (auth.log and friends). A line that can't
     * be read is counted and logged, never retried forever.
     */
    public synchronized void tail(List<Path> files, String source) throws IOException {
        if (files.isEmpty()) return;
        var cfg = dev.vigil.server.logs.FileTailer.Config.of(config.dataDir().resolve("tail-state.json"), files);
        tailer = new dev.vigil.server.logs.FileTailer(cfg, (file, lines) -> {
            var defaults = dev.vigil.detect.normalize.Normalizer.Defaults.at(System.currentTimeMillis())
                    .withSource(source).withTags(List.of("filename:" + file.getFileName()));
            List<BatchReader.Line> json = new ArrayList<>();
            List<BatchReader.Line> text = new ArrayList<>();
            long n = 0;
            for (String l : lines) {
                var line = new BatchReader.Line(++n, l.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                (l.stripLeading().startsWith("{") ? json : text).add(line);
            }
            for (var part : List.of(json, text)) {
                if (part.isEmpty()) continue;
                try {
                    intake.accept(part == json ? Intake.Kind.JSON : Intake.Kind.SYSLOG, null, part, defaults);
                } catch (dev.vigil.server.intake.IntakeException x) {
                    // one bad line must not block the file: take the others one by one
                    for (var line : part) {
                        try {
                            intake.accept(part == json ? Intake.Kind.JSON : Intake.Kind.SYSLOG, null, List.of(line), defaults);
                        } catch (dev.vigil.server.intake.IntakeException bad) {
                            tailRejected.increment();
                            LOG.warn("{}: line skipped: {}", file, bad.getMessage());
                        }
                    }
                }
            }
        }).start();
        LOG.info("following {}", files);
    }

    /** Lines of followed files that could not be read (logged one by one). */
    public final java.util.concurrent.atomic.LongAdder tailRejected = new java.util.concurrent.atomic.LongAdder();

    /** Re-reads rules (built-in, files, stored) and suppressions into detection. */
    public synchronized List<RuleException> reload() throws IOException {
        List<RuleException> problems = new ArrayList<>();
        List<DetectionRules.Loaded> loaded = List.copyOf(DetectionRules.all(config.builtinRules(), config.ruleDirs(), store.rules(), problems));
        List<DetectionRule> rules = loaded.stream().map(DetectionRules.Loaded::rule).toList();
        loadedRules = loaded;
        ruleProblems = List.copyOf(problems);
        pipeline.reload(rules, store.suppressions().list());
        return problems;
    }

    private void housekeeping() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long now = System.currentTimeMillis();
                int purged = store.signals().purgeSignalsLastSeenBefore(now - config.signalRetention().toMillis());
                if (purged > 0) LOG.info("retention: removed {} signals last seen more than {} ago", purged, config.signalRetention());
                // events: by age, but never what detection has not read yet
                events.deleteOlderThan(Instant.ofEpochMilli(now - config.eventRetention().toMillis()), pipeline.committedPosition());
                Thread.sleep(3_600_000);
            } catch (InterruptedException x) {
                return;
            } catch (Exception x) {
                LOG.warn("housekeeping failed: {}", x.toString());
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** What the Prometheus metrics read: the same counters as {@link #stats()}. */
    private final class MetricsSource implements dev.vigil.server.metrics.ServerMetrics.Source {
        @Override public long intakeAcceptedEvents() { return intake.acceptedEvents.sum(); }
        @Override public long intakeAcceptedBatches() { return intake.acceptedBatches.sum(); }
        @Override public long intakeDuplicateBatches() { return intake.duplicateBatches.sum(); }
        @Override public long intakeRejectedBatches() { return intake.rejectedBatches.sum(); }
        @Override public long eventLogBytes() { return events.endOffset() - events.startOffset(); }
        @Override public long eventLogDroppedRecords() { return events.stats().recordsDropped(); }
        @Override public long eventLogCorruptRecords() { return events.stats().corruptRecords(); }
        @Override public long eventLogFullRejections() { return events.stats().fullRejections(); }
        @Override public long detectionProcessedEvents() { return pipeline.processedEvents.sum(); }
        @Override public long detectionLagBytes() { return pipeline.lagBytes(); }
        @Override public long detectionCommits() { return pipeline.commits.sum(); }
        @Override public long detectionUndecodableRecords() { return pipeline.undecodable.sum(); }
        @Override public long detectionDiscardedUncommittedEvents() { return pipeline.discardedUncommitted.sum(); }
        @Override public DetectionEngine engine() { return engine; }
        @Override public DetectionPipeline pipeline() { return pipeline; }
        @Override public int ruleProblems() { return ruleProblems.size(); }
        @Override public long indexedEvents() { return eventIndexer.indexedEvents.sum(); }
        @Override public long indexDocuments() { return eventIndex.docs(); }
        @Override public long indexLagBytes() { return eventIndexer.lagBytes(); }
        @Override public long indexSizeBytes() { return eventIndex.sizeBytes(); }
        @Override public long indexTooOldEvents() { return eventIndexer.tooOld.sum(); }
        @Override public long indexFailures() { return eventIndexer.failures.sum(); }
        @Override public long consoleRefusedLogins() { return console == null ? 0 : console.throttle().refused.sum(); }
        @Override public long consoleFailedLogins() { return console == null ? 0 : console.throttle().failures.sum(); }
        @Override public dev.vigil.server.agents.AgentRegistry agents() { return agents; }
    }

    public ObjectNode stats() {
        ObjectNode o = STATS_JSON.createObjectNode();
        ObjectNode in = o.putObject("intake");
        in.put("accepted_events", intake.acceptedEvents.sum());
        in.put("accepted_batches", intake.acceptedBatches.sum());
        in.put("duplicate_batches", intake.duplicateBatches.sum());
        in.put("rejected_batches", intake.rejectedBatches.sum());
        ObjectNode log = o.putObject("event_log");
        var js = events.stats();
        log.put("start_offset", events.startOffset());
        log.put("end_offset", events.endOffset());
        log.put("stats", js.toString());
        ObjectNode det = o.putObject("detection");
        var es = engine.stats();
        det.put("processed_events", pipeline.processedEvents.sum());
        det.put("committed_offset", pipeline.committedPosition());
        det.put("lag_bytes", pipeline.lagBytes());
        det.put("late_events", es.lateEvents());
        det.put("rules", es.rules());
        det.put("open_signals", es.openSignals());
        det.put("signals_created", es.signalsCreated());
        det.put("signals_evicted", es.signalsEvicted());
        det.put("discarded_uncommitted_events", pipeline.discardedUncommitted.sum());
        det.put("undecodable_records", pipeline.undecodable.sum());
        det.put("commits", pipeline.commits.sum());
        det.put("last_commit_ms", pipeline.lastCommitMillis());
        det.put("commit_spacing_ms", pipeline.commitSpacingMillis());
        // the state snapshot: how fresh it is, what it costs, and what the last start did with it
        ObjectNode snap = det.putObject("snapshot");
        snap.put("interval_ms", pipeline.snapshotInterval().toMillis());
        snap.put("written", pipeline.snapshotsWritten.sum());
        snap.put("failures", pipeline.snapshotFailures.sum());
        var last = pipeline.lastSnapshot();
        if (last != null) {
            snap.put("last_offset", last.offset());
            snap.put("last_bytes", last.bytes());
            snap.put("last_millis", last.millis());
            snap.put("last_age_ms", Math.max(0, System.currentTimeMillis() - last.at()));
            snap.put("last_families", last.families());
            snap.put("last_groups", last.groups());
        }
        if (pipeline.lastSnapshotError() != null) snap.put("last_error", pipeline.lastSnapshotError());
        var restore = pipeline.restore();
        ObjectNode rs = snap.putObject("restore");
        rs.put("outcome", restore.outcome());
        if (restore.reason() != null) rs.put("reason", restore.reason());
        rs.put("offset", restore.offset());
        rs.put("families_restored", restore.families());
        rs.put("families_started_empty", restore.startedEmpty());
        rs.put("families_skipped", restore.skipped());
        rs.put("groups", restore.groups());
        var rebuild = pipeline.rebuild();
        ObjectNode rb = det.putObject("rebuild");
        rb.put("source", rebuild.source());
        rb.put("from_offset", rebuild.fromOffset());
        rb.put("to_offset", rebuild.toOffset());
        rb.put("bytes", rebuild.bytes());
        rb.put("events", rebuild.events());
        rb.put("millis", rebuild.millis());
        ObjectNode idx = o.putObject("event_index");
        idx.put("indexed_events", eventIndexer.indexedEvents.sum());
        idx.put("documents", eventIndex.docs());
        idx.put("position", eventIndexer.position());
        idx.put("committed_offset", eventIndexer.committedPosition());
        idx.put("lag_bytes", eventIndexer.lagBytes());
        idx.put("size_bytes", eventIndex.sizeBytes());
        idx.put("too_old_events", eventIndexer.tooOld.sum());
        idx.put("yields_to_detection", eventIndexer.yields.sum());
        idx.put("commits", eventIndexer.commits.sum());
        idx.put("failures", eventIndexer.failures.sum());
        if (eventIndexer.lastError() != null) idx.put("last_error", eventIndexer.lastError());
        if (tailer != null) {
            var ts = tailer.stats();
            ObjectNode t = o.putObject("files");
            t.put("lines", ts.lines());
            t.put("truncated_lines", ts.truncatedLines());
            t.put("rotations", ts.rotations());
            t.put("rejected_lines", tailRejected.sum());
        }
        var problems = det.putArray("rule_problems");
        ruleProblems.forEach(p -> problems.add(p.getMessage()));
        // console: logins refused by the throttle (429) and failed (wrong password, unknown or disabled user)
        ObjectNode con = o.putObject("console");
        con.put("refused_logins", console.throttle().refused.sum());
        con.put("failed_logins", console.throttle().failures.sum());
        return o;
    }

    public int port() { return web.port(); }

    public Store store() { return store; }

    public DetectionPipeline pipeline() { return pipeline; }

    public Intake intake() { return intake; }

    public dev.vigil.server.events.EventIndexer eventIndexer() { return eventIndexer; }

    public dev.vigil.server.events.EventSearch eventSearch() { return eventSearch; }
    /** Agents that reported in with heartbeats (the API's and the dashboard's). */
    public dev.vigil.server.agents.AgentRegistry agentRegistry() { return agents; }

    public ServerConfig config() { return config; }

    /** The detection rules as last loaded (built-in, files, stored; disabled ones included), with their origins. */
    public List<DetectionRules.Loaded> loadedRules() { return loadedRules; }

    /** Rule files and stored rules that did not load at the last (re)load. */
    public List<RuleException> ruleProblems() { return ruleProblems; }

    /** Runs a rule over a range of the event log without touching live detection. */
    public dev.vigil.server.pipeline.RuleTester ruleTester() { return ruleTester; }

    /** The latest heartbeat of each agent that sent one since this server started. */
    public java.util.Collection<ObjectNode> agents() { return agents.heartbeats(); }

    @Override public void close() throws Exception {
        if (tailer != null) tailer.close();
        web.stop();
        housekeeping.interrupt();
        pipeline.close();
        eventIndexer.close();
        eventIndex.close();
        events.close();
        store.close();
    }
}
