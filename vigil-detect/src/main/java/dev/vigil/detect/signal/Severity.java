package dev.vigil.detect.signal;

import java.util.Locale;

/** A signal's severity, as Datadog's detection rules name them; ordered from least to most urgent. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    private static final Severity[] VALUES = values();
    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }

    /** Parses a severity by its id; {@code null} when unknown. */
    public static Severity parse(String s) {
        if (s == null) return null;
        switch (s) { // rules write the ids as they are: no trimming or case folding per detection
            case "info": return INFO;
            case "low": return LOW;
            case "medium": return MEDIUM;
            case "high": return HIGH;
            case "critical": return CRITICAL;
            default: break;
        }
        String t = s.trim();
        for (Severity v : VALUES) if (v.id.equalsIgnoreCase(t)) return v; // per detection: no copies
        return null;
    }
}
