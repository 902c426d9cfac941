package dev.vigil.server.users;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}),
 * so the parameters travel with each hash and can be raised later without breaking old ones.
 * The defaults are OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): about 30 ms here.
 */
public final class PasswordHasher {

    public static final int MEMORY_KIB = 19_456, ITERATIONS = 2, PARALLELISM = 1;
    private static final int SALT_BYTES = 16, HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int memoryKib, iterations, parallelism;

    public PasswordHasher() {
        this(MEMORY_KIB, ITERATIONS, PARALLELISM);
    }

    /** Other costs, for tests that hash many passwords. */
    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] h = argon2(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(h);
    }

    /** Whether {@code password} is the one {@code phc} was made from; false for a malformed hash. */
    public boolean verify(String password, String phc) {
        String[] p = phc == null ? new String[0] : phc.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (p.length != 6 || !p[1].equals("argon2id") || !p[2].equals("v=19")) return false;
        try {
            int m = 0, t = 0, par = 0;
            for (String kv : p[3].split(",")) {
                int v = Integer.parseInt(kv.substring(2));
                switch (kv.substring(0, 2)) {
                    case "m=" -> m = v;
                    case "t=" -> t = v;
                    case "p=" -> par = v;
                    default -> { return false; }
                }
            }
            byte[] expected = B64D.decode(p[5]);
            byte[] actual = argon2(password, B64D.decode(p[4]), m, t, par, expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Whether {@code phc} was made with weaker parameters than this hasher's (re-hash at next login). */
    public boolean needsRehash(String phc) {
        return phc == null || !phc.startsWith("$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$");
    }

    private static byte[] argon2(String password, byte[] salt, int m, int t, int p, int len) {
        if (m < 8 || t < 1 || p < 1 || len < 16 || m > 4_194_304 || t > 100 || p > 64) {
            throw new IllegalArgumentException("argon2 parameters out of range");
        }
        var gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(m).withIterations(t).withParallelism(p).build());
        byte[] out = new byte[len];
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        gen.generateBytes(pw, out);
        Arrays.fill(pw, (byte) 0);
        return out;
    }
}
