package dev.vigil.server.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentRegistryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    final AgentRegistry registry = new AgentRegistry(new InstantSource() {
        @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    });

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    /** A heartbeat as vigil-agent's shipper writes it. */
    static final String HEARTBEAT = """
            {"agent_id":"a-1","time":"2027-01-15T08:00:00Z","hostname":"web-1","version":"0.1.0","interval_ms":2000,
             "policy":{"version":"3f2a9c","rules":43},"counters":{"events":1200,"lost":7,"alerts":2},
             "shipper":{"connected":true,"sent_records":10,"dropped_queue_full":1,"dropped_write_failed":0,"dropped_buffer_full":2,
                        "corrupt_records":0,"rejected_records":3}}""";

    @Test
    void anAgentIsShownWithWhatItsHeartbeatSays() throws Exception {
        registry.heartbeat("a-1", json(HEARTBEAT), "key:initial");

        AgentRegistry.Agent a = registry.agents().getFirst();
        assertThat(a.id()).isEqualTo("a-1");
        assertThat(a.hostname()).isEqualTo("web-1");
        assertThat(a.version()).isEqualTo("0.1.0");
        assertThat(a.ruleSetVersion()).isEqualTo("3f2a9c");
        assertThat(a.rules()).isEqualTo(43);
        assertThat(a.events()).isEqualTo(1200);
        assertThat(a.sensorLost()).isEqualTo(7);
        assertThat(a.shippingLost()).isEqualTo(6);
        assertThat(a.lost()).isEqualTo(13);
        assertThat(a.lastSeen()).isEqualTo(now.get());
        assertThat(a.intervalMillis()).isEqualTo(2000);
        assertThat(a.connected()).isTrue();
        // the API lists the heartbeat as received, with when and by which key
        JsonNode listed = registry.heartbeats().getFirst();
        assertThat(listed.path("policy").path("rules").asInt()).isEqualTo(43);
        assertThat(listed.path("api_key").asText()).isEqualTo("key:initial");
        assertThat(listed.path("last_seen").asText()).isEqualTo(Instant.ofEpochMilli(now.get()).toString());
    }

    @Test
    void anAgentIsDisconnectedAfterThreeMissedHeartbeats() throws Exception {
        registry.heartbeat("a-1", json(HEARTBEAT), "k");
        now.addAndGet(3 * 2000);
        assertThat(registry.agents().getFirst().connected()).isTrue();
        now.addAndGet(1);
        assertThat(registry.agents().getFirst().connected()).isFalse();
        // it comes back with its next heartbeat
        registry.heartbeat("a-1", json(HEARTBEAT), "k");
        assertThat(registry.agents().getFirst().connected()).isTrue();
    }

    @Test
    void withoutAnIntervalTheAgentsDefaultIsAssumedAndWildIntervalsAreBounded() throws Exception {
        registry.heartbeat("old", json("{\"agent_id\":\"old\"}"), "k");
        registry.heartbeat("slow", json("{\"agent_id\":\"slow\",\"interval_ms\":999999999999}"), "k");
        registry.heartbeat("odd", json("{\"agent_id\":\"odd\",\"interval_ms\":\"soon\",\"counters\":{\"lost\":-5}}"), "k");

        var byId = new java.util.HashMap<String, AgentRegistry.Agent>();
        registry.agents().forEach(a -> byId.put(a.id(), a));
        assertThat(byId.get("old").intervalMillis()).isEqualTo(AgentRegistry.DEFAULT_INTERVAL.toMillis());
        assertThat(byId.get("old").hostname()).isEmpty();
        assertThat(byId.get("slow").intervalMillis()).isEqualTo(AgentRegistry.MAX_INTERVAL_MS);
        assertThat(byId.get("odd").intervalMillis()).isEqualTo(AgentRegistry.DEFAULT_INTERVAL.toMillis());
        assertThat(byId.get("odd").lost()).isZero();
    }

    @Test
    void agentsAreListedByHostnameAndLongTextIsCut() throws Exception {
        registry.heartbeat("z", json("{\"agent_id\":\"z\",\"hostname\":\"alpha\"}"), "k");
        registry.heartbeat("y", json("{\"agent_id\":\"y\",\"hostname\":\"" + "b".repeat(5000) + "\"}"), "k");
        assertThat(registry.agents()).extracting(AgentRegistry.Agent::id).containsExactly("z", "y");
        assertThat(registry.agents().get(1).hostname()).hasSize(AgentRegistry.MAX_TEXT + 1).endsWith("…");
    }

    @Test
    void aHeartbeatNeedsAnId() {
        assertThatThrownBy(() -> registry.heartbeat(" ", json("{}"), "k")).isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.size()).isZero();
    }
}
