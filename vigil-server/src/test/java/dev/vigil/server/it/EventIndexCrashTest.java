package dev.vigil.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kill -9 the server while events stream in and the event index is busy: after a restart the
 * index goes on from its last commit, and searching finds every accepted event exactly once
 * (what the index had taken in after its last commit is indexed again, not twice).
 */
class EventIndexCrashTest {

    static final int PER_BATCH = 200;
    static final Instant T0 = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

    @TempDir Path data;
    @TempDir Path rules;

    @Test
    void afterAKillEveryAcceptedEventIsSearchableOnce() throws Exception {
        Process first = startServer();
        String key = Files.readString(data.resolve("initial-api-key")).trim();
        TestClient api = new TestClient(port(), key);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = "sender-" + thread + ":" + i;
                    ids.add(id); // acknowledged or not: re-sent below with its id, stored once either way
                    try {
                        api.post("/api/v1/intake/logs", batch(thread, i), id, true);
                    } catch (Exception x) {
                        return;
                    }
                }
            }));
        }
        // wait until the index has taken in events (and has not committed them all: commits are 5 s apart)
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode idx = api.get("/api/v1/stats").body().path("event_index");
            return idx.path("documents").asLong() > 2_000 && idx.path("position").asLong() > idx.path("committed_offset").asLong();
        });
        first.destroyForcibly().waitFor(); // SIGKILL
        stop.set(true);
        for (Thread s : senders) s.join(30_000);

        Files.deleteIfExists(data.resolve("port"));
        Process second = startServer();
        try {
            TestClient again = new TestClient(port(), key);
            for (String id : ids) {
                String[] p = id.substring("sender-".length()).split(":");
                assertThat(again.post("/api/v1/intake/logs", batch(Integer.parseInt(p[0]), Integer.parseInt(p[1])), id, true).status()).isEqualTo(202);
            }
            long expected = (long) ids.size() * PER_BATCH;
            await().atMost(Duration.ofSeconds(60)).until(() -> total(again, "source:crashtest") == expected);
            Thread.sleep(1_000);
            assertThat(total(again, "source:crashtest")).isEqualTo(expected);
            // and per sender: no batch missing, none twice
            long perSender = 0;
            for (String id : ids) if (id.startsWith("sender-0:")) perSender++;
            assertThat(total(again, "source:crashtest host:sender-0")).isEqualTo(perSender * PER_BATCH);
            JsonNode stats = again.get("/api/v1/stats").body().path("event_index");
            assertThat(stats.path("documents").asLong()).isEqualTo(expected);
        } finally {
            second.destroyForcibly().waitFor();
        }
    }

    private static long total(TestClient api, String query) throws Exception {
        JsonNode r = api.get("/api/v1/events?limit=0&from=-2h&query=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
        assertThat(r.path("exact").asBoolean()).isTrue();
        return r.path("total").asLong();
    }

    private static byte[] batch(int thread, int i) {
        StringBuilder b = new StringBuilder();
        Instant t = T0.plusMillis(i);
        for (int j = 0; j < PER_BATCH; j++) {
            b.append("{\"timestamp\":\"").append(t).append("\",\"source\":\"crashtest\",\"host\":\"sender-").append(thread)
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
