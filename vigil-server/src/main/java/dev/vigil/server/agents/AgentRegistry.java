package dev.vigil.server.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last heartbeat of every agent that reported in since the server started, in memory. An
 * agent says how often it reports ({@code interval_ms}, else {@link #DEFAULT_INTERVAL} is
 * assumed); one whose last heartbeat is older than {@value #MISSED_HEARTBEATS} intervals is
 * disconnected. At most {@value #MAX_AGENTS} agents are kept: beyond that, new ones are not
 * recorded (known ones still are).
 *
 * <p>A heartbeat is what {@code vigil-agent}'s shipper sends: {@code agent_id}, {@code hostname},
 * {@code version}, {@code interval_ms}, {@code policy: {version, rules}}, {@code counters} (the
 * sensor's: {@code events}, {@code lost}...) and {@code shipper} (its counters:
 * {@code dropped_queue_full}...). Only {@code agent_id} is required; everything else is shown
 * when present.
 */
public final class AgentRegistry {

    public static final int MAX_AGENTS = 100_000;
    /** The interval assumed when a heartbeat does not give its own: the agent's default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Heartbeats an agent may miss before it is shown as disconnected. */
    public static final int MISSED_HEARTBEATS = 3;
    /** Bounds on an announced interval: a heartbeat cannot make its agent look connected for days. */
    static final long MIN_INTERVAL_MS = 100, MAX_INTERVAL_MS = 3_600_000;
    /** Longest text kept for display (hostname, version...): longer values are cut. */
    static final int MAX_TEXT = 256;
    /** Shipper counters of lines that never reached the server. */
    private static final List<String> SHIPPING_LOSSES = List.of("dropped_queue_full", "dropped_write_failed", "dropped_buffer_full",
            "corrupt_records", "rejected_records");

    private final InstantSource clock;
    private final Map<String, Entry> agents = new ConcurrentHashMap<>();

    private record Entry(ObjectNode heartbeat, Agent agent) {}

    public AgentRegistry(InstantSource clock) {
        this.clock = clock;
    }

    public AgentRegistry() {
        this(InstantSource.system());
    }

    /**
     * Records a heartbeat.
     *
     * @param id    the agent's id (the heartbeat's {@code agent_id}), not blank
     * @param body  the heartbeat, a JSON object
     * @param actor who sent it (the API key's actor), listed with it
     * @return false when the registry is full and this agent is not in it (nothing recorded)
     */
    public boolean heartbeat(String id, JsonNode body, String actor) {
        if (id == null || id.isBlank() || !body.isObject()) throw new IllegalArgumentException("a heartbeat is a JSON object with an agent_id");
        long now = clock.millis();
        ObjectNode o = ((ObjectNode) body).deepCopy();
        o.put("last_seen", Instant.ofEpochMilli(now).toString());
        o.put("api_key", actor);
        Entry e = new Entry(o, agent(id, body, actor, now));
        if (agents.size() >= MAX_AGENTS && !agents.containsKey(id)) return false;
        agents.put(id, e);
        return true;
    }

    /** The last heartbeat of each agent as received, plus {@code last_seen} and {@code api_key}. */
    public List<ObjectNode> heartbeats() {
        List<ObjectNode> out = new ArrayList<>(agents.size());
        for (Entry e : agents.values()) out.add(e.heartbeat.deepCopy());
        return out;
    }

    /** Every agent as the console shows it, by hostname then id, with its state as of now. */
    public List<Agent> agents() {
        long now = clock.millis();
        List<Agent> out = new ArrayList<>(agents.size());
        for (Entry e : agents.values()) out.add(e.agent.at(now));
        out.sort(Comparator.comparing(Agent::hostname).thenComparing(Agent::id));
        return out;
    }

    public int size() { return agents.size(); }

    private static Agent agent(String id, JsonNode b, String actor, long now) {
        long interval = b.path("interval_ms").canConvertToLong() && b.path("interval_ms").isNumber()
                ? Math.clamp(b.path("interval_ms").asLong(), MIN_INTERVAL_MS, MAX_INTERVAL_MS) : DEFAULT_INTERVAL.toMillis();
        long sensorLost = Math.max(0, b.path("counters").path("lost").asLong(0));
        long shippingLost = 0;
        for (String c : SHIPPING_LOSSES) shippingLost += Math.max(0, b.path("shipper").path(c).asLong(0));
        JsonNode policy = b.path("policy");
        return new Agent(text(id), text(b.path("hostname").asText("")), text(b.path("version").asText("")),
                text(policy.path("version").asText("")), policy.path("rules").asInt(0), now, interval,
                Math.max(0, b.path("counters").path("events").asLong(0)), sensorLost, shippingLost, text(actor), true);
    }

    private static String text(String s) {
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
    }

    /**
     * One agent as of its last heartbeat.
     *
     * @param id             the agent's id (stable across restarts of the agent)
     * @param hostname       the host it runs on, or empty when not given
     * @param version        the agent's version, or empty
     * @param ruleSetVersion a digest of its loaded policies (changes when they change), or empty
     * @param rules          rules loaded
     * @param lastSeen       when its last heartbeat arrived, epoch milliseconds
     * @param intervalMillis how often it reports
     * @param events         events its sensor saw (since the agent started)
     * @param sensorLost     events its sensor lost (kernel buffer overruns)
     * @param shippingLost   lines lost on the way to the server (queue or buffer full, disk errors, rejected)
     * @param apiKey         the actor of the API key it uses
     * @param connected      whether it reported within {@value #MISSED_HEARTBEATS} intervals
     */
    public record Agent(String id, String hostname, String version, String ruleSetVersion, int rules, long lastSeen,
                        long intervalMillis, long events, long sensorLost, long shippingLost, String apiKey, boolean connected) {

        /** Events that never reached the server. */
        public long lost() { return sensorLost + shippingLost; }

        Agent at(long now) {
            boolean c = now - lastSeen <= MISSED_HEARTBEATS * intervalMillis;
            return c == connected ? this : new Agent(id, hostname, version, ruleSetVersion, rules, lastSeen, intervalMillis, events,
                    sensorLost, shippingLost, apiKey, c);
        }
    }
}
