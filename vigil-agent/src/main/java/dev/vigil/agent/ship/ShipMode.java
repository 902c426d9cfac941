package dev.vigil.agent.ship;

/** What the agent ships to the server. */
public enum ShipMode {
    /** Alerts only (the default): one line per rule match. */
    ALERTS,
    /** Alerts and every event the sensor reports (much more data; for a backend that runs its own detection). */
    ALL
}
