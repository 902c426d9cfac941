package dev.vigil.agent.ship;

import dev.vigil.journal.Durability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The shipper against a real HTTP peer: delivery, outages, restarts, a full buffer and every error answer. */
class ShipperTest {

    @TempDir
    Path state;

    private IntakeServer server;
    private final List<Shipper> shippers = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = new IntakeServer().start();
    }

    @AfterEach
    void stopAll() {
        shippers.forEach(Shipper::close);
        server.close();
    }

    private static final Map<String, Long> COUNTERS = new LinkedHashMap<>();

    static {
        COUNTERS.put("events", 42L);
        COUNTERS.put("lost", 0L);
    }

    /** Fast retries so the tests are quick; the production defaults are in {@link ShipperConfig.Tuning#defaults()}. */
    static ShipperConfig.Tuning fast(Durability durability) {
        return new ShipperConfig.Tuning(10_000, 1000, 1 << 20, Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(2), durability);
    }

    private ShipperConfig config() {
        return ShipperConfig.of(server.uri(), IntakeServer.API_KEY).withStateDir(state).withTuning(fast(Durability.NONE));
    }

    private Shipper start(ShipperConfig config) throws Exception {
        Shipper s = Shipper.start(config, () -> new AgentStatus("test-host", "1.2.3", "abc123", 3, COUNTERS));
        shippers.add(s);
        return s;
    }

    private static List<String> lines(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add("{\"" + prefix + "\":" + i + "}");
        return out;
    }

    private static void offerAll(Shipper s, List<String> lines) {
        for (String l : lines) assertThat(s.offer((l + "\n").getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    private void awaitAccepted(int n) {
        await().atMost(Duration.ofSeconds(15)).until(() -> server.accepted.size() >= n);
    }

    @Test
    void linesReachTheServerGzippedInOrderWithTheContractHeadersAndADeterministicBatchId() throws Exception {
        Shipper s = start(config());
        List<String> sent = lines("a", 25);
        long t0 = System.nanoTime();
        offerAll(s, sent);
        awaitAccepted(25);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("delivery well within the latency goal").isLessThan(Duration.ofSeconds(2));
        assertThat(server.accepted).containsExactlyElementsOf(sent);

        IntakeServer.Attempt first = server.attempts.getFirst();
        assertThat(first.authorization()).isEqualTo("Bearer " + IntakeServer.API_KEY);
        assertThat(first.contentType()).isEqualTo("application/x-ndjson");
        assertThat(first.contentEncoding()).isEqualTo("gzip");
        assertThat(first.agentId()).isEqualTo(s.agentId()).isEqualTo(Files.readString(state.resolve(AgentId.FILE)).strip());
        assertThat(first.batchId()).matches(s.agentId() + ":0-\\d+");
        await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().sentRecords() == 25);
        ShipperStats st = s.stats();
        assertThat(st.sentBatches()).isEqualTo(server.acceptedIds.size());
        assertThat(st.connected()).isTrue();
        assertThat(st.bufferedBytes()).isZero();
        assertThat(st.dropped()).isZero();
    }

    @Test
    void whileTheServerIsDownLinesWaitOnDiskAndAreDeliveredExactlyOnceInOrderWhenItComesBack() throws Exception {
        server.stop();
        Shipper s = start(config());
        List<String> sent = lines("down", 3000);
        offerAll(s, sent.subList(0, 1500));
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().retries() >= 3 && s.stats().writtenRecords() == 1500);
        ShipperStats st = s.stats();
        assertThat(st.connected()).isFalse();
        assertThat(st.bufferedBytes()).isPositive();
        assertThat(st.lastError()).contains("cannot reach");
        server.start();
        offerAll(s, sent.subList(1500, 3000));
        awaitAccepted(3000);
        await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().bufferedBytes() == 0);
        assertThat(server.accepted).containsExactlyElementsOf(sent);
        assertThat(server.acceptedIds).doesNotHaveDuplicates();
        assertThat(server.attempts).allSatisfy(a -> assertThat(a.lines().size()).isLessThanOrEqualTo(1000));
    }

    @Test
    void aShipperClosedMidwayLeavesItsBatchOnDiskAndTheNextOneResendsItWithTheSameId() throws Exception {
        server.answer(IntakeServer.Mode.FAIL_500, -1);
        ShipperConfig config = config().withTuning(fast(Durability.FSYNC));
        Shipper first = start(config);
        List<String> sent = lines("restart", 50);
        offerAll(first, sent.subList(0, 40));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.attempts.size() >= 2);
        String unacknowledged = server.attempts.getFirst().batchId();
        first.close();
        assertThat(server.attempts).extracting(IntakeServer.Attempt::batchId).containsOnly(unacknowledged);
        assertThat(server.accepted).isEmpty();

        server.answer(IntakeServer.Mode.OK, -1);
        Shipper second = start(config);
        assertThat(second.agentId()).isEqualTo(first.agentId());
        offerAll(second, sent.subList(40, 50));
        awaitAccepted(50);
        assertThat(server.acceptedIds.getFirst()).isEqualTo(unacknowledged);
        assertThat(server.accepted).containsExactlyElementsOf(sent);
    }

    @Test
    void aBatchWhoseAcknowledgementWasLostIsResentWithTheSameIdAndTheServerDropsTheDuplicate() throws Exception {
        server.answer(IntakeServer.Mode.ACK_LOST, 1);
        Shipper s = start(config());
        List<String> sent = lines("ack", 10);
        offerAll(s, sent);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().sentBatches() >= 1 && s.stats().bufferedBytes() == 0);
        assertThat(server.attempts).hasSizeGreaterThanOrEqualTo(2);
        assertThat(server.attempts.get(1).batchId()).isEqualTo(server.attempts.get(0).batchId());
        assertThat(server.accepted).containsExactlyElementsOf(sent);
        assertThat(s.stats().duplicateBatches()).isEqualTo(1);
        assertThat(s.stats().retries()).isEqualTo(1);
    }

    @Test
    void whenTheBufferIsFullTheOldestLinesAreDroppedAndCounted() throws Exception {
        server.stop();
        ShipperConfig config = config().withBuffer(state.resolve("small-buffer"), ShipperConfig.MIN_BUFFER_MAX_BYTES);
        Shipper s = start(config);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 2000; i++) sent.add(String.format("{\"seq\":%05d,\"pad\":\"%s\"}", i, "x".repeat(80)));
        offerAll(s, sent);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().writtenRecords() == 2000);
        ShipperStats full = s.stats();
        assertThat(full.droppedBufferFull()).isPositive();
        assertThat(full.droppedBufferBytes()).isPositive();
        assertThat(full.dropped()).isEqualTo(full.droppedBufferFull());
        try (Stream<Path> files = Files.list(config.bufferDir())) {
            assertThat(files.filter(f -> f.toString().endsWith(".seg")).mapToLong(f -> f.toFile().length()).sum())
                    .isLessThanOrEqualTo(ShipperConfig.MIN_BUFFER_MAX_BYTES);
        }
        server.start();
        int kept = (int) (2000 - full.droppedBufferFull());
        awaitAccepted(kept);
        await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().bufferedBytes() == 0);
        assertThat(server.accepted).as("the newest lines, each once, in order").containsExactlyElementsOf(sent.subList(2000 - kept, 2000));
    }

    @Test
    void aMalformedBatchIsLoggedCountedAndSkippedNotRetriedForever() throws Exception {
        server.answer(IntakeServer.Mode.BAD_400, 1);
        Shipper s = start(config());
        offerAll(s, lines("bad", 3));
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().rejectedBatches() == 1 && s.stats().bufferedBytes() == 0);
        String rejectedId = server.attempts.getFirst().batchId();
        ShipperStats st = s.stats();
        assertThat(st.rejectedRecords()).isEqualTo(3);
        assertThat(st.lastError()).contains("rejected batch " + rejectedId).contains("unexpected end of input").contains("line 2")
                .contains("{\"bad\":1}");
        assertThat(st.bufferedBytes()).isZero();
        List<String> good = lines("good", 2);
        offerAll(s, good);
        awaitAccepted(2);
        assertThat(server.accepted).containsExactlyElementsOf(good);
        assertThat(server.attempts).filteredOn(a -> a.batchId().equals(rejectedId)).hasSize(1);
    }

    @Test
    void aBatchTooLargeForTheServerIsSplitInHalvesAndALineTooLargeAloneIsRejected() throws Exception {
        server.maxLines = 3;
        server.answer(IntakeServer.Mode.TOO_LARGE, -1);
        Shipper s = start(config());
        List<String> sent = lines("big", 10);
        offerAll(s, sent);
        awaitAccepted(10);
        assertThat(server.accepted).containsExactlyElementsOf(sent);
        assertThat(server.attempts).anyMatch(a -> a.status() == 413);
        assertThat(server.attempts).filteredOn(a -> a.status() == 202).allMatch(a -> a.lines().size() <= 3);
        assertThat(server.acceptedIds).doesNotHaveDuplicates();

        server.maxLines = 0;
        offerAll(s, List.of("{\"huge\":true}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().rejectedBatches() == 1 && s.stats().bufferedBytes() == 0);
        assertThat(s.stats().lastError()).contains("too large");
    }

    @Test
    void aRejectedApiKeyKeepsTheDataAndRetriesUntilTheKeyIsAccepted() throws Exception {
        server.answer(IntakeServer.Mode.UNAUTHORIZED, -1);
        Shipper s = start(config());
        List<String> sent = lines("auth", 5);
        offerAll(s, sent);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.attempts.size() >= 3);
        ShipperStats st = s.stats();
        assertThat(st.lastError()).contains("API key rejected").contains("401").doesNotContain(IntakeServer.API_KEY);
        assertThat(st.connected()).isFalse();
        assertThat(st.bufferedBytes()).isPositive();
        assertThat(st.rejectedBatches()).isZero();
        server.answer(IntakeServer.Mode.OK, -1);
        awaitAccepted(5);
        assertThat(server.accepted).containsExactlyElementsOf(sent);
    }

    @Test
    void heartbeatsCarryTheAgentAndShipperStatus() throws Exception {
        Shipper s = start(config());
        offerAll(s, lines("hb", 2));
        awaitAccepted(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.heartbeats.stream().anyMatch(h -> h.contains("\"sent_records\":2")));
        String hb = server.heartbeats.getLast();
        assertThat(hb).contains("\"agent_id\":\"" + s.agentId() + "\"").contains("\"hostname\":\"test-host\"")
                .contains("\"version\":\"1.2.3\"").contains("\"interval_ms\":" + config().tuning().heartbeatInterval().toMillis()).contains("\"policy\":{\"version\":\"abc123\",\"rules\":3}")
                .contains("\"counters\":{\"events\":42,\"lost\":0}").contains("\"connected\":true").doesNotContain(IntakeServer.API_KEY);
    }

    @Test
    void aServerWithoutTheHeartbeatEndpointIsFine() throws Exception {
        server.heartbeatEndpoint = false;
        Shipper s = start(config());
        Thread.sleep(300); // a few 404 heartbeats
        offerAll(s, lines("no-hb", 3));
        awaitAccepted(3);
        assertThat(server.heartbeats).isEmpty();
        assertThat(s.stats().lastError()).isNull();
    }

    @Test
    void closeWritesTheQueueToTheBufferAndSendsItBeforeReturning() throws Exception {
        Shipper s = start(config());
        List<String> sent = lines("last", 500);
        offerAll(s, sent);
        s.close();
        assertThat(server.accepted).containsExactlyElementsOf(sent);
        assertThat(s.offer("{}".getBytes(StandardCharsets.UTF_8))).as("closed: no more lines").isFalse();
    }

    @Test
    void closeWithTheServerDownReturnsWithinTheDeadlineAndKeepsTheLines() throws Exception {
        server.stop();
        Shipper s = start(config());
        offerAll(s, lines("kept", 100));
        long t0 = System.nanoTime();
        s.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(s.stats().writtenRecords()).isEqualTo(100);
        assertThat(s.stats().bufferedBytes()).isPositive();
    }

    @Test
    void spareRoomIsThereWhileTheQueueIsShortAndGoneOnceClosing() throws Exception {
        Shipper s = start(config());
        assertThat(s.hasSpareRoom()).isTrue();
        s.close();
        assertThat(s.hasSpareRoom()).isFalse();
    }

    @Test
    void theAgentIdIsMadeOnceAndKept() throws Exception {
        String id = AgentId.loadOrCreate(state);
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(AgentId.loadOrCreate(state)).isEqualTo(id);
        Files.writeString(state.resolve(AgentId.FILE), "no way!\n");
        assertThatThrownBy(() -> AgentId.loadOrCreate(state)).hasMessageContaining("not an id").hasMessageContaining("delete it");
    }

    @Test
    void theConfigNamesBadValuesAndNeverShowsTheKey() {
        ShipperConfig c = config();
        assertThat(c.toString()).doesNotContain(IntakeServer.API_KEY).contains("apiKey=(hidden)");
        assertThat(c.intakeUri().toString()).isEqualTo(server.uri() + "/api/v1/intake/agent");
        assertThatThrownBy(() -> ShipperConfig.of(java.net.URI.create("ftp://x"), "k"))
                .hasMessageContaining("server 'ftp://x' is not an http:// or https:// URL");
        assertThatThrownBy(() -> ShipperConfig.of(server.uri(), "two words")).hasMessageContaining("apiKey");
        assertThatThrownBy(() -> c.withBuffer(state, 1000)).hasMessageContaining("bufferMaxBytes is 1000");
    }

    @Test
    void responsesAreReadLeniently() {
        assertThat(Shipper.parse("{\"accepted\":3,\"duplicate\":true,\"x\":{\"y\":1}}")).containsEntry("accepted", 3L)
                .containsEntry("duplicate", true).doesNotContainKey("y");
        assertThat(Shipper.parse("not json")).isEmpty();
        assertThat(Shipper.parse(null)).isEmpty();
    }
}
