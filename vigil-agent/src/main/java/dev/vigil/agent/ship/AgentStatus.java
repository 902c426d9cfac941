package dev.vigil.agent.ship;

import java.util.Map;

/**
 * What the agent says about itself in each heartbeat, besides the shipper's own counters.
 *
 * @param hostname      the host's name
 * @param version       the agent's version
 * @param policyVersion a digest of the loaded policies (changes when they change)
 * @param rules         rules loaded
 * @param sensor        sensor counters (events, lost, ...)
 */
public record AgentStatus(String hostname, String version, String policyVersion, int rules, Map<String, Long> sensor) {
    public AgentStatus {
        sensor = Map.copyOf(sensor);
    }
}
