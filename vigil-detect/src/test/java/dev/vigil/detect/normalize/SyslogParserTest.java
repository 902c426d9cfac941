package dev.vigil.detect.normalize;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyslogParserTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static SyslogParser at(String now) {
        return new SyslogParser(Clock.fixed(Instant.parse(now), ZoneOffset.UTC), ZoneOffset.UTC);
    }

    private final SyslogParser parser = new SyslogParser(Clock.fixed(NOW, ZoneOffset.UTC), ZoneOffset.UTC);

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void anAuthLogLineHasHostProgramPidAndMessageAndThisYear() {
        SyslogParser.Message m = parser.parse("Nov 22 10:01:02 web-1 sshd[812]: Accepted publickey for alice from 203.0.113.5 port 52144 ssh2");
        assertThat(m.format()).isEqualTo(SyslogParser.Format.RFC3164);
        assertThat(m.time()).isEqualTo(ms("2026-11-22T10:01:02Z"));
        assertThat(m.host()).isEqualTo("web-1");
        assertThat(m.program()).isEqualTo("sshd");
        assertThat(m.pid()).isEqualTo("812");
        assertThat(m.text()).isEqualTo("Accepted publickey for alice from 203.0.113.5 port 52144 ssh2");
        assertThat(m.facility()).isEqualTo(-1);
        assertThat(m.severity()).isEqualTo(-1);
    }

    @Test
    void aPriGivesFacilityAndSeverityAndTheDayMayBeSpacePadded() {
        SyslogParser.Message m = parser.parse("<38>Nov  2 07:30:00 web-1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash\n");
        assertThat(m.facility()).isEqualTo(4);
        assertThat(SyslogParser.facilityName(m.facility())).isEqualTo("auth");
        assertThat(m.severity()).isEqualTo(6);
        assertThat(m.time()).isEqualTo(ms("2026-11-02T07:30:00Z"));
        assertThat(m.program()).isEqualTo("sudo");
        assertThat(m.pid()).isEmpty();
        assertThat(m.text()).isEqualTo("   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash");
    }

    @Test
    void theYearIsTheOneClosestToNowButNotFarAfterIt() {
        // read just after new year: December is last year's
        assertThat(at("2027-01-01T00:05:00Z").parse("Dec 31 23:59:59 h cron[1]: x").time()).isEqualTo(ms("2026-12-31T23:59:59Z"));
        // a sender whose clock runs ahead, read just before new year: next year's
        assertThat(at("2026-12-31T23:59:00Z").parse("Jan  1 00:00:30 h cron[1]: x").time()).isEqualTo(ms("2027-01-01T00:00:30Z"));
        // two days ahead is beyond the tolerance: last year's line, not this year's future
        assertThat(at("2026-11-22T12:00:00Z").parse("Nov 24 12:00:00 h cron[1]: x").time()).isEqualTo(ms("2025-11-24T12:00:00Z"));
        // within the tolerance
        assertThat(at("2026-11-22T12:00:00Z").parse("Nov 23 02:00:00 h cron[1]: x").time()).isEqualTo(ms("2026-11-23T02:00:00Z"));
        // February 29 goes to the nearest leap year
        assertThat(at("2029-03-01T00:00:00Z").parse("Feb 29 08:00:00 h cron[1]: x").time()).isEqualTo(ms("2028-02-29T08:00:00Z"));
        assertThatThrownBy(() -> at("2026-03-01T00:00:00Z").parse("Feb 29 08:00:00 h cron[1]: x"))
                .isInstanceOf(NormalizeException.class).hasMessageContaining("no year near now has the date Feb 29");
    }

    @Test
    void aTimestampWithoutZoneIsInTheConfiguredZone() {
        SyslogParser paris = new SyslogParser(Clock.fixed(NOW, ZoneOffset.UTC), ZoneId.of("Europe/Paris"));
        assertThat(paris.parse("Nov 22 10:01:02 web-1 sshd[812]: x").time()).isEqualTo(ms("2026-11-22T09:01:02Z"));
        assertThat(paris.parse("2026-11-22T10:01:02 web-1 sshd[812]: x").time()).isEqualTo(ms("2026-11-22T09:01:02Z"));
        assertThat(paris.parse("2026-11-22T10:01:02Z web-1 sshd[812]: x").time()).isEqualTo(ms("2026-11-22T10:01:02Z"));
    }

    @Test
    void theIsoFormOfRsyslogAndJournaldKeepsItsOffsetAndFraction() {
        SyslogParser.Message m = parser.parse("2026-11-22T10:01:02.123456+00:00 web-1 sshd[812]: Connection closed by 198.51.100.4 port 40022 [preauth]");
        assertThat(m.time()).isEqualTo(ms("2026-11-22T10:01:02.123Z"));
        assertThat(m.host()).isEqualTo("web-1");
        assertThat(m.program()).isEqualTo("sshd");
        assertThat(parser.parse("<86>2026-11-22T11:01:02.5+01:00 web-1 su[9]: x").time()).isEqualTo(ms("2026-11-22T10:01:02.500Z"));
        assertThat(parser.parse("Nov 22 10:01:02.250 web-1 app: x").time()).isEqualTo(ms("2026-11-22T10:01:02.250Z"));
    }

    @Test
    void theHostIsOptionalAndSoIsTheTag() {
        SyslogParser.Message noHost = parser.parse("<13>Nov 22 10:01:02 sshd[812]: Server listening on :: port 22.");
        assertThat(noHost.host()).isEmpty();
        assertThat(noHost.program()).isEqualTo("sshd");
        assertThat(noHost.text()).isEqualTo("Server listening on :: port 22.");

        SyslogParser.Message noTag = parser.parse("Nov 22 10:01:02 web-1 -- MARK --");
        assertThat(noTag.host()).isEqualTo("web-1");
        assertThat(noTag.program()).isEmpty();
        assertThat(noTag.text()).isEqualTo("-- MARK --");

        SyslogParser.Message kernel = parser.parse("Nov 22 10:01:02 web-1 kernel: [ 1234.567890] audit: type=1400 apparmor=\"DENIED\"");
        assertThat(kernel.program()).isEqualTo("kernel");
        assertThat(kernel.pid()).isEmpty();
        assertThat(kernel.text()).isEqualTo("[ 1234.567890] audit: type=1400 apparmor=\"DENIED\"");

        SyslogParser.Message slash = parser.parse("Nov 22 10:01:02 mail-1 postfix/smtpd[2210]: connect from unknown[192.0.2.9]");
        assertThat(slash.program()).isEqualTo("postfix/smtpd");
        assertThat(slash.pid()).isEqualTo("2210");

        SyslogParser.Message empty = parser.parse("Nov 22 10:01:02 web-1 sshd[812]:");
        assertThat(empty.program()).isEqualTo("sshd");
        assertThat(empty.text()).isEmpty();
    }

    @Test
    void rfc5424HeaderFieldsNilValuesAndBom() {
        SyslogParser.Message m = parser.parse("<34>1 2026-11-22T10:01:02.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8");
        assertThat(m.format()).isEqualTo(SyslogParser.Format.RFC5424);
        assertThat(m.facility()).isEqualTo(4);
        assertThat(m.severity()).isEqualTo(2);
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.time()).isEqualTo(ms("2026-11-22T10:01:02.003Z"));
        assertThat(m.host()).isEqualTo("mymachine.example.com");
        assertThat(m.program()).isEqualTo("su");
        assertThat(m.pid()).isEmpty();
        assertThat(m.msgId()).isEqualTo("ID47");
        assertThat(m.structuredData()).isNull();
        assertThat(m.text()).isEqualTo("'su root' failed for lonvick on /dev/pts/8");

        SyslogParser.Message nil = parser.parse("<165>1 - - - - - -");
        assertThat(nil.time()).isEqualTo(Times.NONE);
        assertThat(nil.host()).isEmpty();
        assertThat(nil.program()).isEmpty();
        assertThat(nil.text()).isEmpty();
    }

    @Test
    void rfc5424StructuredDataWithEscapes() {
        SyslogParser.Message m = parser.parse("<165>1 2026-11-22T22:14:15.003-07:00 web-1 evntslog 812 ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][origin ip=\"10.0.0.1\" note=\"a \\\"quoted\\\" \\] and \\\\\"] "
                + "An application event");
        assertThat(m.time()).isEqualTo(ms("2026-11-23T05:14:15.003Z"));
        assertThat(m.pid()).isEqualTo("812");
        assertThat(m.structuredData().get("exampleSDID@32473").get("eventID").asText()).isEqualTo("1011");
        assertThat(m.structuredData().get("origin").get("ip").asText()).isEqualTo("10.0.0.1");
        assertThat(m.structuredData().get("origin").get("note").asText()).isEqualTo("a \"quoted\" ] and \\");
        assertThat(m.text()).isEqualTo("An application event");

        SyslogParser.Message noMsg = parser.parse("<14>1 2026-11-22T10:01:02Z h app 1 - [a b=\"c\"]");
        assertThat(noMsg.text()).isEmpty();
        assertThat(noMsg.structuredData().get("a").get("b").asText()).isEqualTo("c");
    }

    @Test
    void unreadableLinesSayWhatWasExpectedAndWhere() {
        assertThatThrownBy(() -> parser.parse("hello world"))
                .isInstanceOf(NormalizeException.class)
                .hasMessage("not a syslog line: expected a month name (Jan..Dec) or an ISO-8601 date at column 1: 'hello world'");
        assertThatThrownBy(() -> parser.parse("<999>Nov 22 10:01:02 h x: y"))
                .hasMessageContaining("bad PRI 999: at most 191 at column 1");
        assertThatThrownBy(() -> parser.parse("<12 Nov 22 10:01:02 h x: y")).hasMessageContaining("bad PRI: expected '<' 1 to 3 digits '>'");
        assertThatThrownBy(() -> parser.parse("Nov 22 25:01:02 h x: y")).hasMessageContaining("bad time of day Nov 22 25:01:02");
        assertThatThrownBy(() -> parser.parse("Nov 22 10:01 h x: y")).hasMessageContaining("expected ':' in hh:mm:ss at column 13");
        assertThatThrownBy(() -> parser.parse("Nov 31 10:01:02 h x: y")).hasMessageContaining("no year near now has the date Nov 31");
        assertThatThrownBy(() -> parser.parse("Nov 22 10:01:02")).hasMessageContaining("line ends after the timestamp");
        assertThatThrownBy(() -> parser.parse("2026-13-45T10:01:02Z h x: y")).hasMessageContaining("bad ISO-8601 timestamp '2026-13-45T10:01:02Z'");
        assertThatThrownBy(() -> parser.parse("<34>1 2026-11-22 h app - - - msg")).hasMessageContaining("bad RFC 3339 timestamp '2026-11-22'");
        assertThatThrownBy(() -> parser.parse("<34>1 2026-11-22T10:01:02Z h app - -")).hasMessageContaining("expected structured data");
        assertThatThrownBy(() -> parser.parse("<34>1 2026-11-22T10:01:02Z h app - - [id a=\"b]"))
                .hasMessageContaining("unterminated value of 'a' in structured data 'id'");
        assertThatThrownBy(() -> parser.parse("<34>1 2026-11-22T10:01:02Z h app - - x")).hasMessageContaining("expected structured data ('-' or '[') at column");
        assertThatThrownBy(() -> parser.parse("\r\n")).hasMessage("syslog line is empty");
        String longLine = "x".repeat(500);
        assertThatThrownBy(() -> parser.parse(longLine)).hasMessageEndingWith("x…'").message().hasSizeLessThan(260);
    }
}
