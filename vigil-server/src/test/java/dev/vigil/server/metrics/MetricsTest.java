package dev.vigil.server.metrics;

import dev.vigil.agent.ship.AgentStatus;
import dev.vigil.journal.Durability;
import dev.vigil.agent.ship.Shipper;
import dev.vigil.agent.ship.ShipperConfig;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET /api/v1/metrics of a real server over HTTP, parsed as Prometheus would: the series follow
 * what was ingested, refused and detected, per rule and per agent (a real agent shipper's
 * heartbeats), and the endpoint needs an API key like the rest of the API.
 */
class MetricsTest {

    /** A sample line of the text format: name, optional labels, value. */
    static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    @TempDir Path data;
    @TempDir Path rules;
    @TempDir Path agentState;
    VigilServer server;
    String apiKey;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(rules.resolve("failed.yaml"), """
                id: metrics-failed-login
                name: Failed login
                method: match
                queries:
                  - query: 'source:metricstest @evt.outcome:failure'
                    groupByFields: [host]
                cases:
                  - status: low
                """);
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withRuleDirs(List.of(rules)));
        apiKey = Files.readString(data.resolve(VigilServer.INITIAL_KEY_FILE)).trim();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void seriesFollowIntakeDetectionRulesAndAgents() throws Exception {
        String lines = """
                {"source":"metricstest","host":"web-1","evt":{"outcome":"failure"},"message":"bad password"}
                {"source":"metricstest","host":"web-1","evt":{"outcome":"failure"},"message":"bad password"}
                {"source":"metricstest","host":"web-2","evt":{"outcome":"success"},"message":"ok"}
                """;
        assertThat(post("/api/v1/intake/logs", lines).statusCode()).isEqualTo(202);
        assertThat(post("/api/v1/intake/logs", "{\"source\":\"metricstest\"}\nnot json\n").statusCode()).isEqualTo(400);

        ShipperConfig.Tuning d = ShipperConfig.Tuning.defaults();
        ShipperConfig config = ShipperConfig.of(URI.create("http://127.0.0.1:" + server.port() + "/"), apiKey).withStateDir(agentState)
                .withTuning(new ShipperConfig.Tuning(d.queueCapacity(), d.batchMaxLines(), d.batchMaxBytes(), d.linger(), d.backoffMin(),
                        d.backoffMax(), d.authRetry(), Duration.ofMillis(200), d.requestTimeout(), Duration.ZERO, Durability.NONE));
        Shipper shipper = Shipper.start(config, () -> new AgentStatus("build-\"7\"", "9.8.7", "c0ffee12", 43,
                Map.of("events", 1234L, "lost", 7L)));
        try {
            String agentId = shipper.agentId();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Map<String, Double> m = scrape();
                return m.getOrDefault("vigil_detection_events_processed_total", 0.0) == 3.0
                        && m.containsKey("vigil_agent_connected{agent_id=\"" + agentId + "\",host=\"build-\\\"7\\\"\"}");
            });
            Map<String, Double> m = scrape();
            assertThat(m.get("vigil_intake_events_accepted_total")).isEqualTo(3.0);
            assertThat(m.get("vigil_intake_batches_accepted_total")).isEqualTo(1.0);
            assertThat(m.get("vigil_intake_batches_rejected_total")).isEqualTo(1.0);
            assertThat(m.get("vigil_rule_matched_events_total{rule_id=\"metrics-failed-login\"}")).isEqualTo(2.0);
            assertThat(m.get("vigil_rule_detections_total{rule_id=\"metrics-failed-login\"}")).isEqualTo(2.0);
            assertThat(m.get("vigil_rule_groups{rule_id=\"metrics-failed-login\"}")).isNotNull();
            assertThat(m.get("vigil_signals_opened_total")).isEqualTo(1.0);
            assertThat(m.get("vigil_detection_rules")).isGreaterThan(1.0);
            assertThat(m.get("vigil_agents{state=\"connected\"}")).isEqualTo(1.0);
            String agent = "agent_id=\"" + agentId + "\",host=\"build-\\\"7\\\"\"";
            assertThat(m.get("vigil_agent_connected{" + agent + "}")).isEqualTo(1.0);
            assertThat(m.get("vigil_agent_sensor_events_total{" + agent + "}")).isEqualTo(1234.0);
            assertThat(m.get("vigil_agent_lost_events_total{" + agent + ",where=\"sensor\"}")).isEqualTo(7.0);
            assertThat(m.get("vigil_agent_last_seen_seconds{" + agent + "}")).isGreaterThan(System.currentTimeMillis() / 1000.0 - 60);
            assertThat(m).containsKey("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}");
            assertThat(m).containsKey("process_uptime_seconds");
        } finally {
            shipper.close();
        }
    }

    @Test
    void needsAnApiKey() throws Exception {
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(uri("/api/v1/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain("vigil_");
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(uri("/api/v1/metrics")).header("Authorization", "Bearer nope").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    /** Every sample of a scrape by its name and labels; fails on a line Prometheus would not read. */
    Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/metrics")).header("Authorization", "Bearer " + apiKey).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain").contains("version=0.0.4");
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
            Matcher x = SAMPLE.matcher(line);
            assertThat(x.matches()).as("a sample line: %s", line).isTrue();
            out.put(x.group(1) + (x.group(2) == null ? "" : x.group(2)), Double.parseDouble(x.group(3)));
        }
        return out;
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
