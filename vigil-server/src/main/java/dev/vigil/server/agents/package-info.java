/**
 * Agents that report in with heartbeats: {@link dev.vigil.server.agents.AgentRegistry} keeps the
 * last heartbeat of each, in memory, for the API ({@code GET /api/v1/agents}) and the console's
 * dashboard, and tells connected agents from those that stopped reporting.
 */
package dev.vigil.server.agents;
