package dev.vigil.agent;

import dev.vigil.agent.ship.AlertFollower;
import dev.vigil.agent.ship.ShipMode;
import dev.vigil.agent.ship.ShipperConfig;
import dev.vigil.sensor.SensorConfig;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param followAlerts    with {@link ShipMode#ALERTS}, how long after an alert the alerted process's and its
 *                        descendants' events are shipped too ({@link AlertFollower}; default
 *                        {@link AlertFollower#DEFAULT_WINDOW}, zero: never)
 */
public record AgentConfig(SensorConfig sensor, List<Path> policies, boolean defaultPolicy, boolean enforce,
                          boolean watchPolicies, ShipperConfig shipper, ShipMode ship, Duration followAlerts) {

    public AgentConfig {
        policies = List.copyOf(policies);
        Objects.requireNonNull(ship, "ship");
        Objects.requireNonNull(followAlerts, "followAlerts");
        if (followAlerts.isNegative()) throw new IllegalArgumentException("followAlerts is " + followAlerts + ": must not be negative");
    }

    public static AgentConfig defaults() {
        return new AgentConfig(SensorConfig.defaults(), List.of(), true, false, true, null, ShipMode.ALERTS, AlertFollower.DEFAULT_WINDOW);
    }

    public AgentConfig withSensor(SensorConfig s) { return new AgentConfig(s, policies, defaultPolicy, enforce, watchPolicies, shipper, ship, followAlerts); }

    public AgentConfig withPolicies(List<Path> p, boolean includeDefault) {
        return new AgentConfig(sensor, p, includeDefault, enforce, watchPolicies, shipper, ship, followAlerts);
    }

    public AgentConfig withEnforce(boolean e) { return new AgentConfig(sensor, policies, defaultPolicy, e, watchPolicies, shipper, ship, followAlerts); }

    /** Ships {@code what} through {@code s} (null: ship nothing). */
    public AgentConfig withShipping(ShipperConfig s, ShipMode what) {
        return new AgentConfig(sensor, policies, defaultPolicy, enforce, watchPolicies, s, what, followAlerts);
    }

    /** With {@link ShipMode#ALERTS}, ships each alerted process's and its descendants' events for {@code window} after the alert (zero: never). */
    public AgentConfig withFollowAlerts(Duration window) {
        return new AgentConfig(sensor, policies, defaultPolicy, enforce, watchPolicies, shipper, ship, window);
    }
}
