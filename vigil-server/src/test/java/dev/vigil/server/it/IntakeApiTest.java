package dev.vigil.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The intake and signal API over real HTTP against a real server with SQLite. */
class IntakeApiTest {

    @TempDir Path data;
    @TempDir Path rules;
    VigilServer server;
    TestClient api;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(rules.resolve("miner.yaml"), """
                id: test-miner
                name: Miner on {{host}}
                method: match
                tags: [tactic:TA0040, technique:T1496]
                queries:
                  - query: 'source:loadtest @process.comm:xmrig'
                    groupByFields: [host]
                cases:
                  - status: high
                options: {keepAlive: 1h}
                """);
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)));
        api = new TestClient(server.port(), Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    static String minerLine(String host, int i) {
        return "{\"timestamp\":\"" + Instant.parse("2026-11-22T10:00:00Z").plusMillis(i) + "\",\"source\":\"loadtest\",\"host\":\"" + host
                + "\",\"message\":\"exec xmrig\",\"process\":{\"comm\":\"xmrig\",\"pid\":" + (1000 + i % 50) + "}}";
    }

    static byte[] lines(String... l) {
        return (String.join("\n", l) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    JsonNode signals(String query) throws Exception {
        return api.get("/api/v1/signals?" + query).body();
    }

    long minerCount(String host) throws Exception {
        JsonNode s = signals("rule=test-miner&host=" + host);
        return s.path("total").asLong() == 0 ? 0 : s.path("signals").get(0).path("count").asLong();
    }

    @Test
    void everyRouteButHealthNeedsAValidKey() throws Exception {
        TestClient anonymous = new TestClient(server.port(), null);
        assertThat(anonymous.get("/health").status()).isEqualTo(200);
        TestClient.Response r = anonymous.post("/api/v1/intake/logs", lines(minerLine("h", 0)), null, false);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body().path("error").asText()).contains("missing API key");
        assertThat(new TestClient(server.port(), "vgl_wrong").get("/api/v1/signals").status()).isEqualTo(401);
        // a second key works until revoked
        JsonNode created = api.postJson("/api/v1/api-keys", "{\"name\":\"ci\"}").body();
        TestClient ci = new TestClient(server.port(), created.path("key").asText());
        assertThat(ci.get("/api/v1/signals").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/api-keys").body().toString()).doesNotContain(created.path("key").asText());
        var http = java.net.http.HttpClient.newHttpClient();
        var del = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/v1/api-keys/" + created.path("id").asText()))
                .header("Authorization", "Bearer " + Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim()).DELETE().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(del.statusCode()).isEqualTo(204);
        assertThat(ci.get("/api/v1/signals").status()).isEqualTo(401);
    }

    @Test
    void gzipBatchesBecomeOneSignalPerGroupWithTheirCount() throws Exception {
        for (int b = 0; b < 10; b++) {
            String[] l = new String[1000];
            for (int i = 0; i < l.length; i++) l[i] = minerLine("web-1", b * 1000 + i);
            TestClient.Response r = api.post("/api/v1/intake/logs", lines(l), "batch-" + b, true);
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.body().path("accepted").asInt()).isEqualTo(1000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> minerCount("web-1") == 10_000);
        JsonNode list = signals("rule=test-miner");
        assertThat(list.path("total").asLong()).isEqualTo(1);
        JsonNode s = api.get("/api/v1/signals/" + list.path("signals").get(0).path("id").asText()).body();
        assertThat(s.path("title").asText()).isEqualTo("Miner on web-1");
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(s.path("technique").asText()).isEqualTo("T1496");
        assertThat(s.path("samples").size()).isEqualTo(2);
        assertThat(s.path("samples").get(0).path("attributes").path("process").path("comm").asText()).isEqualTo("xmrig");
    }

    @Test
    void aResentBatchIsAcknowledgedButCountedOnce() throws Exception {
        byte[] body = lines(minerLine("web-2", 1), minerLine("web-2", 2), minerLine("web-2", 3));
        assertThat(api.post("/api/v1/intake/logs", body, "agent-7:0-300", false).body().path("duplicate").asBoolean()).isFalse();
        TestClient.Response again = api.post("/api/v1/intake/logs", body, "agent-7:0-300", false);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().path("duplicate").asBoolean()).isTrue();
        assertThat(again.body().path("accepted").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> minerCount("web-2") == 3);
        Thread.sleep(300);
        assertThat(minerCount("web-2")).isEqualTo(3);
    }

    @Test
    void aBadLineRefusesItsBatchByNumberAndKeepsWhatWasAccepted() throws Exception {
        assertThat(api.post("/api/v1/intake/logs", lines(minerLine("web-3", 1)), null, false).status()).isEqualTo(202);
        TestClient.Response bad = api.post("/api/v1/intake/logs",
                lines(minerLine("web-3", 2), minerLine("web-3", 3), "{\"source\": \"loadtest\", \"host\": ", minerLine("web-3", 4)), null, false);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("line").asInt()).isEqualTo(3);
        assertThat(bad.body().path("error").asText()).startsWith("line 3 is not valid JSON");
        TestClient.Response notObject = api.post("/api/v1/intake/logs", lines(minerLine("web-3", 5), "[1,2]"), null, false);
        assertThat(notObject.body().path("line").asInt()).isEqualTo(2);
        assertThat(notObject.body().path("error").asText()).isEqualTo("line 2 is not a JSON object");
        byte[] invalidUtf8 = new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        byte[] withBad = concat(lines(minerLine("web-3", 6)), invalidUtf8);
        TestClient.Response enc = api.post("/api/v1/intake/logs", withBad, null, false);
        assertThat(enc.status()).isEqualTo(400);
        assertThat(enc.body().path("error").asText()).isEqualTo("line 2 is not valid UTF-8");
        TestClient.Response notGzip = api.post("/api/v1/intake/logs", lines(minerLine("web-3", 7)), null, false);
        assertThat(notGzip.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> minerCount("web-3") == 2);
        Thread.sleep(300);
        assertThat(minerCount("web-3")).as("only the two good batches").isEqualTo(2);
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    @Test
    void oversizeLinesAndBodiesAreRefusedWithTheirNumber() throws Exception {
        String huge = "{\"source\":\"loadtest\",\"message\":\"" + "x".repeat(2 << 20) + "\"}";
        TestClient.Response r = api.post("/api/v1/intake/logs", lines(minerLine("web-4", 1), huge), null, true);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body().path("line").asInt()).isEqualTo(2);
        assertThat(r.body().path("error").asText()).isEqualTo("line 2 is longer than 1048576 bytes");
        // a gzip bomb: small on the wire, beyond the body limit once inflated
        byte[] zeros = new byte[20 << 20];
        java.util.Arrays.fill(zeros, (byte) '\n');
        TestClient.Response bomb = api.post("/api/v1/intake/logs", zeros, null, true);
        assertThat(bomb.status()).isEqualTo(413);
        assertThat(bomb.body().path("error").asText()).contains("once decompressed");
        TestClient.Response garbage = api.post("/api/v1/intake/logs", "not gzip at all".getBytes(StandardCharsets.UTF_8), null, false);
        assertThat(garbage.status()).isEqualTo(400);
    }

    @Test
    void unicodeAndUnknownFieldsArriveIntact() throws Exception {
        String line = "{\"timestamp\":\"2026-11-22T10:00:00Z\",\"source\":\"loadtest\",\"host\":\"web-5\",\"message\":\"exec xmrig 🚀 \\u05e9\\u05dc\\u05d5\\u05dd \\ud83d\\ude00\","
                + "\"process\":{\"comm\":\"xmrig\",\"argv\":[\"<script>alert(1)</script>\",\"\\u0000nul\"]},\"custom\":{\"deeply\":{\"nested\":[1,{\"x\":\"ü\"}]}}}";
        assertThat(api.post("/api/v1/intake/logs", lines(line), null, false).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> minerCount("web-5") == 1);
        String id = signals("rule=test-miner&host=web-5").path("signals").get(0).path("id").asText();
        JsonNode sample = api.get("/api/v1/signals/" + id).body().path("samples").get(0);
        assertThat(sample.path("message").asText()).isEqualTo("exec xmrig 🚀 שלום 😀");
        assertThat(sample.path("attributes").path("process").path("argv").get(0).asText()).isEqualTo("<script>alert(1)</script>");
        assertThat(sample.path("attributes").path("process").path("argv").get(1).asText()).isEqualTo("\u0000nul");
        assertThat(sample.path("attributes").path("custom").path("deeply").path("nested").get(1).path("x").asText()).isEqualTo("ü");
    }

    @Test
    void sshAuthLogLinesDriveTheDefaultSequenceRule() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 12; i++)
            b.append("Nov 22 10:00:").append(String.format("%02d", i)).append(" bastion sshd[").append(900 + i)
                    .append("]: Failed password for root from 203.0.113.9 port 5").append(1000 + i).append(" ssh2\n");
        b.append("Nov 22 10:00:30 bastion sshd[990]: Accepted password for root from 203.0.113.9 port 52000 ssh2\n");
        assertThat(api.post("/api/v1/intake/syslog", b.toString().getBytes(StandardCharsets.UTF_8), null, false).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> signals("rule=ssh-brute-force-then-success").path("total").asLong() == 1);
        JsonNode s = signals("rule=ssh-brute-force-then-success").path("signals").get(0);
        assertThat(s.path("severity").asText()).isEqualTo("critical");
        assertThat(s.path("entities").path("user").get(0).asText()).isEqualTo("root");
        assertThat(s.path("entities").path("ip").get(0).asText()).isEqualTo("203.0.113.9");
    }

    @Test
    void aFollowedAuthLogDrivesTheDefaultRulesAcrossRotation() throws Exception {
        Path log = data.resolve("auth.log");
        Files.writeString(log, "");
        server.tail(List.of(log), null);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 12; i++)
            b.append("Nov 22 11:00:").append(String.format("%02d", i)).append(" bastion sshd[").append(700 + i)
                    .append("]: Failed password for admin from 198.51.100.23 port 4").append(1000 + i).append(" ssh2\n");
        Files.writeString(log, b.toString(), java.nio.file.StandardOpenOption.APPEND);
        Files.move(log, data.resolve("auth.log.1")); // logrotate: rename, then a new file
        Files.writeString(log, "Nov 22 11:00:40 bastion sshd[799]: Accepted password for admin from 198.51.100.23 port 42000 ssh2\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> signals("rule=ssh-brute-force-then-success").path("total").asLong() == 1);
        JsonNode s = signals("rule=ssh-brute-force-then-success").path("signals").get(0);
        assertThat(s.path("entities").path("user").get(0).asText()).isEqualTo("admin");
        assertThat(s.path("entities").path("ip").get(0).asText()).isEqualTo("198.51.100.23");
    }

    @Test
    void triageAndSuppressionsThroughTheApi() throws Exception {
        api.post("/api/v1/intake/logs", lines(minerLine("ci-runner-1", 1)), null, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> minerCount("ci-runner-1") == 1);
        String id = signals("rule=test-miner&host=ci-runner-1").path("signals").get(0).path("id").asText();
        TestClient.Response noReason = api.postJson("/api/v1/signals/" + id + "/status", "{\"status\":\"archived\"}");
        assertThat(noReason.status()).isEqualTo(409);
        TestClient.Response archived = api.postJson("/api/v1/signals/" + id + "/status",
                "{\"status\":\"archived\",\"reason\":\"benign_true_positive\",\"comment\":\"CI benchmark job\"}");
        assertThat(archived.status()).isEqualTo(200);
        assertThat(archived.body().path("status").asText()).isEqualTo("archived");
        JsonNode history = api.get("/api/v1/signals/" + id + "/history").body();
        assertThat(history.toString()).contains("benign_true_positive").contains("key:initial");
        TestClient.Response sup = api.postJson("/api/v1/suppressions",
                "{\"name\":\"CI runners\",\"query\":\"host:ci-runner-*\",\"rule_id\":\"test-miner\"}");
        assertThat(sup.status()).isEqualTo(201);
        TestClient.Response badQuery = api.postJson("/api/v1/suppressions", "{\"name\":\"x\",\"query\":\"host:(a OR\"}");
        assertThat(badQuery.status()).isEqualTo(422);
        assertThat(badQuery.body().path("error").asText()).startsWith("query: column");
        // suppressed matches are counted, not turned into signals
        String supId = sup.body().path("id").asText();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            api.post("/api/v1/intake/logs", lines(minerLine("ci-runner-2", 1)), null, false);
            Thread.sleep(100);
            JsonNode all = api.get("/api/v1/suppressions").body();
            for (JsonNode s : all) if (s.path("id").asText().equals(supId)) return s.path("suppressed_count").asLong() > 0;
            return false;
        });
        assertThat(minerCount("ci-runner-2")).isZero();
    }

    @Test
    void rulesAreManagedThroughTheApiWithPositionedErrors() throws Exception {
        String bad = "id: api-rule\nname: x\nqueries:\n  - query: 'source:(sshd'\ncases:\n  - status: high\n";
        var http = java.net.http.HttpClient.newHttpClient();
        String key = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
        var put = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/v1/rules/api-rule"))
                .header("Authorization", "Bearer " + key).PUT(java.net.http.HttpRequest.BodyPublishers.ofString(bad)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(422);
        JsonNode problems = TestClient.JSON.readTree(put.body()).path("problems");
        assertThat(problems.get(0).path("path").asText()).isEqualTo("queries[0].query");
        assertThat(problems.get(0).path("line").asInt()).isEqualTo(4);
        String good = "id: api-rule\nname: Root shell\nmethod: match\nqueries:\n  - query: 'source:loadtest @process.comm:bash'\ncases:\n  - status: low\n";
        var ok = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/v1/rules/api-rule"))
                .header("Authorization", "Bearer " + key).PUT(java.net.http.HttpRequest.BodyPublishers.ofString(good)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/v1/rules").body().toString().contains("\"api-rule\""));
        api.post("/api/v1/intake/logs", lines("{\"source\":\"loadtest\",\"host\":\"h9\",\"process\":{\"comm\":\"bash\"}}"), null, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> signals("rule=api-rule").path("total").asLong() == 1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aCloudTrailLogFileIsSplitIntoItsRecords() throws Exception {
        List<String> records = Files.readAllLines(Path.of("../vigil-detect/src/test/resources/normalize/cloudtrail.ndjson"))
                .stream().filter(l -> !l.isBlank()).toList();
        // as S3 delivers it: one JSON object holding the Records array
        String file = "{\"Records\":[" + String.join(",", records) + "]}";
        TestClient.Response r = api.post("/api/v1/intake/logs?source=cloudtrail", lines(file), null, false);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().path("accepted").asInt()).isEqualTo(records.size());
        assertThat(server.intake().acceptedEvents.sum()).isEqualTo(records.size());
        // the root console login among them raises the default rule's signal
        await().atMost(java.time.Duration.ofSeconds(20)).until(() -> server.store().signals()
                .search(dev.vigil.server.store.SignalQuery.builder().rule("aws-root-console-login").build()).total() == 1);

        TestClient.Response bad = api.post("/api/v1/intake/logs", lines("{\"a\":1}", "{\"Records\":[{\"eventName\":\"x\"},7]}"), null, false);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("line").asInt()).isEqualTo(2);
        assertThat(bad.body().path("error").asText()).contains("Records[1]");
    }
}
