package dev.vigil.detect.normalize;

import dev.vigil.detect.event.LogEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.vigil.detect.normalize.Json.attr;
import static dev.vigil.detect.normalize.Json.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The entry point: syslog lines end to end and the defaults. */
class NormalizerTest {

    private static final long INTAKE = Instant.parse("2026-11-22T12:00:00Z").toEpochMilli();
    private final Normalizer normalizer = new Normalizer(Clock.fixed(Instant.ofEpochMilli(INTAKE), ZoneOffset.UTC), ZoneOffset.UTC);
    private final Normalizer.Defaults defaults = new Normalizer.Defaults("syslog", "os", "relay-1", List.of("env:prod"), INTAKE);

    @Test
    void aSyslogLineTakesHostProgramAndStatusFromTheLine() {
        LogEvent e = normalizer.syslogLine("<86>Nov 22 10:01:02 web-1 sshd[812]: Failed password for root from 192.0.2.9 port 22 ssh2", defaults);
        assertThat(e.id()).isEmpty();
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.source()).isEqualTo("sshd");
        assertThat(e.service()).isEqualTo("sshd");
        assertThat(e.status()).isEqualTo("info");
        assertThat(e.tags()).containsExactly("env:prod");
        assertThat(e.message()).isEqualTo("Failed password for root from 192.0.2.9 port 22 ssh2");
        assertThat(attr(e, "syslog.facility")).isEqualTo("authpriv");
        assertThat(node(e, "syslog.severity").asInt()).isEqualTo(6);
        assertThat(attr(e, "evt.outcome")).isEqualTo("failure");
    }

    @Test
    void whatTheLineDoesNotSayComesFromTheDefaults() {
        LogEvent e = normalizer.syslogLine("<11>1 - - - - - - disk almost full", defaults);
        assertThat(e.time()).isEqualTo(INTAKE);
        assertThat(e.host()).isEqualTo("relay-1");
        assertThat(e.source()).isEqualTo("syslog");
        assertThat(e.service()).isEqualTo("os");
        assertThat(e.status()).isEqualTo("error");
        assertThat(e.message()).isEqualTo("disk almost full");
        assertThat(attr(e, "syslog.facility")).isEqualTo("user");
        assertThat(node(e, "syslog.version").asInt()).isEqualTo(1);
    }

    @Test
    void rfc5424StructuredDataIsAnAttribute() {
        LogEvent e = normalizer.syslogLine("<165>1 2026-11-22T10:01:02Z web-1 app 42 req [http@32473 method=\"GET\" status=\"500\"] failed", defaults);
        assertThat(attr(e, "syslog.structured_data.http@32473.status")).isEqualTo("500");
        assertThat(attr(e, "syslog.msgid")).isEqualTo("req");
        assertThat(node(e, "process.pid").asInt()).isEqualTo(42);
        assertThat(e.status()).isEqualTo("notice");
    }

    @Test
    void defaultsAcceptNullsAndCopyTags() {
        Normalizer.Defaults d = new Normalizer.Defaults(null, null, null, null, 5);
        assertThat(d.source()).isEmpty();
        assertThat(d.tags()).isEmpty();
        List<String> tags = new java.util.ArrayList<>(List.of("a:1"));
        Normalizer.Defaults copy = Normalizer.Defaults.at(1).withTags(tags).withSource("s").withService("v").withHost("h");
        tags.add("b:2");
        assertThat(copy).isEqualTo(new Normalizer.Defaults("s", "v", "h", List.of("a:1"), 1));
        assertThat(copy.withIntakeTime(9).intakeTime()).isEqualTo(9);
    }

    @Test
    void unreadableSyslogLinesThrow() {
        assertThatThrownBy(() -> normalizer.syslogLine("GET / HTTP/1.1", defaults))
                .isInstanceOf(NormalizeException.class).hasMessageContaining("not a syslog line");
    }
}
