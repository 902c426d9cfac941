package dev.vigil.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.signal.ArchiveReason;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalChange;
import dev.vigil.detect.signal.SignalStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.vigil.server.store.TestSignals.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** What every {@link SignalStore} does: engine writes, the checkpoint, triage, history, entities, retention. */
abstract class SignalStoreContract extends StoreTestCase {

    SignalStore signals() {
        return store.signals();
    }

    // ---- engine updates

    @Test
    void aNewSignalIsStoredOpenWithACreatedEntry() {
        Signal s = signal("sig-1").host("web-1").entity(EntityKind.IMAGE, "acme/web:1.0")
                .processTree(TestSignals.sample("/bin/sh", "sh", "-c", "id")).overflow("host", 3).build();
        signals().applyEngineUpdates(List.of(s), DetectionCheckpoint.at(1));

        assertThat(signals().get("sig-1")).contains(s);
        assertThat(signals().history("sig-1")).containsExactly(
                new SignalChange("sig-1", s.createdAt(), SignalStore.ENGINE_ACTOR, SignalStore.CREATED, null, "open", null));
        assertThat(signals().get("sig-nope")).isEmpty();
    }

    @Test
    void anEngineUpdateReplacesTheActivityAndKeepsTheTriage() {
        Signal first = signal("sig-1").host("web-1").severity(Severity.LOW).count(1).build();
        signals().applyEngineUpdates(List.of(first), DetectionCheckpoint.at(1));
        clock.advance(1_000);
        signals().changeStatus("sig-1", SignalStatus.ARCHIVED, ArchiveReason.FALSE_POSITIVE, "alice", "CI host");
        signals().assign("sig-1", "bob", "alice");

        // the engine knows nothing of triage: its copy still says open and unassigned
        Signal later = signal("sig-1").title("Miner still running").message("new text").severity(Severity.CRITICAL)
                .count(42).lastSeen(T0 + 5_000).updatedAt(T0 + 5_000).tags("source:agent", "new:tag")
                .tactic("TA0002", "T1059.004").triage("Kill it.").host("web-2").entity(EntityKind.USER, "root")
                .samples(List.of(TestSignals.sample("/usr/bin/xmrig", "xmrig"), TestSignals.sample("/tmp/x", "x")))
                .processTree(TestSignals.sample("/bin/bash", "bash"))
                // fields the engine does not own after creation: left as first stored
                .groupBy(Map.of("other", "group")).firstSeen(T0 + 1).createdAt(T0 + 9_999)
                .build();
        signals().applyEngineUpdates(List.of(later), DetectionCheckpoint.at(2));

        Signal stored = signals().get("sig-1").orElseThrow();
        assertThat(stored).usingRecursiveComparison()
                .ignoringFields("status", "archiveReason", "assignee", "groupBy", "firstSeen", "createdAt")
                .isEqualTo(later);
        assertThat(stored.status()).isEqualTo(SignalStatus.ARCHIVED);
        assertThat(stored.archiveReason()).isEqualTo(ArchiveReason.FALSE_POSITIVE);
        assertThat(stored.assignee()).isEqualTo("bob");
        assertThat(stored.groupBy()).isEqualTo(first.groupBy());
        assertThat(stored.firstSeen()).isEqualTo(first.firstSeen());
        assertThat(stored.createdAt()).isEqualTo(first.createdAt());
        assertThat(signals().history("sig-1")).extracting(SignalChange::field)
                .containsExactly("created", "status", "archive_reason", "assignee");
        // entity rows follow the update
        assertThat(signals().byEntity(EntityKind.HOST, "web-1", 10)).isEmpty();
        assertThat(signals().byEntity(EntityKind.HOST, "web-2", 10)).extracting(Signal::id).containsExactly("sig-1");
        assertThat(signals().byEntity(EntityKind.USER, "root", 10)).extracting(Signal::id).containsExactly("sig-1");
    }

    @Test
    void anEngineUpdateNeverMovesUpdatedAtBackBeforeATriageChange() {
        signals().applyEngineUpdates(List.of(signal("sig-1").updatedAt(T0).build()), DetectionCheckpoint.at(1));
        clock.advance(60_000);
        signals().comment("sig-1", "alice", "looking");
        signals().applyEngineUpdates(List.of(signal("sig-1").updatedAt(T0 + 1_000).count(2).build()),
                DetectionCheckpoint.at(2));

        Signal s = signals().get("sig-1").orElseThrow();
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.updatedAt()).isEqualTo(T0 + 60_000);
    }

    @Test
    void replayingABatchWritesTheSameSignalsOnce() {
        List<Signal> batch = List.of(signal("sig-1").host("a").build(), signal("sig-2").host("a").build());
        signals().applyEngineUpdates(batch, DetectionCheckpoint.at(10));
        signals().applyEngineUpdates(batch, DetectionCheckpoint.at(10));

        assertThat(signals().search(SignalQuery.all()).total()).isEqualTo(2);
        assertThat(signals().history("sig-1")).hasSize(1);
        assertThat(rows("signal_entities")).isEqualTo(2);
    }

    @Test
    void theLaterOfTwoUpdatesOfOneSignalInABatchWins() {
        signals().applyEngineUpdates(List.of(signal("sig-1").count(1).build(), signal("sig-1").count(7).build()),
                DetectionCheckpoint.at(1));

        assertThat(signals().get("sig-1").orElseThrow().count()).isEqualTo(7);
        assertThat(signals().history("sig-1")).hasSize(1);
    }

    @Test
    void aSignalWithoutOptionalPartsRoundTrips() {
        Signal bare = signal("sig-bare").tactic(null, null).triage(null).message(null).tags().samples(List.of())
                .groupBy(Map.of()).build();
        signals().applyEngineUpdates(List.of(bare), DetectionCheckpoint.at(1));

        assertThat(signals().get("sig-bare")).contains(bare);
        assertThat(bare.tactic()).isEmpty();
        assertThat(bare.processTree()).isNull();
    }

    // ---- the checkpoint

    @Test
    void theCheckpointHoldsTheOffsetAndWhereARebuildStarts() {
        assertThat(signals().checkpoint()).isEmpty();

        signals().applyEngineUpdates(List.of(), DetectionCheckpoint.at(5));
        assertThat(signals().checkpoint()).contains(new DetectionCheckpoint(5, 5));

        signals().applyEngineUpdates(List.of(signal("sig-1").build()), new DetectionCheckpoint(10, 8));
        assertThat(signals().checkpoint()).contains(new DetectionCheckpoint(10, 8));

        // every commit stores both: the rebuild offset moves with the look-back
        signals().applyEngineUpdates(List.of(signal("sig-2").build()), new DetectionCheckpoint(20, 12));
        assertThat(signals().checkpoint()).contains(new DetectionCheckpoint(20, 12));
        signals().applyEngineUpdates(List.of(), new DetectionCheckpoint(1L << 40, (1L << 40) - 7));
        assertThat(signals().checkpoint()).contains(new DetectionCheckpoint(1L << 40, (1L << 40) - 7));
    }

    /**
     * Exactly-once detection rests on this: a batch whose last signal the database refuses (a
     * missing rule id breaks NOT NULL) after the earlier ones were written in the same transaction
     * must leave the signals, their entities and history, and the checkpoint as they were.
     */
    @Test
    void aBatchThatFailsHalfWayChangesNeitherSignalsNorTheCheckpoint() {
        Signal before = signal("sig-1").title("before").count(1).host("web-1").build();
        signals().applyEngineUpdates(List.of(before), new DetectionCheckpoint(10, 9));
        long entityRows = rows("signal_entities");

        Signal merged = signal("sig-1").title("after").count(99).host("web-9").build();
        Signal fresh = signal("sig-2").host("web-2").build();
        Signal broken = signal("sig-3").rule(null, "no rule id").build();
        assertThatThrownBy(() -> signals().applyEngineUpdates(List.of(merged, fresh, broken),
                new DetectionCheckpoint(20, 7)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("rule_id");

        assertThat(signals().get("sig-1")).contains(before);
        assertThat(signals().get("sig-2")).isEmpty();
        assertThat(signals().get("sig-3")).isEmpty();
        assertThat(signals().checkpoint()).contains(new DetectionCheckpoint(10, 9));
        assertThat(rows("signal_entities")).isEqualTo(entityRows);
        assertThat(rows("signal_history")).isEqualTo(1);
        assertThat(signals().byEntity(EntityKind.HOST, "web-1", 10)).extracting(Signal::id).containsExactly("sig-1");

        // and the store is fine afterwards
        signals().applyEngineUpdates(List.of(merged, fresh), new DetectionCheckpoint(20, 7));
        assertThat(signals().get("sig-1").orElseThrow().title()).isEqualTo("after");
        assertThat(signals().checkpoint().orElseThrow().eventLogOffset()).isEqualTo(20);
    }

    /**
     * The crash that exactly-once detection is about: a writer process killed with SIGKILL while
     * storing batches. Whatever batch it died in, the checkpoint that survives must account for
     * exactly the signals that survive: the counter signal's count equals the checkpoint offset,
     * every batch up to it is complete and none after it left a trace.
     */
    @Test
    @Timeout(120)
    void aWriterKilledMidBatchLeavesSignalsAndCheckpointInStep() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName()));
        StoreConfig c = fixture.config;
        command.addAll(c.dialect() == Dialect.SQLITE ? List.of("sqlite", c.dataDir().toString())
                : List.of("postgresql", c.jdbcUrl(), c.user(), c.password(), c.schema()));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = writer.inputReader()) {
            String line;
            while ((line = out.readLine()) != null) {
                output.add(line);
                if (line.equals("committed 25")) break;
            }
            assertThat(output).as("the writer's output").contains("committed 25");
            Thread.sleep(ThreadLocalRandom.current().nextInt(50)); // land the kill anywhere in a batch
            writer.destroyForcibly(); // SIGKILL: no shutdown hooks, no rollback from the writer
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        long k = signals().checkpoint().orElseThrow().eventLogOffset();
        assertThat(k).isGreaterThanOrEqualTo(25);
        DetectionCheckpoint cp = signals().checkpoint().orElseThrow();
        assertThat(cp.rebuildOffset()).isEqualTo(CrashWriter.rebuildOffset(k));
        assertThat(signals().get("sig-counter").orElseThrow().count()).isEqualTo(k);
        assertThat(signals().search(SignalQuery.all()).total()).isEqualTo(1 + k * CrashWriter.PER_BATCH);
        assertThat(signals().get("sig-" + k + "-" + (CrashWriter.PER_BATCH - 1))).isPresent();
        assertThat(signals().get("sig-" + (k + 1) + "-0")).isEmpty();
        assertThat(rows("signal_entities")).isEqualTo(k * CrashWriter.PER_BATCH);
        assertThat(rows("signal_history")).isEqualTo(1 + k * CrashWriter.PER_BATCH);

        // detection resumes where the checkpoint says: the next batch applies cleanly
        signals().applyEngineUpdates(CrashWriter.batch(k + 1), DetectionCheckpoint.at(k + 1));
        assertThat(signals().get("sig-counter").orElseThrow().count()).isEqualTo(k + 1);
    }

    // ---- triage

    @Test
    void statusChangesAreRecordedWithTheirComment() {
        signals().applyEngineUpdates(List.of(signal("sig-1").build()), DetectionCheckpoint.at(1));
        clock.advance(1_000);

        Signal s = signals().changeStatus("sig-1", SignalStatus.UNDER_REVIEW, null, "alice", "on it");

        assertThat(s.status()).isEqualTo(SignalStatus.UNDER_REVIEW);
        assertThat(s.updatedAt()).isEqualTo(T0 + 1_000);
        assertThat(signals().history("sig-1")).last().isEqualTo(
                new SignalChange("sig-1", T0 + 1_000, "alice", "status", "open", "under_review", "on it"));
    }

    @Test
    void archivingNeedsAReasonAndLeavingArchivedClearsIt() {
        signals().applyEngineUpdates(List.of(signal("sig-1").build()), DetectionCheckpoint.at(1));

        assertThatThrownBy(() -> signals().changeStatus("sig-1", SignalStatus.ARCHIVED, null, "alice", null))
                .isInstanceOf(InvalidChangeException.class)
                .hasMessageContaining("sig-1").hasMessageContaining("needs a reason").hasMessageContaining("false_positive");
        assertThatThrownBy(() -> signals().changeStatus("sig-1", SignalStatus.OPEN, ArchiveReason.TESTING, "alice", null))
                .isInstanceOf(InvalidChangeException.class)
                .hasMessageContaining("testing").hasMessageContaining("only with status archived");

        Signal archived = signals().changeStatus("sig-1", SignalStatus.ARCHIVED, ArchiveReason.BENIGN_TRUE_POSITIVE,
                "alice", "expected on CI");
        assertThat(archived.archiveReason()).isEqualTo(ArchiveReason.BENIGN_TRUE_POSITIVE);

        Signal reasoned = signals().changeStatus("sig-1", SignalStatus.ARCHIVED, ArchiveReason.TESTING, "bob", "a test");
        assertThat(reasoned.archiveReason()).isEqualTo(ArchiveReason.TESTING);

        Signal reopened = signals().changeStatus("sig-1", SignalStatus.OPEN, null, "carol", "not so sure");
        assertThat(reopened.status()).isEqualTo(SignalStatus.OPEN);
        assertThat(reopened.archiveReason()).isNull();

        assertThat(signals().history("sig-1"))
                .extracting(SignalChange::actor, SignalChange::field, SignalChange::from, SignalChange::to, SignalChange::comment)
                .containsExactly(
                        tuple("vigil", "created", null, "open", null),
                        tuple("alice", "status", "open", "archived", "expected on CI"),
                        tuple("alice", "archive_reason", null, "benign_true_positive", null),
                        tuple("bob", "archive_reason", "benign_true_positive", "testing", "a test"),
                        tuple("carol", "status", "archived", "open", "not so sure"),
                        tuple("carol", "archive_reason", "testing", null, null));
    }

    @Test
    void askingForTheCurrentStatusChangesNothing() {
        signals().applyEngineUpdates(List.of(signal("sig-1").build()), DetectionCheckpoint.at(1));
        clock.advance(1_000);

        Signal s = signals().changeStatus("sig-1", SignalStatus.OPEN, null, "alice", null);

        assertThat(s.updatedAt()).isEqualTo(T0);
        assertThat(signals().history("sig-1")).hasSize(1);
        signals().changeStatus("sig-1", SignalStatus.OPEN, null, "alice", "still open");
        assertThat(signals().history("sig-1")).last().extracting(SignalChange::field, SignalChange::comment)
                .containsExactly("comment", "still open");
    }

    @Test
    void assigningRecordsWhoHadItAndWhoHasIt() {
        signals().applyEngineUpdates(List.of(signal("sig-1").build()), DetectionCheckpoint.at(1));

        assertThat(signals().assign("sig-1", "alice", "lead").assignee()).isEqualTo("alice");
        signals().assign("sig-1", "alice", "lead");
        assertThat(signals().assign("sig-1", "bob", "alice").assignee()).isEqualTo("bob");
        assertThat(signals().assign("sig-1", " ", "bob").assignee()).isNull();

        assertThat(signals().history("sig-1")).filteredOn(c -> c.field().equals("assignee"))
                .extracting(SignalChange::actor, SignalChange::from, SignalChange::to)
                .containsExactly(tuple("lead", null, "alice"), tuple("alice", "alice", "bob"), tuple("bob", "bob", null));
    }

    @Test
    void commentsAreListedInTheHistoryInOrder() {
        signals().applyEngineUpdates(List.of(signal("sig-1").build()), DetectionCheckpoint.at(1));
        clock.advance(10);
        SignalChange first = signals().comment("sig-1", "alice", "first look: *benign*?");
        clock.advance(10);
        signals().comment("sig-1", "bob", "no, it phones home");

        assertThat(first).isEqualTo(new SignalChange("sig-1", T0 + 10, "alice", "comment", null, null, "first look: *benign*?"));
        assertThat(signals().history("sig-1")).filteredOn(c -> c.field().equals("comment"))
                .extracting(SignalChange::actor, SignalChange::comment)
                .containsExactly(tuple("alice", "first look: *benign*?"), tuple("bob", "no, it phones home"));
        assertThat(signals().get("sig-1").orElseThrow().updatedAt()).isEqualTo(T0 + 20);
    }

    @Test
    void emptyOrOversizedCommentsAreRefused() {
        signals().applyEngineUpdates(List.of(signal("sig-1").build()), DetectionCheckpoint.at(1));

        assertThatThrownBy(() -> signals().comment("sig-1", "alice", "  \n"))
                .isInstanceOf(InvalidChangeException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> signals().comment("sig-1", "alice", "x".repeat(SignalStore.MAX_COMMENT_CHARS + 1)))
                .isInstanceOf(InvalidChangeException.class).hasMessageContaining("at most 10000");
        assertThat(signals().history("sig-1")).hasSize(1);
    }

    @Test
    void triageOfAnUnknownSignalSaysWhichIsMissing() {
        assertThatThrownBy(() -> signals().changeStatus("sig-x", SignalStatus.OPEN, null, "alice", null))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.kind()).isEqualTo("signal");
                    assertThat(e.id()).isEqualTo("sig-x");
                })
                .hasMessage("signal `sig-x` does not exist");
        assertThatThrownBy(() -> signals().assign("sig-x", "bob", "alice")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> signals().comment("sig-x", "bob", "hi")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> signals().history("sig-x")).isInstanceOf(NotFoundException.class);
        assertThat(rows("signal_history")).isZero();
    }

    @Test
    void concurrentTriageAndEngineUpdatesLoseNothing() throws Exception {
        int signalCount = 8;
        List<Signal> initial = new ArrayList<>();
        for (int i = 0; i < signalCount; i++) initial.add(signal("sig-" + i).build());
        signals().applyEngineUpdates(initial, DetectionCheckpoint.at(0));

        int rounds = 25;
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> work = new ArrayList<>();
            work.add(pool.submit(() -> {
                for (int r = 1; r <= rounds; r++) {
                    List<Signal> batch = new ArrayList<>();
                    for (int i = 0; i < signalCount; i++) batch.add(signal("sig-" + i).count(r).build());
                    signals().applyEngineUpdates(batch, DetectionCheckpoint.at(r));
                }
            }));
            for (int t = 0; t < 3; t++) {
                String actor = "analyst-" + t;
                work.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        String id = "sig-" + (r % signalCount);
                        signals().comment(id, actor, "round " + r);
                        signals().assign(id, actor, actor);
                        signals().search(SignalQuery.builder().status(SignalStatus.OPEN).limit(5).build());
                    }
                }));
            }
            for (Future<?> f : work) f.get();
        }

        assertThat(signals().checkpoint().orElseThrow().eventLogOffset()).isEqualTo(rounds);
        for (int i = 0; i < signalCount; i++) {
            Signal s = signals().get("sig-" + i).orElseThrow();
            assertThat(s.count()).isEqualTo(rounds);
            assertThat(s.assignee()).startsWith("analyst-");
        }
        long comments = initial.stream().mapToLong(s -> signals().history(s.id()).stream()
                .filter(c -> c.field().equals("comment")).count()).sum();
        assertThat(comments).isEqualTo(3L * rounds);
        // each assignee entry starts where the previous one ended: no lost or interleaved update
        for (Signal s : initial) {
            String holder = null;
            for (SignalChange c : signals().history(s.id())) {
                if (!c.field().equals("assignee")) continue;
                assertThat(c.from()).isEqualTo(holder);
                holder = c.to();
            }
            assertThat(holder).isEqualTo(signals().get(s.id()).orElseThrow().assignee());
        }
    }

    // ---- entities

    @Test
    void byEntityFindsTheSignalsOfAnEntityLatestFirst() {
        signals().applyEngineUpdates(List.of(
                signal("sig-old").host("web-1").lastSeen(T0 - 3_000).build(),
                signal("sig-new").host("web-1", "web-2").lastSeen(T0 - 1_000).build(),
                signal("sig-mid").host("web-1").entity(EntityKind.IP, "10.0.0.7").lastSeen(T0 - 2_000).build(),
                signal("sig-other").host("db-1").build()), DetectionCheckpoint.at(1));

        assertThat(signals().byEntity(EntityKind.HOST, "web-1", 10)).extracting(Signal::id)
                .containsExactly("sig-new", "sig-mid", "sig-old");
        assertThat(signals().byEntity(EntityKind.HOST, "web-1", 2)).extracting(Signal::id)
                .containsExactly("sig-new", "sig-mid");
        assertThat(signals().byEntity(EntityKind.IP, "10.0.0.7", 10)).extracting(Signal::id).containsExactly("sig-mid");
        assertThat(signals().byEntity(EntityKind.IP, "web-1", 10)).isEmpty();
        assertThat(signals().byEntity(EntityKind.HOST, "WEB-1", 10)).isEmpty();
    }

    // ---- retention

    @Test
    void purgingDeletesOldSignalsWithTheirEntitiesAndHistory() {
        signals().applyEngineUpdates(List.of(
                signal("sig-1").host("web-1").lastSeen(T0 - 30_000).build(),
                signal("sig-2").host("web-1", "web-2").lastSeen(T0 - 20_000).build(),
                signal("sig-3").host("web-1").lastSeen(T0 - 10_000).build()), DetectionCheckpoint.at(1));
        for (String id : List.of("sig-1", "sig-2", "sig-3")) {
            signals().comment(id, "alice", "seen");
            signals().changeStatus(id, SignalStatus.ARCHIVED, ArchiveReason.OTHER, "alice", null);
        }

        assertThat(signals().purgeSignalsLastSeenBefore(T0 - 10_000)).isEqualTo(2);

        assertThat(signals().get("sig-1")).isEmpty();
        assertThat(signals().get("sig-2")).isEmpty();
        assertThat(signals().get("sig-3")).isPresent();
        assertThatThrownBy(() -> signals().history("sig-1")).isInstanceOf(NotFoundException.class);
        assertThat(signals().byEntity(EntityKind.HOST, "web-1", 10)).extracting(Signal::id).containsExactly("sig-3");
        assertThat(rows("signal_entities")).isEqualTo(1);
        assertThat(rows("signal_history")).isEqualTo(signals().history("sig-3").size());
        assertThat(signals().purgeSignalsLastSeenBefore(T0 - 10_000)).isZero();
    }

    // ---- histogram (the dashboard's signals over time)

    @Test
    void theHistogramCountsSignalsByTheBucketAndSeverityTheyBeganIn() {
        long hour = 3_600_000L;
        long from = T0 - 24 * hour;
        signals().applyEngineUpdates(List.of(
                signal("before").severity(Severity.HIGH).seen(from - 1, T0).build(),          // began before the range
                signal("first-a").severity(Severity.HIGH).seen(from, from + 5).build(),        // first instant of bucket 0
                signal("first-b").severity(Severity.HIGH).seen(from + hour - 1, T0).build(),   // last instant of bucket 0
                signal("first-c").severity(Severity.LOW).seen(from + 30 * 60_000, T0).build(),
                signal("second").severity(Severity.CRITICAL).seen(from + hour, T0).build(),    // bucket 1
                signal("last").severity(Severity.INFO).seen(T0 - 1, T0).build(),               // bucket 23
                signal("at-end").severity(Severity.INFO).seen(T0, T0).build()),                // the end is excluded
                DetectionCheckpoint.at(1));
        // the triage status does not matter: archived signals still happened
        signals().changeStatus("first-c", SignalStatus.ARCHIVED, ArchiveReason.FALSE_POSITIVE, "alice", null);

        SignalHistogram h = signals().histogram(from, T0, hour);

        assertThat(h.buckets()).isEqualTo(24);
        assertThat(h.from()).isEqualTo(from);
        assertThat(h.bucketStart(23)).isEqualTo(T0 - hour);
        assertThat(h.count(Severity.HIGH, 0)).isEqualTo(2);
        assertThat(h.count(Severity.LOW, 0)).isEqualTo(1);
        assertThat(h.count(Severity.CRITICAL, 1)).isEqualTo(1);
        assertThat(h.count(Severity.INFO, 23)).isEqualTo(1);
        assertThat(h.total()).isEqualTo(5);
        assertThat(h.counts().keySet()).containsExactly(Severity.values());
    }

    @Test
    void theLastHistogramBucketMayBeShorterAndEmptyRangesAreRefused() {
        signals().applyEngineUpdates(List.of(signal("a").severity(Severity.MEDIUM).seen(T0 + 2_500, T0 + 2_500).build()),
                DetectionCheckpoint.at(1));

        SignalHistogram h = signals().histogram(T0, T0 + 2_600, 1_000);
        assertThat(h.buckets()).isEqualTo(3);
        assertThat(h.counts().get(Severity.MEDIUM)).containsExactly(0, 0, 1);
        assertThat(signals().histogram(T0 + 10_000, T0 + 20_000, 1_000).total()).isZero();

        assertThatThrownBy(() -> signals().histogram(T0, T0, 1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> signals().histogram(T0, T0 + 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> signals().histogram(T0, T0 + 1_000_000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + SignalStore.MAX_HISTOGRAM_BUCKETS);
    }

    @Test
    void entityFacetsOfATimeRangeFollowTheSignalsLastActivity() {
        signals().applyEngineUpdates(List.of(
                signal("recent").host("web-1").entity(EntityKind.IMAGE, "acme/web:1").seen(T0 - 5_000, T0 - 1_000).build(),
                signal("recent-too").host("web-1", "web-2").seen(T0 - 5_000, T0 - 2_000).build(),
                signal("old").host("web-3").entity(EntityKind.IMAGE, "acme/web:1").seen(T0 - 90_000, T0 - 80_000).build()),
                DetectionCheckpoint.at(1));
        SignalQuery lastMinute = SignalQuery.builder().lastSeen(T0 - 60_000, null).build();

        Map<String, Map<String, Long>> f = signals().facets(lastMinute, java.util.Set.of("host", "image"));
        assertThat(f.get("host")).containsExactly(Map.entry("web-1", 2L), Map.entry("web-2", 1L));
        assertThat(f.get("image")).containsExactly(Map.entry("acme/web:1", 1L));
        // the same with an upper bound
        assertThat(signals().facets(SignalQuery.builder().lastSeen(T0 - 100_000, T0 - 60_000).build(), java.util.Set.of("host"))
                .get("host")).containsExactly(Map.entry("web-3", 1L));

        // the old signal becomes active again: its entities count in the range now
        signals().applyEngineUpdates(List.of(signal("old").host("web-3").entity(EntityKind.IMAGE, "acme/web:1")
                .seen(T0 - 90_000, T0 - 500).count(2).build()), DetectionCheckpoint.at(2));
        f = signals().facets(lastMinute, java.util.Set.of("host", "image"));
        assertThat(f.get("host")).containsExactly(Map.entry("web-1", 2L), Map.entry("web-2", 1L), Map.entry("web-3", 1L));
        assertThat(f.get("image")).containsExactly(Map.entry("acme/web:1", 2L));
        // other filters still combine with the range
        assertThat(signals().facets(lastMinute.toBuilder().entity(EntityKind.IMAGE, "acme/web:1").build(), java.util.Set.of("host"))
                .get("host")).containsExactly(Map.entry("web-1", 1L), Map.entry("web-3", 1L));
    }

    @Test
    void entityRowsFollowAGrowingSignalWithoutBeingRewritten() {
        signals().applyEngineUpdates(List.of(signal("sig-1").host("web-1").seen(T0, T0).build()), DetectionCheckpoint.at(1));
        // the engine's entities only grow: the new value gets a row, the others stay as written
        signals().applyEngineUpdates(List.of(signal("sig-1").host("web-1", "web-2").entity(EntityKind.USER, "root")
                .seen(T0, T0 + 10_000).count(2).build()), DetectionCheckpoint.at(2));
        assertThat(signals().byEntity(EntityKind.HOST, "web-2", 10)).extracting(Signal::id).containsExactly("sig-1");
        assertThat(signals().byEntity(EntityKind.USER, "root", 10)).extracting(Signal::id).containsExactly("sig-1");
        assertThat(rows("signal_entities")).isEqualTo(3);

        // an entity row's last activity trails the signal's by less than a step: a facet of the range after
        // the row's time misses it until the signal has moved on by a step, then finds it
        long justAfter = T0 + 10_000 + 1;
        signals().applyEngineUpdates(List.of(signal("sig-1").host("web-1", "web-2").entity(EntityKind.USER, "root")
                .seen(T0, T0 + 20_000).count(3).build()), DetectionCheckpoint.at(3));
        assertThat(signals().facets(SignalQuery.builder().lastSeen(justAfter, null).build(), java.util.Set.of("host")).get("host"))
                .isEmpty();
        long later = T0 + 10_000 + SignalStore.ENTITY_LAST_SEEN_STEP_MILLIS + 1;
        signals().applyEngineUpdates(List.of(signal("sig-1").host("web-1", "web-2").entity(EntityKind.USER, "root")
                .seen(T0, later).count(4).build()), DetectionCheckpoint.at(4));
        assertThat(signals().facets(SignalQuery.builder().lastSeen(justAfter, null).build(), java.util.Set.of("host")).get("host"))
                .containsExactly(Map.entry("web-1", 1L), Map.entry("web-2", 1L));

        // an update that drops a value (the engine never sends one) still leaves the rows equal to its entities
        signals().applyEngineUpdates(List.of(signal("sig-1").host("web-2").seen(T0, later + 1).count(5).build()),
                DetectionCheckpoint.at(5));
        assertThat(signals().byEntity(EntityKind.HOST, "web-1", 10)).isEmpty();
        assertThat(signals().byEntity(EntityKind.USER, "root", 10)).isEmpty();
        assertThat(rows("signal_entities")).isEqualTo(1);
    }

    @Test
    void ruleNamesAreAsTheLatestSignalOfEachRuleHasThem() {
        signals().applyEngineUpdates(List.of(
                signal("a").rule("r-1", "Old name").lastSeen(T0 - 9_000).build(),
                signal("b").rule("r-1", "New name").lastSeen(T0 - 1_000).build(),
                signal("c").rule("r-2", "Other").build()), DetectionCheckpoint.at(1));

        assertThat(signals().ruleNames(List.of("r-1", "r-2", "r-gone")))
                .containsExactly(Map.entry("r-1", "New name"), Map.entry("r-2", "Other"));
    }

    @Test
    void theDashboardMigrationGivesExistingEntityRowsTheirSignalsLastSeen() throws Exception {
        // a store as version 2 left it, with a signal in it, then opened by this version
        StoreFixture old = StoreFixture.create(dialect(), tempDir.resolve("v2"));
        try {
            String url = old.config.dialect() == Dialect.SQLITE
                    ? "jdbc:sqlite:" + java.nio.file.Files.createDirectories(old.config.dataDir()).resolve(StoreConfig.SQLITE_FILE)
                    : old.config.jdbcUrl();
            var flyway = org.flywaydb.core.Flyway.configure(getClass().getClassLoader())
                    .dataSource(url, old.config.user(), old.config.password())
                    .locations("classpath:db/migration/" + (dialect() == Dialect.SQLITE ? "sqlite" : "postgresql")).target("2");
            if (old.config.schema() != null) flyway.schemas(old.config.schema());
            flyway.load().migrate();
            try (var c = java.sql.DriverManager.getConnection(url, old.config.user(), old.config.password()); var st = c.createStatement()) {
                if (old.config.schema() != null) st.execute("SET search_path TO " + old.config.schema());
                st.execute("""
                        INSERT INTO signals (id, rule_id, rule_name, title, message, severity, status, group_by, match_count,
                            first_seen, last_seen, created_at, updated_at, tactic, technique, tags, triage, entities, samples, search_text)
                        VALUES ('sig-old', 'r', 'R', 't', '', 3, 'open', '{}', 1, %d, %d, %d, %d, '', '', '[]', '', '{}', '[]', 't r')"""
                        .formatted(T0 - 2_000, T0 - 1_000, T0, T0));
                st.execute("INSERT INTO signal_entities (signal_id, kind, value) VALUES ('sig-old', 'host', 'web-9')");
            }
            try (Store migrated = old.open(clock)) {
                assertThat(migrated.signals().facets(SignalQuery.builder().lastSeen(T0 - 60_000, null).build(), java.util.Set.of("host"))
                        .get("host")).containsExactly(Map.entry("web-9", 1L));
                assertThat(migrated.signals().facets(SignalQuery.builder().lastSeen(T0, null).build(), java.util.Set.of("host"))
                        .get("host")).isEmpty();
                assertThat(migrated.signals().histogram(T0 - 3_600_000, T0, 60_000).total()).isEqualTo(1);
            }
        } finally {
            old.close();
        }
    }

    // ---- text

    /** Emoji (surrogate pairs, ZWJ sequences), right-to-left scripts, combining marks, control and format characters. */
    static final String ODD = "⛏️ miner 👩‍💻 in שלום/مرحبا 𠜎 e\u0301 \u0001\u001f\u007f \u200b\u200f\u2028\ufeff \\ ' \" % _ ;--";

    @Test
    void unicodeTextRoundTrips() {
        ObjectNode sample = TestSignals.sample("/tmp/" + ODD, ODD, "--ünïcode");
        sample.put(ODD, ODD);
        Signal s = signal("sig-" + ODD).rule("rule-☢", "Rule " + ODD).title("Title " + ODD).message(ODD).triage(ODD)
                .tags("tag:" + ODD).groupBy(Map.of(ODD, ODD)).host(ODD).entity(EntityKind.USER, "δοκιμή")
                .tactic(ODD, ODD).samples(List.of(sample)).processTree(sample).build();
        signals().applyEngineUpdates(List.of(s), DetectionCheckpoint.at(1));
        signals().comment(s.id(), "用户 " + ODD, ODD);
        signals().assign(s.id(), "أحمد", "用户");

        Signal stored = signals().get(s.id()).orElseThrow();
        assertThat(stored).usingRecursiveComparison().ignoringFields("assignee").isEqualTo(s);
        assertThat(stored.assignee()).isEqualTo("أحمد");
        assertThat(signals().history(s.id())).extracting(SignalChange::comment).contains(ODD);
        assertThat(signals().byEntity(EntityKind.HOST, ODD, 1)).extracting(Signal::id).containsExactly(s.id());
        assertThat(signals().search(SignalQuery.builder().text("שלום/مرحبا 𠜎").build()).items()).hasSize(1);
        assertThat(signals().search(SignalQuery.builder().text("RULE ⛏️ MINER").build()).items()).hasSize(1);
    }
}
