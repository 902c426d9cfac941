package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * Syslog lines: RFC 3164 (BSD) and RFC 5424, each with or without a {@code <PRI>}.
 *
 * <pre>
 * Nov 22 10:01:02 web-1 sshd[812]: Accepted publickey for alice from 203.0.113.5 port 52144 ssh2
 * &lt;38&gt;Nov  2 10:01:02 web-1 sshd[812]: ...                     (3164 with PRI, space-padded day)
 * 2026-11-22T10:01:02.123456+00:00 web-1 sshd[812]: ...         (3164 with rsyslog's / journald's ISO date)
 * &lt;34&gt;1 2026-11-22T10:01:02Z web-1 app 812 ID47 [origin ip="10.0.0.1"] message   (5424)
 * </pre>
 *
 * <p><b>Time.</b> A 3164 timestamp has no year and no zone: the zone is the configured one
 * (default UTC) and the year is the one, among last, this and next year by the injected clock,
 * that puts the time closest to now without being more than {@link #FUTURE_TOLERANCE} after it.
 * So a {@code Dec 31 23:59:59} read on January 1st is last year's, and a {@code Jan 1 00:00:01}
 * from a host whose clock runs a minute ahead, read on December 31st, is next year's. ISO and
 * RFC 5424 times carry their own offset; one without takes the configured zone. A 5424 nil
 * timestamp ({@code -}) gives {@link Times#NONE}, for the caller to use the intake time.
 *
 * <p><b>Host and tag.</b> In 3164 the host is optional (lines written to a local socket have
 * none): a first token that looks like a tag ({@code sshd[812]:}, {@code kernel:}) is the tag.
 * The tag is {@code program[pid]:}; a line without one has an empty program and the rest is the
 * message.
 *
 * <p><b>Failure.</b> A line that is neither form throws {@link NormalizeException} saying what
 * was expected at which column. Hand-written scanning, no regular expressions; stateless and
 * thread-safe.
 */
final class SyslogParser {

    /** How far after now a 3164 timestamp may be and still be this year (clock skew, zone mismatch). */
    static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);
    /** The largest valid PRI: facility 23 (local7), severity 7. */
    static final int MAX_PRI = 191;

    enum Format { RFC3164, RFC5424 }

    /**
     * A parsed line. {@code facility} and {@code severity} are -1 without a PRI; {@code time} is
     * epoch ms or {@link Times#NONE}; strings are empty when absent; {@code structuredData} is
     * {@code null} unless a 5424 line has some.
     */
    record Message(Format format, int facility, int severity, long time, String host, String program, String pid,
                   String msgId, int version, ObjectNode structuredData, String text) {}

    private static final String[] FACILITIES = {
            "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
            "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
            "local6", "local7"};

    private final Clock clock;
    private final ZoneId zone;

    SyslogParser(Clock clock, ZoneId zone) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The facility's name (kern, auth, local0...), or {@code ""} for -1. */
    static String facilityName(int facility) {
        return facility >= 0 && facility < FACILITIES.length ? FACILITIES[facility] : "";
    }

    /**
     * Writes what a parsed line says besides host, program and message as attributes:
     * {@code syslog.hostname}, {@code syslog.appname}, {@code syslog.procid}, {@code syslog.msgid},
     * {@code syslog.facility} (name), {@code syslog.severity} (number), {@code syslog.version},
     * {@code syslog.structured_data}, and {@code process.pid} when the procid is a number.
     */
    static void attributes(Message m, Attrs a) {
        a.put(StandardAttributes.SYSLOG_HOSTNAME, m.host());
        a.put(StandardAttributes.SYSLOG_APPNAME, m.program());
        a.put(StandardAttributes.SYSLOG_PROCID, m.pid());
        a.put(StandardAttributes.SYSLOG_MSGID, m.msgId());
        if (m.facility() >= 0) {
            a.put(StandardAttributes.SYSLOG_FACILITY, facilityName(m.facility()));
            a.put(StandardAttributes.SYSLOG_SEVERITY, m.severity());
        }
        if (m.version() > 0) a.put(StandardAttributes.SYSLOG_VERSION, m.version());
        if (m.structuredData() != null) a.put(StandardAttributes.SYSLOG_STRUCTURED_DATA, m.structuredData());
        String pid = m.pid();
        if (!pid.isEmpty() && pid.length() < 10 && pid.chars().allMatch(c -> c >= '0' && c <= '9')) {
            a.put(StandardAttributes.PROCESS_PID, Long.parseLong(pid));
        }
    }

    Message parse(String line) {
        if (line == null) throw new NormalizeException("syslog line is null");
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) end--;
        Scan s = new Scan(line, end);
        if (end == 0) throw new NormalizeException("syslog line is empty");
        int facility = -1;
        int severity = -1;
        if (s.peek() == '<') {
            int pri = s.pri();
            facility = pri >> 3;
            severity = pri & 7;
        }
        if (s.isVersion()) return rfc5424(s, facility, severity);
        return rfc3164(s, facility, severity);
    }

    // ------------------------------------------------------------------------------------ RFC 3164

    private Message rfc3164(Scan s, int facility, int severity) {
        long time;
        char c = s.peek();
        if (isLetter(c)) {
            time = bsdTimestamp(s);
        } else if (isDigit(c)) {
            int start = s.i;
            String token = s.token();
            time = Times.iso(token, zone);
            if (time == Times.NONE) throw s.fail(start, "bad ISO-8601 timestamp '" + token + "'");
        } else {
            throw s.fail(s.i, "expected a month name (Jan..Dec) or an ISO-8601 date");
        }
        if (s.atEnd()) throw s.fail(s.i, "line ends after the timestamp, expected a host or tag");
        s.expect(' ', "a space after the timestamp");

        String host = "";
        int first = s.i;
        int firstEnd = s.tokenEnd();
        if (!isTag(s.line, first, firstEnd)) {
            host = s.line.substring(first, firstEnd);
            s.i = Math.min(firstEnd + 1, s.end);
        }
        int tagStart = s.i;
        int tagEnd = s.tokenEnd();
        String program = "";
        String pid = "";
        if (tagStart < tagEnd && isTag(s.line, tagStart, tagEnd)) {
            boolean colon = s.line.charAt(tagEnd - 1) == ':';
            int nameEnd = colon ? tagEnd - 1 : tagEnd;
            int bracket = s.line.indexOf('[', tagStart);
            if (bracket >= 0 && bracket < nameEnd) {
                int close = s.line.lastIndexOf(']', nameEnd - 1);
                program = s.line.substring(tagStart, bracket);
                if (close > bracket) pid = s.line.substring(bracket + 1, close);
            } else {
                program = s.line.substring(tagStart, nameEnd);
            }
            s.i = Math.min(tagEnd + 1, s.end);
        }
        String text = s.line.substring(s.i, s.end);
        return new Message(Format.RFC3164, facility, severity, time, host, program, pid, "", 0, null, text);
    }

    /** {@code Mmm dd hh:mm:ss[.fff]}, the day space-padded or not; the year inferred. */
    private long bsdTimestamp(Scan s) {
        int start = s.i;
        int month = s.i + 3 <= s.end ? month(s.line, s.i) : 0;
        if (month == 0) throw s.fail(start, "expected a month name (Jan..Dec) or an ISO-8601 date");
        s.i += 3;
        s.expect(' ', "a space after the month");
        if (s.peek() == ' ') s.i++;
        int day = s.number(1, 2, "a day of the month");
        s.expect(' ', "a space after the day");
        int hour = s.number(2, 2, "the hour (hh:mm:ss)");
        s.expect(':', "':' in hh:mm:ss");
        int minute = s.number(2, 2, "the minutes (hh:mm:ss)");
        s.expect(':', "':' in hh:mm:ss");
        int second = s.number(2, 2, "the seconds (hh:mm:ss)");
        int nanos = 0;
        if (s.peek() == '.') {
            s.i++;
            int fracStart = s.i;
            int digits = 0;
            while (s.i < s.end && isDigit(s.line.charAt(s.i))) {
                if (digits < 9) nanos = nanos * 10 + (s.line.charAt(s.i) - '0');
                digits++;
                s.i++;
            }
            if (digits == 0) throw s.fail(fracStart, "expected digits after '.' in the time");
            for (int d = digits; d < 9; d++) nanos *= 10;
        }
        LocalTime time;
        try {
            time = LocalTime.of(hour, minute, second, nanos);
        } catch (DateTimeException e) {
            throw s.fail(start, "bad time of day " + s.line.substring(start, s.i) + ": " + e.getMessage());
        }
        long t = inferYear(month, day, time);
        if (t == Times.NONE) {
            throw s.fail(start, "no year near now has the date " + s.line.substring(start, start + 3) + " " + day);
        }
        return t;
    }

    private long inferYear(int month, int day, LocalTime time) {
        long now = clock.millis();
        int year = ZonedDateTime.ofInstant(clock.instant(), zone).getYear();
        long tolerance = FUTURE_TOLERANCE.toMillis();
        long best = Times.NONE;
        long bestDistance = Long.MAX_VALUE;
        for (int y = year + 1; y >= year - 1; y--) {
            long t;
            try {
                t = ZonedDateTime.of(LocalDate.of(y, month, day), time, zone).toInstant().toEpochMilli();
            } catch (DateTimeException e) {
                continue; // Feb 29 in a common year, Nov 31
            }
            if (t - now > tolerance) continue;
            long distance = Math.abs(t - now);
            if (distance < bestDistance) {
                best = t;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static boolean isTag(String line, int start, int end) {
        if (end - start < 2) return false;
        char last = line.charAt(end - 1);
        if (last == ':') return true;
        return last == ']' && line.indexOf('[', start) > start && line.indexOf('[', start) < end;
    }

    private static int month(String s, int i) {
        char a = Character.toLowerCase(s.charAt(i));
        char b = Character.toLowerCase(s.charAt(i + 1));
        char c = Character.toLowerCase(s.charAt(i + 2));
        return switch (a) {
            case 'j' -> b == 'a' && c == 'n' ? 1 : b == 'u' && c == 'n' ? 6 : b == 'u' && c == 'l' ? 7 : 0;
            case 'f' -> b == 'e' && c == 'b' ? 2 : 0;
            case 'm' -> b == 'a' && c == 'r' ? 3 : b == 'a' && c == 'y' ? 5 : 0;
            case 'a' -> b == 'p' && c == 'r' ? 4 : b == 'u' && c == 'g' ? 8 : 0;
            case 's' -> b == 'e' && c == 'p' ? 9 : 0;
            case 'o' -> b == 'c' && c == 't' ? 10 : 0;
            case 'n' -> b == 'o' && c == 'v' ? 11 : 0;
            case 'd' -> b == 'e' && c == 'c' ? 12 : 0;
            default -> 0;
        };
    }

    // ------------------------------------------------------------------------------------ RFC 5424

    private Message rfc5424(Scan s, int facility, int severity) {
        int version = s.number(1, 3, "the version");
        s.expect(' ', "a space after the version");
        int tsStart = s.i;
        String ts = s.field("the timestamp");
        long time = Times.NONE;
        if (!ts.equals("-")) {
            time = Times.iso(ts, zone);
            if (time == Times.NONE) throw s.fail(tsStart, "bad RFC 3339 timestamp '" + ts + "'");
        }
        String host = nil(s.field("the hostname"));
        String app = nil(s.field("the app name"));
        String procId = nil(s.field("the process id"));
        String msgId = nil(s.fieldLast("the message id"));
        ObjectNode sd = null;
        if (s.atEnd()) throw s.fail(s.i, "line ends after the message id, expected structured data ('-' or '[')");
        s.expect(' ', "a space after the message id");
        char c = s.peek();
        if (c == '-') {
            s.i++;
        } else if (c == '[') {
            sd = structuredData(s);
        } else {
            throw s.fail(s.i, "expected structured data ('-' or '[')");
        }
        String text = "";
        if (!s.atEnd()) {
            s.expect(' ', "a space before the message");
            text = s.line.substring(s.i, s.end);
            if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        }
        return new Message(Format.RFC5424, facility, severity, time, host, app, procId, msgId, version, sd, text);
    }

    /** {@code [id name="value" ...][id2 ...]}; values unescape {@code \"}, {@code \\} and {@code \]}. */
    private static ObjectNode structuredData(Scan s) {
        ObjectNode sd = JsonNodeFactory.instance.objectNode();
        while (s.peek() == '[') {
            s.i++;
            int idStart = s.i;
            while (s.i < s.end && s.line.charAt(s.i) != ' ' && s.line.charAt(s.i) != ']') s.i++;
            if (s.i == idStart) throw s.fail(idStart, "expected a structured data id after '['");
            String id = s.line.substring(idStart, s.i);
            ObjectNode params = sd.get(id) instanceof ObjectNode existing ? existing : sd.putObject(id);
            while (s.peek() == ' ') {
                s.i++;
                int nameStart = s.i;
                while (s.i < s.end && s.line.charAt(s.i) != '=' && s.line.charAt(s.i) != ' ' && s.line.charAt(s.i) != ']') s.i++;
                if (s.i == nameStart) throw s.fail(nameStart, "expected a parameter name in structured data '" + id + "'");
                String name = s.line.substring(nameStart, s.i);
                s.expect('=', "'=' after parameter '" + name + "'");
                s.expect('"', "'\"' opening the value of '" + name + "'");
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (s.i >= s.end) throw s.fail(s.i, "unterminated value of '" + name + "' in structured data '" + id + "'");
                    char ch = s.line.charAt(s.i++);
                    if (ch == '"') break;
                    if (ch == '\\' && s.i < s.end) {
                        char next = s.line.charAt(s.i);
                        if (next == '"' || next == '\\' || next == ']') {
                            value.append(next);
                            s.i++;
                            continue;
                        }
                    }
                    value.append(ch);
                }
                params.put(name, value.toString());
            }
            s.expect(']', "']' closing structured data '" + id + "'");
        }
        return sd;
    }

    private static String nil(String field) {
        return field.equals("-") ? "" : field;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private static boolean isLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

    /** A position in one line, with errors that say where. */
    private static final class Scan {
        final String line;
        final int end;
        int i;

        Scan(String line, int end) {
            this.line = line;
            this.end = end;
        }

        char peek() { return i < end ? line.charAt(i) : '\0'; }

        boolean atEnd() { return i >= end; }

        int pri() {
            int start = i++;
            int value = 0;
            int digits = 0;
            while (i < end && isDigit(line.charAt(i)) && digits < 3) {
                value = value * 10 + (line.charAt(i++) - '0');
                digits++;
            }
            if (digits == 0 || peek() != '>') throw fail(start, "bad PRI: expected '<' 1 to 3 digits '>'");
            if (value > MAX_PRI) throw fail(start, "bad PRI " + value + ": at most " + MAX_PRI);
            i++;
            return value;
        }

        /** RFC 5424's VERSION: 1 to 3 digits, a space, then a timestamp or '-'. */
        boolean isVersion() {
            int j = i;
            while (j < end && j - i < 3 && isDigit(line.charAt(j))) j++;
            if (j == i || j + 1 >= end || line.charAt(j) != ' ') return false;
            char next = line.charAt(j + 1);
            return next == '-' || isDigit(next);
        }

        int number(int minDigits, int maxDigits, String what) {
            int start = i;
            int value = 0;
            while (i < end && i - start < maxDigits && isDigit(line.charAt(i))) value = value * 10 + (line.charAt(i++) - '0');
            if (i - start < minDigits) throw fail(start, "expected " + what);
            return value;
        }

        void expect(char c, String what) {
            if (peek() != c) throw fail(i, "expected " + what);
            i++;
        }

        int tokenEnd() {
            int j = line.indexOf(' ', i);
            return j < 0 || j > end ? end : j;
        }

        String token() {
            int e = tokenEnd();
            String t = line.substring(i, e);
            i = e;
            return t;
        }

        /** A 5424 header field followed by a space. */
        String field(String what) {
            String f = fieldLast(what);
            if (atEnd()) throw fail(i, "line ends after " + what);
            i++;
            return f;
        }

        String fieldLast(String what) {
            int start = i;
            String f = token();
            if (f.isEmpty()) throw fail(start, "expected " + what + " (or '-')");
            return f;
        }

        NormalizeException fail(int at, String why) {
            String kind = "not a syslog line";
            return new NormalizeException(kind + ": " + why + " at column " + (at + 1) + ": " + NormalizeException.quote(line));
        }
    }
}
