package dev.vigil.server.store;

import java.util.Locale;

/** The text format a detection rule is written in. */
public enum RuleFormat {
    YAML, JSON;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** The format named {@code s} ({@code yaml}, {@code yml}, {@code json}); {@code null} when unknown. */
    public static RuleFormat parse(String s) {
        if (s == null) return null;
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "yaml", "yml" -> YAML;
            case "json" -> JSON;
            default -> null;
        };
    }
}
