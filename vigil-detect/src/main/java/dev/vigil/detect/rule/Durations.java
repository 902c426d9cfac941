package dev.vigil.detect.rule;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as rules, the API and the CLI write them: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 7d}, {@code 2w}; a bare number is seconds (Datadog's rule form).
 */
public final class Durations {

    private static final Pattern SHORTHAND = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)?");

    private Durations() {}

    /** The duration, or null when {@code text} is not one. */
    public static Duration parse(String text) {
        Matcher m = SHORTHAND.matcher(text.trim());
        if (!m.matches()) return null;
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
