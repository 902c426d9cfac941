/**
 * Shipping: the agent's alerts (and, if configured, all its events) sent to the Vigil server over
 * HTTP, through an on-disk buffer so nothing is lost while the server is away.
 *
 * <p>Start at {@link dev.vigil.agent.ship.Shipper} (its javadoc describes the threads, the buffer
 * and the HTTP contract); {@link dev.vigil.agent.ship.ShipperConfig} holds the settings,
 * {@link dev.vigil.agent.ship.ShipperStats} the counters, {@link dev.vigil.agent.ship.AgentId} the
 * agent's stable identity. The buffer is a {@link dev.vigil.journal.Journal}.
 * {@link dev.vigil.agent.ship.AlertFollower} picks, when only alerts are shipped, the events of
 * alerted processes and their descendants that are shipped too.
 */
package dev.vigil.agent.ship;
