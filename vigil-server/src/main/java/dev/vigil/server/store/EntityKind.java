package dev.vigil.server.store;

import dev.vigil.detect.signal.Entities;

import java.util.List;
import java.util.Locale;

/** The kinds of entity a signal involves, by the names the API and the {@code signal_entities} table use. */
public enum EntityKind {
    HOST, CONTAINER, IMAGE, SERVICE, USER, IP, BINARY;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** The kind named {@code s}; {@code null} when there is none. */
    public static EntityKind parse(String s) {
        if (s == null) return null;
        for (EntityKind k : values()) if (k.id().equals(s.trim().toLowerCase(Locale.ROOT))) return k;
        return null;
    }

    List<String> valuesIn(Entities e) {
        return switch (this) {
            case HOST -> e.hosts();
            case CONTAINER -> e.containers();
            case IMAGE -> e.images();
            case SERVICE -> e.services();
            case USER -> e.users();
            case IP -> e.ips();
            case BINARY -> e.binaries();
        };
    }
}
