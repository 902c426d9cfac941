package dev.vigil.agent.ship;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the agent says about itself in each heartbeat, besides the shipper's own counters.
 *
 * @param hostname      the host's name
 * @param version       the agent's version
 * @param policyVersion a digest of the loaded policies (changes when they change)
 * @param rules         rules loaded
 * @param counters      the agent's and its sensor's counters (events, lost, alerts...), in the order given
 */
public record AgentStatus(String hostname, String version, String policyVersion, int rules, Map<String, Long> counters) {
    public AgentStatus {
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }
}
