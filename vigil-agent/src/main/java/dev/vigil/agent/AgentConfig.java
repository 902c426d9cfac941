package dev.vigil.agent;

import dev.vigil.sensor.SensorConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * How the agent runs.
 *
 * @param sensor          the sensor's settings (event types are chosen from the rules, not here)
 * @param policies        policy files or directories (*.policy), loaded after the default policy
 * @param defaultPolicy   whether the shipped default policy is loaded first
 * @param enforce         whether rules' kill actions are carried out (off: they are only reported)
 * @param watchPolicies   reload when a policy file changes (SIGHUP always reloads)
 */
public record AgentConfig(SensorConfig sensor, List<Path> policies, boolean defaultPolicy, boolean enforce,
                          boolean watchPolicies) {

    public AgentConfig {
        policies = List.copyOf(policies);
    }

    public static AgentConfig defaults() {
        return new AgentConfig(SensorConfig.defaults(), List.of(), true, false, true);
    }

    public AgentConfig withSensor(SensorConfig s) { return new AgentConfig(s, policies, defaultPolicy, enforce, watchPolicies); }

    public AgentConfig withPolicies(List<Path> p, boolean includeDefault) {
        return new AgentConfig(sensor, p, includeDefault, enforce, watchPolicies);
    }

    public AgentConfig withEnforce(boolean e) { return new AgentConfig(sensor, policies, defaultPolicy, e, watchPolicies); }
}
