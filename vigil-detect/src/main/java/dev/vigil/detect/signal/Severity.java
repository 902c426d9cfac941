package dev.vigil.detect.signal;

import java.util.Locale;

/** A signal's severity, as Datadog's detection rules name them; ordered from least to most urgent. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** Parses a severity by its id; {@code null} when unknown. */
    public static Severity parse(String s) {
        if (s == null) return null;
        for (Severity v : values()) if (v.id().equals(s.trim().toLowerCase(Locale.ROOT))) return v;
        return null;
    }
}
