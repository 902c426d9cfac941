package dev.vigil.detect.signal;

import java.util.Locale;

/** Where a signal is in triage. */
public enum SignalStatus {
    OPEN, UNDER_REVIEW, ARCHIVED;

    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }

    public static SignalStatus parse(String s) {
        if (s == null) return null;
        for (SignalStatus v : values()) if (v.id().equals(s.trim().toLowerCase(Locale.ROOT).replace('-', '_'))) return v;
        return null;
    }
}
