package dev.vigil.detect.rule;

import java.util.Locale;

/** How a detection rule turns matching events into signals. */
public enum Method {
    /** Every matching event raises or joins its group's signal (agent alerts, single critical events). */
    MATCH("match"),
    /** A case condition over per-group counts or distinct counts in the evaluation window. */
    THRESHOLD("threshold"),
    /** The first time a value is seen for a group, once the learning period is over. */
    NEW_VALUE("new_value"),
    /** Ordered steps, each a condition over query counts, each within its window of the previous. */
    SEQUENCE("sequence"),
    /** A bucket's count far above the group's own rolling baseline. */
    ANOMALY("anomaly");

    private final String id;

    Method(String id) { this.id = id; }

    public String id() { return id; }

    /** Parses a method id; Datadog's names ({@code sequence_detection}, {@code anomaly_detection}) are accepted too. */
    public static Method parse(String s) {
        if (s == null) return null;
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "match" -> MATCH;
            case "threshold" -> THRESHOLD;
            case "new_value", "new_term", "new_terms" -> NEW_VALUE;
            case "sequence", "sequence_detection" -> SEQUENCE;
            case "anomaly", "anomaly_detection" -> ANOMALY;
            default -> null;
        };
    }
}
