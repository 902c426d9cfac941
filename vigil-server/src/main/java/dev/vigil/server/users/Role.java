package dev.vigil.server.users;

import java.util.Locale;

/**
 * What a console user may do. Each role can do everything the one below it can.
 */
public enum Role {
    /** Sees everything, changes nothing. */
    READ_ONLY,
    /** Triage: signal status, assignee, comments, suppressions. */
    RESPONDER,
    /** Also rules, users and API keys. */
    ADMIN;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public boolean allows(Role needed) { return compareTo(needed) >= 0; }

    /** @throws IllegalArgumentException naming the roles there are */
    public static Role parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Role r : values()) if (r.id().equals(v)) return r;
        throw new IllegalArgumentException("unknown role '" + s + "': use admin, responder or read_only");
    }
}
