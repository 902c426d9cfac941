package dev.vigil.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses durations given as ISO-8601 ({@code PT30S}) or shorthand ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}). */
final class Durations {
    private Durations() {}

    static Duration parse(String text) {
        String s = text.trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s);
            }
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (IllegalArgumentException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Main()),
                    "invalid duration '" + text + "': use 30s, 5m, 2h, 1d, 500ms or ISO-8601 like PT30S");
        }
    }
}
