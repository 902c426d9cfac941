package dev.vigil.server.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random ids for the things the store names itself (suppressions, API keys, the server). */
final class Ids {

    static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** {@code prefix} and 16 random hex digits: unguessable enough for ids, short enough for URLs. */
    static String random(String prefix) {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }
}
