package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detect.event.LogEvent;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * The one thing intake calls: every input as a {@link LogEvent}.
 *
 * <ul>
 *   <li>{@link #agentLine}: a Vigil agent's event or alert line (docs/events.md);</li>
 *   <li>{@link #jsonLine}: a JSON log line, Datadog's reserved attributes remapped, CloudTrail
 *       records and Kubernetes audit events recognised;</li>
 *   <li>{@link #syslogLine}: an RFC 3164 or RFC 5424 line; sshd, sudo, su and PAM messages read
 *       into standard attributes.</li>
 * </ul>
 *
 * Events come out with an empty id (the event log assigns it). Inputs are not modified, but the
 * events share unmodified subtrees with them: do not modify an input after normalising it.
 * Lines that cannot be read throw {@link NormalizeException} saying why. No I/O and no mutable
 * state: one instance serves every thread.
 */
public final class Normalizer {

    /** The zone of syslog timestamps that carry none, unless configured. */
    public static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;

    /**
     * What an intake knows about its lines, used where a line does not say.
     *
     * @param source     e.g. {@code nginx}; a line's own {@code ddsource}/{@code source} or syslog program wins
     * @param service    a line's {@code service} or syslog program wins
     * @param host       a line's host wins
     * @param tags       added to every event, before the line's own tags
     * @param intakeTime epoch ms: the time of a line that has none
     */
    public record Defaults(String source, String service, String host, List<String> tags, long intakeTime) {

        public Defaults {
            source = source == null ? "" : source;
            service = service == null ? "" : service;
            host = host == null ? "" : host;
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        /** Nothing known but the intake time. */
        public static Defaults at(long intakeTime) {
            return new Defaults("", "", "", List.of(), intakeTime);
        }

        public Defaults withSource(String s) { return new Defaults(s, service, host, tags, intakeTime); }

        public Defaults withService(String s) { return new Defaults(source, s, host, tags, intakeTime); }

        public Defaults withHost(String h) { return new Defaults(source, service, h, tags, intakeTime); }

        public Defaults withTags(List<String> t) { return new Defaults(source, service, host, t, intakeTime); }

        public Defaults withIntakeTime(long t) { return new Defaults(source, service, host, tags, t); }
    }

    private final SyslogParser syslog;
    private final SshAuthParser auth = new SshAuthParser();
    private final AgentEventNormalizer agent = new AgentEventNormalizer();
    private final JsonLogNormalizer json;

    /** The system clock (for syslog years) and {@link #DEFAULT_ZONE}. */
    public Normalizer() {
        this(Clock.systemUTC(), DEFAULT_ZONE);
    }

    /**
     * @param clock the clock syslog years are inferred from
     * @param zone  the zone of timestamps that carry none (RFC 3164, zone-less ISO)
     */
    public Normalizer(Clock clock, ZoneId zone) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(zone, "zone");
        this.syslog = new SyslogParser(clock, zone);
        this.json = new JsonLogNormalizer(syslog, auth, zone);
    }

    /** An agent's JSON line (event or alert); see {@link AgentEventNormalizer}. */
    public LogEvent agentLine(JsonNode line) {
        return agent.normalize(line);
    }

    /** A JSON log line; see {@link JsonLogNormalizer}. */
    public LogEvent jsonLine(JsonNode line, Defaults defaults) {
        return json.normalize(line, Objects.requireNonNull(defaults, "defaults"));
    }

    /**
     * A syslog line. Host from the line, else the default; the program is the source and the
     * service (the defaults when the line has none); status from the PRI's severity ({@code info}
     * without one); time from the line ({@code -} in RFC 5424: the intake time); attributes
     * {@code syslog.*} and {@code process.pid} (see {@link SyslogParser#attributes}) plus what
     * {@link SshAuthParser} reads from sshd, sudo, su and PAM messages.
     *
     * @throws NormalizeException when the line is neither RFC 3164 nor RFC 5424
     */
    public LogEvent syslogLine(String line, Defaults defaults) {
        Objects.requireNonNull(defaults, "defaults");
        SyslogParser.Message m = syslog.parse(line);
        Attrs a = Attrs.empty();
        SyslogParser.attributes(m, a);
        if (SshAuthParser.applies(m.program(), m.text())) auth.parse(m.program(), m.text(), a);
        long time = m.time() != Times.NONE ? m.time() : defaults.intakeTime();
        String host = m.host().isEmpty() ? defaults.host() : m.host();
        String source = m.program().isEmpty() ? defaults.source() : m.program();
        String service = m.program().isEmpty() ? defaults.service() : m.program();
        String status = m.severity() >= 0 ? Status.ofSeverity(m.severity()) : Status.INFO;
        return new LogEvent("", time, host, source, service, status, m.text(), defaults.tags(), a.root());
    }
}
