package dev.vigil.agent;

import dev.vigil.agent.ship.ShipMode;
import dev.vigil.agent.ship.ShipperConfig;
import dev.vigil.sensor.SensorConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the agent runs.
 *
 * @param sensor          the sensor's settings (event types are chosen from the rules, not here)
 * @param policies        policy files or directories (*.policy), loaded after the default policy
 * @param defaultPolicy   whether the shipped default policy is loaded first
 * @param enforce         whether rules' kill actions are carried out (off: they are only reported)
 * @param watchPolicies   reload when a policy file changes (SIGHUP always reloads)
 * @param shipper         where to ship alerts (and events), or null to ship nothing (the default)
 * @param ship            what to ship when {@code shipper} is set (default {@link ShipMode#ALERTS})
 */
public record AgentConfig(SensorConfig sensor, List<Path> policies, boolean defaultPolicy, boolean enforce,
                          boolean watchPolicies, ShipperConfig shipper, ShipMode ship) {

    public AgentConfig {
        policies = List.copyOf(policies);
        Objects.requireNonNull(ship, "ship");
    }

    public static AgentConfig defaults() {
        return new AgentConfig(SensorConfig.defaults(), List.of(), true, false, true, null, ShipMode.ALERTS);
    }

    public AgentConfig withSensor(SensorConfig s) { return new AgentConfig(s, policies, defaultPolicy, enforce, watchPolicies, shipper, ship); }

    public AgentConfig withPolicies(List<Path> p, boolean includeDefault) {
        return new AgentConfig(sensor, p, includeDefault, enforce, watchPolicies, shipper, ship);
    }

    public AgentConfig withEnforce(boolean e) { return new AgentConfig(sensor, policies, defaultPolicy, e, watchPolicies, shipper, ship); }

    /** Ships {@code what} through {@code s} (null: ship nothing). */
    public AgentConfig withShipping(ShipperConfig s, ShipMode what) {
        return new AgentConfig(sensor, policies, defaultPolicy, enforce, watchPolicies, s, what);
    }
}
