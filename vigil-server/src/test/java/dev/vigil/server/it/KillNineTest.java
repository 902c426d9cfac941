package dev.vigil.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kill -9 the server while agents are sending: after a restart every acknowledged event is in
 * a signal, none is counted twice, and batches whose answer was lost are accepted exactly once
 * when re-sent with their id.
 */
class KillNineTest {

    static final int PER_BATCH = 200;

    @TempDir Path data;
    @TempDir Path rules;

    @Test
    void noAcknowledgedEventIsLostNoneIsCountedTwice() throws Exception {
        Files.writeString(rules.resolve("r.yaml"), """
                id: kill-test
                name: events on {{host}}
                method: match
                queries:
                  - query: 'source:killtest'
                    groupByFields: [host]
                cases: [{status: low}]
                options: {keepAlive: 1h, maxSignalDuration: 24h}
                """);
        Process first = startServer();
        String key = Files.readString(data.resolve("initial-api-key")).trim();
        TestClient api = new TestClient(port(), key);

        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> unknown = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = "agent-" + thread + ":" + i;
                    try {
                        TestClient.Response r = api.post("/api/v1/intake/logs", batch(thread, i), id, true);
                        if (r.status() == 202) acked.add(id);
                        else unknown.add(id);
                    } catch (Exception x) {
                        unknown.add(id); // the answer was lost: the agent keeps it and re-sends
                        return;
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 30);
        first.destroyForcibly().waitFor(); // SIGKILL, mid-intake
        stop.set(true);
        for (Thread s : senders) s.join(30_000);
        assertThat(acked.size()).isGreaterThanOrEqualTo(30);

        Files.deleteIfExists(data.resolve("port"));
        Process second = startServer();
        try {
            TestClient again = new TestClient(port(), key);
            // an agent re-sends everything it has no answer for, with the same ids
            for (String id : unknown) {
                String[] p = id.substring("agent-".length()).split(":");
                TestClient.Response r = again.post("/api/v1/intake/logs", batch(Integer.parseInt(p[0]), Integer.parseInt(p[1])), id, true);
                assertThat(r.status()).isEqualTo(202);
                acked.add(id);
            }
            // and re-sending an acknowledged batch changes nothing
            String some = acked.iterator().next();
            String[] p = some.substring("agent-".length()).split(":");
            assertThat(again.post("/api/v1/intake/logs", batch(Integer.parseInt(p[0]), Integer.parseInt(p[1])), some, true)
                    .body().path("duplicate").asBoolean()).isTrue();

            long expected = (long) acked.size() * PER_BATCH;
            await().atMost(Duration.ofSeconds(60)).until(() -> total(again) == expected);
            Thread.sleep(500);
            assertThat(total(again)).isEqualTo(expected);
            JsonNode list = again.get("/api/v1/signals?rule=kill-test").body();
            assertThat(list.path("total").asLong()).as("one signal per host, continued across the restart").isEqualTo(3);
        } finally {
            second.destroyForcibly().waitFor();
        }
    }

    private static long total(TestClient api) throws Exception {
        long sum = 0;
        for (JsonNode s : api.get("/api/v1/signals?rule=kill-test&limit=100").body().path("signals")) sum += s.path("count").asLong();
        return sum;
    }

    private static byte[] batch(int thread, int i) {
        StringBuilder b = new StringBuilder();
        Instant t = Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i);
        for (int j = 0; j < PER_BATCH; j++) {
            b.append("{\"timestamp\":\"").append(t).append("\",\"source\":\"killtest\",\"host\":\"host-").append(thread)
                    .append("\",\"message\":\"event ").append(i).append('/').append(j).append("\"}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Process startServer() throws Exception {
        return ServerProcess.start(data, rules);
    }

    private int port() throws Exception {
        return ServerProcess.port(data);
    }
}
