package dev.vigil.detect.normalize;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;

/**
 * Log statuses: the syslog severities by name plus {@code ok}, in the forms Vigil stores
 * ({@code emerg alert critical error warn notice info debug ok}). Whatever a source writes
 * ({@code WARNING}, {@code err}, {@code Fatal}, 3, pino's 40) is mapped onto them the way
 * Datadog's status remapper does: known words first, then by first letter, else {@code info}.
 */
final class Status {

    static final String EMERG = "emerg";
    static final String INFO = "info";

    /** By syslog severity number. */
    private static final String[] BY_SEVERITY = {"emerg", "alert", "critical", "error", "warn", "notice", "info", "debug"};

    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("emerg", "emerg"), Map.entry("emergency", "emerg"), Map.entry("panic", "emerg"),
            Map.entry("fatal", "emerg"), Map.entry("alert", "alert"), Map.entry("crit", "critical"),
            Map.entry("critical", "critical"), Map.entry("err", "error"), Map.entry("error", "error"),
            Map.entry("severe", "error"), Map.entry("warn", "warn"), Map.entry("warning", "warn"),
            Map.entry("notice", "notice"), Map.entry("info", "info"), Map.entry("information", "info"),
            Map.entry("informational", "info"), Map.entry("debug", "debug"), Map.entry("trace", "debug"),
            Map.entry("verbose", "debug"), Map.entry("fine", "debug"), Map.entry("finer", "debug"),
            Map.entry("finest", "debug"), Map.entry("config", "info"), Map.entry("ok", "ok"),
            Map.entry("success", "ok"));

    private Status() {}

    /** The status of a syslog severity (0..7); {@code info} out of range. */
    static String ofSeverity(int severity) {
        return severity >= 0 && severity < BY_SEVERITY.length ? BY_SEVERITY[severity] : INFO;
    }

    /**
     * Normalises a status value: numbers 0..7 are syslog severities, 10..60 in tens are
     * pino/bunyan levels (10 trace ... 60 fatal); words as in the class comment.
     * {@code null} when the node is absent or not a scalar.
     */
    static String of(JsonNode v) {
        if (v == null || v.isNull() || v.isContainerNode()) return null;
        if (v.isNumber()) return ofNumber(v.asLong());
        return of(v.asText());
    }

    static String of(String s) {
        String w = s.trim().toLowerCase(Locale.ROOT);
        if (w.isEmpty()) return INFO;
        String known = WORDS.get(w);
        if (known != null) return known;
        if (Character.isDigit(w.charAt(0))) {
            try {
                return ofNumber(Long.parseLong(w));
            } catch (NumberFormatException e) {
                return INFO;
            }
        }
        if (w.startsWith("emerg") || w.startsWith("f")) return "emerg";
        if (w.startsWith("a")) return "alert";
        if (w.startsWith("c")) return "critical";
        if (w.startsWith("e")) return "error";
        if (w.startsWith("w")) return "warn";
        if (w.startsWith("n")) return "notice";
        if (w.startsWith("i")) return "info";
        if (w.startsWith("d") || w.startsWith("t") || w.startsWith("v")) return "debug";
        if (w.startsWith("o") || w.startsWith("s")) return "ok";
        return INFO;
    }

    private static String ofNumber(long n) {
        if (n >= 0 && n <= 7) return BY_SEVERITY[(int) n];
        return switch ((int) Math.min(n, Integer.MAX_VALUE)) {
            case 10 -> "debug";
            case 20 -> "debug";
            case 30 -> "info";
            case 40 -> "warn";
            case 50 -> "error";
            case 60 -> "emerg";
            default -> INFO;
        };
    }
}
