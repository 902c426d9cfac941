package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;

/**
 * Timestamps as logs write them, to epoch milliseconds: ISO-8601 with or without a zone (a
 * missing zone is the configured one), with {@code T} or a space between date and time, and
 * epoch numbers in seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude.
 * Values outside {@link #MIN_PLAUSIBLE_MILLIS}..{@link #MAX_PLAUSIBLE_MILLIS} are not taken for
 * times: a {@code "time": 0.25} is a duration, not 1970.
 */
final class Times {

    /** Returned when a value is not a time. */
    static final long NONE = Long.MIN_VALUE;
    /** 2000-01-01T00:00:00Z: earlier values are not event times. */
    static final long MIN_PLAUSIBLE_MILLIS = 946_684_800_000L;
    /** 3000-01-01T00:00:00Z. */
    static final long MAX_PLAUSIBLE_MILLIS = 32_503_680_000_000L;

    /** Below this an epoch number is seconds (up to year 5138), then milliseconds, microseconds, nanoseconds. */
    private static final double SECONDS_BELOW = 1e11;
    private static final double MILLIS_BELOW = 1e14;
    private static final double MICROS_BELOW = 1e17;

    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private Times() {}

    /** A JSON value as a time, or {@link #NONE}. */
    static long of(JsonNode v, ZoneId zone) {
        if (v == null || v.isNull() || v.isContainerNode()) return NONE;
        if (v.isIntegralNumber()) return plausible(epochLong(v.asLong()));
        if (v.isNumber()) return plausible(epochDouble(v.asDouble()));
        return of(v.asText(), zone);
    }

    /** A text as a time, or {@link #NONE}. */
    static long of(String s, ZoneId zone) {
        s = s.trim();
        if (s.isEmpty()) return NONE;
        if (isNumeric(s)) {
            try {
                return plausible(s.indexOf('.') < 0 ? epochLong(Long.parseLong(s)) : epochDouble(Double.parseDouble(s)));
            } catch (NumberFormatException e) {
                return NONE;
            }
        }
        return plausible(iso(s, zone));
    }

    /** An ISO-8601 date-time, or {@link #NONE}. No plausibility check: syslog timestamps are taken as written. */
    static long iso(String s, ZoneId zone) {
        if (s.length() < 16 || !Character.isDigit(s.charAt(0))) return NONE;
        try {
            TemporalAccessor t = ISO.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            if (t instanceof OffsetDateTime o) return o.toInstant().toEpochMilli();
            return ((LocalDateTime) t).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            return NONE;
        }
    }

    private static long epochLong(long v) {
        long a = Math.abs(v);
        if (a < SECONDS_BELOW) return v * 1000;
        if (a < MILLIS_BELOW) return v;
        if (a < MICROS_BELOW) return Math.floorDiv(v, 1000);
        return Math.floorDiv(v, 1_000_000);
    }

    private static long epochDouble(double v) {
        double a = Math.abs(v);
        if (Double.isNaN(v) || Double.isInfinite(v)) return NONE;
        if (a < SECONDS_BELOW) return Math.round(v * 1000);
        if (a < MILLIS_BELOW) return Math.round(v);
        if (a < MICROS_BELOW) return Math.round(v / 1000);
        return Math.round(v / 1_000_000);
    }

    private static long plausible(long millis) {
        return millis >= MIN_PLAUSIBLE_MILLIS && millis < MAX_PLAUSIBLE_MILLIS ? millis : NONE;
    }

    private static boolean isNumeric(String s) {
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (++dots > 1) return false;
            } else if (c < '0' || c > '9') {
                if (!(i == 0 && c == '-')) return false;
            }
        }
        return true;
    }
}
