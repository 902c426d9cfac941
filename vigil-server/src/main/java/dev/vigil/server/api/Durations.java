package dev.vigil.server.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the API takes them: 30s, 15m, 24h, 7d. */
final class Durations {
    private static final Pattern P = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private Durations() {}

    static Duration parse(String s) {
        Matcher m = P.matcher(s.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a duration: " + s);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
