package dev.vigil.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses durations given as ISO-8601 ({@code PT30S}) or shorthand ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; {@link dev.vigil.detect.rule.Durations}). */
final class Durations {
    private Durations() {}

    static Duration parse(String text) {
        String s = text.trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s);
            }
            Duration d = dev.vigil.detect.rule.Durations.parse(s);
            if (d == null) throw new IllegalArgumentException(s);
            return d;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Main()),
                    "invalid duration '" + text + "': use 30s, 5m, 2h, 1d, 500ms or ISO-8601 like PT30S");
        }
    }
}
