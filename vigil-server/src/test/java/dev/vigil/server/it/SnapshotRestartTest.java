package dev.vigil.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Detection state survives a restart through the state snapshot: a new value rule that learned
 * for a day before the restart does not learn again after it (the values it learned are not new,
 * a value it never saw is), and the restart re-reads only the events after the snapshot. Real
 * servers on SQLite in a temporary data directory, stopped cleanly or killed with SIGKILL.
 */
class SnapshotRestartTest {

    static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
    static final Duration DAY = Duration.ofDays(1);

    /** One signal per user: its count is how many new values fired for that user. */
    static final String RULE = """
            id: snap-new-ip
            name: '{{@usr.name}} logged in from a new IP'
            method: new_value
            queries:
              - query: 'source:snaptest'
                groupByFields: ['@usr.name']
                metric: '@network.client.ip'
            cases: [{status: low}]
            options:
              keepAlive: 7d
              maxSignalDuration: 30d
              newValueOptions: {learningDuration: 1, forgetAfter: 30}
            """;

    @TempDir Path data;
    @TempDir Path rules;

    @Test
    void aValueLearnedBeforeAKillIsNotNewAfterTheRestartAndTheRestartReadsOnlyFromTheSnapshot() throws Exception {
        Files.writeString(rules.resolve("r.yaml"), RULE);
        Process first = ServerProcess.start(data, rules, Duration.ofSeconds(3));
        String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        TestClient api = new TestClient(ServerProcess.port(data), key);
        long snapshotOffset;
        long killedAt;
        try {
            // a day of learning, then a new IP
            send(api, login("alice", "10.0.0.1", T0), login("alice", "10.0.0.2", T0.plus(Duration.ofHours(12))),
                    login("alice", "10.0.0.3", T0.plus(DAY.multipliedBy(2))));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode s = stats(api);
                return s.path("detection").path("snapshot").path("last_offset").asLong(-1) == s.path("event_log").path("end_offset").asLong();
            });
            snapshotOffset = stats(api).path("detection").path("snapshot").path("last_offset").asLong();
            assertThat(snapshotOffset).isPositive();
            // one more new IP, committed but (most likely) not in a snapshot yet: then SIGKILL, no final commit or snapshot
            send(api, login("alice", "10.0.0.4", T0.plus(DAY.multipliedBy(2)).plusSeconds(60)));
            await().atMost(Duration.ofSeconds(30)).until(() -> committedEverything(api));
            killedAt = stats(api).path("detection").path("committed_offset").asLong();
            assertThat(aliceCount(api)).isEqualTo(2);
        } finally {
            first.destroyForcibly().waitFor();
        }

        Files.deleteIfExists(data.resolve("port"));
        Process second = ServerProcess.start(data, rules, Duration.ofSeconds(3));
        try {
            TestClient again = new TestClient(ServerProcess.port(data), key);
            JsonNode det = stats(again).path("detection");
            // what commits cost, and how far apart that spaces them: from the configured 10 ms up to 5 s
            assertThat(det.path("last_commit_ms").asLong(-1)).isNotNegative();
            assertThat(det.path("commit_spacing_ms").asLong()).isBetween(10L, 5_000L);
            JsonNode restore = det.path("snapshot").path("restore");
            assertThat(restore.path("outcome").asText()).isEqualTo("restored");
            assertThat(restore.path("families_restored").asInt()).isEqualTo(1);
            assertThat(restore.path("families_started_empty").asInt()).isZero();
            long restoredAt = restore.path("offset").asLong();
            assertThat(restoredAt).isBetween(snapshotOffset, killedAt);
            // the rebuild read from the snapshot's offset to the checkpoint, not the rules' look-back or the whole log
            JsonNode rebuild = det.path("rebuild");
            assertThat(rebuild.path("from_offset").asLong()).isEqualTo(restoredAt);
            assertThat(rebuild.path("to_offset").asLong()).isEqualTo(killedAt);
            assertThat(rebuild.path("bytes").asLong()).isEqualTo(killedAt - restoredAt);
            assertThat(rebuild.path("events").asLong()).as("at most the one event after the snapshot").isEqualTo(restoredAt == killedAt ? 0 : 1);
            assertThat(rebuild.path("source").asText()).isEqualTo(restoredAt == killedAt ? "none" : "snapshot");

            // after the restart: what was learned is known, a new IP is new (learning did not start again)
            Instant after = T0.plus(DAY.multipliedBy(2)).plusSeconds(600);
            send(again, login("alice", "10.0.0.1", after), login("alice", "10.0.0.2", after), login("alice", "10.0.0.3", after),
                    login("alice", "10.0.0.4", after), login("alice", "10.0.0.5", after.plusSeconds(1)));
            await().atMost(Duration.ofSeconds(30)).until(() -> committedEverything(again));
            assertThat(aliceCount(again)).as("10.0.0.3, .4 and .5 fired; .1 and .2 were learned, .3 and .4 seen").isEqualTo(3);
        } finally {
            second.destroyForcibly().waitFor();
        }
    }

    @Test
    void aCleanStopSnapshotsAtTheEndSoTheRestartReReadsNothing() throws Exception {
        Files.writeString(rules.resolve("r.yaml"), RULE);
        ServerConfig config = ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)).withBuiltinRules(false)
                .withSnapshotInterval(Duration.ofHours(1)); // none while running: only the one at the stop
        VigilServer server = VigilServer.start(config);
        String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        long end;
        try {
            TestClient api = new TestClient(server.port(), key);
            send(api, login("alice", "10.0.0.1", T0), login("alice", "10.0.0.3", T0.plus(DAY.multipliedBy(2))));
            await().atMost(Duration.ofSeconds(30)).until(() -> committedEverything(api));
            assertThat(stats(api).path("detection").path("snapshot").path("written").asLong()).isZero();
            end = stats(api).path("event_log").path("end_offset").asLong();
        } finally {
            server.close();
        }
        assertThat(data.resolve("detection/state.snap")).isRegularFile();
        assertThat(data.resolve("detection/state.snap.tmp")).doesNotExist();

        // a rule added while the server was down starts empty; the one that learned keeps what it learned
        Files.writeString(rules.resolve("other.yaml"), RULE.replace("id: snap-new-ip", "id: snap-new-ip-2")
                .replace("@network.client.ip", "@network.client.port"));
        server = VigilServer.start(config);
        try {
            TestClient api = new TestClient(server.port(), key);
            JsonNode det = stats(api).path("detection");
            assertThat(det.path("snapshot").path("restore").path("outcome").asText()).isEqualTo("restored");
            assertThat(det.path("snapshot").path("restore").path("offset").asLong()).isEqualTo(end);
            assertThat(det.path("snapshot").path("restore").path("families_restored").asInt()).isEqualTo(1);
            assertThat(det.path("snapshot").path("restore").path("families_started_empty").asInt()).isEqualTo(1);
            assertThat(det.path("rebuild").path("events").asLong()).isZero();
            assertThat(det.path("rebuild").path("bytes").asLong()).isZero();
            send(api, login("alice", "10.0.0.1", T0.plus(DAY.multipliedBy(3))), login("alice", "10.0.0.9", T0.plus(DAY.multipliedBy(3))));
            await().atMost(Duration.ofSeconds(30)).until(() -> committedEverything(api));
            assertThat(aliceCount(api)).as("10.0.0.3 before, 10.0.0.9 after").isEqualTo(2);
        } finally {
            server.close();
        }
    }

    @Test
    void aCorruptSnapshotIsRejectedWithItsReasonAndDetectionFallsBackToTheLookBack() throws Exception {
        Files.writeString(rules.resolve("r.yaml"), RULE);
        ServerConfig config = ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)).withBuiltinRules(false)
                .withSnapshotInterval(Duration.ofMillis(200));
        VigilServer server = VigilServer.start(config);
        String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        try {
            TestClient api = new TestClient(server.port(), key);
            // two batches: the look-back rebuild (a day before the newest event) then starts after the first
            send(api, login("alice", "10.0.0.1", T0));
            send(api, login("alice", "10.0.0.3", T0.plus(DAY.multipliedBy(2))));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode s = stats(api);
                return s.path("detection").path("snapshot").path("last_offset").asLong(-1) == s.path("event_log").path("end_offset").asLong();
            });
            JsonNode snap = stats(api).path("detection").path("snapshot");
            assertThat(snap.path("written").asLong()).isPositive();
            assertThat(snap.path("last_bytes").asLong()).isEqualTo(Files.size(data.resolve("detection/state.snap")));
            assertThat(snap.path("failures").asLong()).isZero();
        } finally {
            server.close();
        }
        Path file = data.resolve("detection/state.snap");
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x40;
        Files.write(file, b);

        server = VigilServer.start(config);
        try {
            TestClient api = new TestClient(server.port(), key);
            JsonNode det = stats(api).path("detection");
            JsonNode restore = det.path("snapshot").path("restore");
            assertThat(restore.path("outcome").asText()).isEqualTo("rejected");
            assertThat(restore.path("reason").asText()).containsAnyOf("checksum mismatch", "malformed");
            assertThat(det.path("rebuild").path("source").asText()).isEqualTo("look-back");
            assertThat(det.path("rebuild").path("events").asLong()).as("the second batch").isEqualTo(1);
            String metrics = metrics(server.port(), key);
            assertThat(metrics).contains("vigil_detection_snapshot_rejected 1.0");
            assertThat(metrics).contains("vigil_detection_snapshot_restore_families{state=\"restored\"} 0.0");
            // and detection goes on, writing a good snapshot again
            send(api, login("bob", "10.0.0.7", T0.plus(DAY.multipliedBy(2)).plusSeconds(5)));
            await().atMost(Duration.ofSeconds(30)).until(() -> stats(api).path("detection").path("snapshot").path("written").asLong() > 0);
        } finally {
            server.close();
        }
        server = VigilServer.start(config);
        try {
            JsonNode restore = stats(new TestClient(server.port(), key)).path("detection").path("snapshot").path("restore");
            assertThat(restore.path("outcome").asText()).isEqualTo("restored");
            assertThat(metrics(server.port(), key)).contains("vigil_detection_snapshot_restore_families{state=\"restored\"} 1.0");
        } finally {
            server.close();
        }
    }

    // ---- helpers

    static String login(String user, String ip, Instant at) {
        return "{\"timestamp\":\"" + at + "\",\"source\":\"snaptest\",\"host\":\"bastion\",\"usr\":{\"name\":\"" + user
                + "\"},\"network\":{\"client\":{\"ip\":\"" + ip + "\",\"port\":" + (40000 + ip.hashCode() % 1000) + "}},\"message\":\"login\"}";
    }

    static void send(TestClient api, String... lines) throws Exception {
        TestClient.Response r = api.post("/api/v1/intake/logs", (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), null, false);
        assertThat(r.status()).isEqualTo(202);
    }

    static JsonNode stats(TestClient api) throws Exception {
        return api.get("/api/v1/stats").body();
    }

    static boolean committedEverything(TestClient api) throws Exception {
        JsonNode s = stats(api);
        return s.path("detection").path("committed_offset").asLong() == s.path("event_log").path("end_offset").asLong();
    }

    static long aliceCount(TestClient api) throws Exception {
        JsonNode list = api.get("/api/v1/signals?rule=snap-new-ip").body().path("signals");
        long n = 0;
        for (JsonNode s : list) if (s.path("group_by").path("@usr.name").asText().equals("alice")) n += s.path("count").asLong();
        return n;
    }

    static String metrics(int port, String key) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/metrics"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
