package dev.vigil.detect.signal;

import java.util.Locale;

/** Why a signal was archived. */
public enum ArchiveReason {
    FALSE_POSITIVE, BENIGN_TRUE_POSITIVE, TRUE_POSITIVE, TESTING, OTHER;

    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() { return id; }

    public static ArchiveReason parse(String s) {
        if (s == null) return null;
        for (ArchiveReason v : values()) if (v.id().equals(s.trim().toLowerCase(Locale.ROOT).replace('-', '_'))) return v;
        return null;
    }
}
