package dev.vigil.secl.policy;

import java.util.Locale;

/** How urgent a rule's alert is. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** Parses a severity as written in policies; {@code null} when unknown. */
    public static Severity parse(String s) {
        for (Severity v : values()) {
            if (v.id().equals(s.trim().toLowerCase(Locale.ROOT))) return v;
        }
        return null;
    }
}
