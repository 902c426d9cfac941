/**
 * The web console: server-rendered pages (JTE templates compiled at build time from
 * {@code src/main/jte}), htmx for interaction, ECharts and Cytoscape.js from WebJars, no Node
 * build. Every page needs a logged-in user ({@link dev.vigil.server.console.ConsoleAuth}); every
 * state change needs the session's CSRF token; every value from events, rules or users goes
 * through JTE's contextual HTML escaping, and scripts only come from {@code /assets} (the
 * Content-Security-Policy allows nothing inline).
 */
package dev.vigil.server.console;
