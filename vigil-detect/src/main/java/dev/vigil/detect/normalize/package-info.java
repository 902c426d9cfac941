/**
 * Every input as the backend's event model ({@link dev.vigil.detect.event.LogEvent}): agent
 * events and alerts, JSON logs (with AWS CloudTrail and Kubernetes audit recognised), and syslog
 * lines, with Datadog's standard attribute names ({@code usr.name}, {@code network.client.ip},
 * {@code evt.name}, {@code evt.outcome}...) so one rule reads them all.
 *
 * <p>Start at {@link dev.vigil.detect.normalize.Normalizer}, the only entry point. Behind it:
 * {@code AgentEventNormalizer} (hot path: one pass, no regular expressions, the input's subtrees
 * shared), {@code JsonLogNormalizer} (reserved-attribute remapping, cloud shapes),
 * {@code SyslogParser} (RFC 3164 and 5424, year inference) and {@code SshAuthParser} (a table of
 * sshd, PAM, sudo and su messages). Attribute names are declared once in
 * {@code StandardAttributes}; {@code Attrs} writes them copy-on-write so inputs stay untouched.
 */
package dev.vigil.detect.normalize;
