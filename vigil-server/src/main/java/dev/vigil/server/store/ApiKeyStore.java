package dev.vigil.server.store;

import org.jdbi.v3.core.mapper.RowMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys: created with a random secret shown once, stored as a hash, verified by hash.
 *
 * <h2>Why a plain SHA-256</h2>
 * Password hashes (bcrypt, argon2) are slow on purpose because passwords are guessable: the
 * slowness is what protects a weak secret when the table leaks. These keys are
 * {@value #SECRET_BYTES} bytes from {@link java.security.SecureRandom}: 2^256 possibilities leave
 * nothing to guess, so a fast hash is as safe, and it lets {@link #verify} find the key with one
 * indexed lookup per request instead of a slow hash per request (or per stored key). Looking up by
 * hash also means no secret is ever compared in a way whose timing depends on it.
 */
public final class ApiKeyStore {

    /** What every key starts with, so a leaked key is recognisable (secret scanners, log filters). */
    public static final String PREFIX = "vgl_";
    /** Random bytes per key. */
    public static final int SECRET_BYTES = 32;
    /** Chars of the key kept in clear to tell keys apart: the prefix and 8 of the random ones. */
    public static final int DISPLAY_PREFIX_CHARS = 12;
    /** {@link #touch} writes at most once per key per this many ms: a busy key costs no write per request. */
    public static final long TOUCH_GRANULARITY_MS = 60_000;

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** Base62 digits that hold 32 bytes: 62^43 > 2^256. */
    private static final int SECRET_CHARS = 43;
    private static final String COLUMNS = "id, name, display_prefix, created_at, created_by, last_used_at, revoked_at";
    private static final RowMapper<ApiKey> ROW = (rs, ctx) -> new ApiKey(rs.getString("id"), rs.getString("name"),
            rs.getString("display_prefix"), rs.getLong("created_at"), rs.getString("created_by"),
            rs.getObject("last_used_at") == null ? null : rs.getLong("last_used_at"),
            rs.getObject("revoked_at") == null ? null : rs.getLong("revoked_at"));

    private final Database db;
    /** Key id to the last time {@link #touch} wrote it, so repeated touches skip the database. */
    private final ConcurrentHashMap<String, Long> touched = new ConcurrentHashMap<>();

    ApiKeyStore(Database db) {
        this.db = db;
    }

    /** Creates a key: {@code vgl_} and {@value #SECRET_BYTES} random bytes in base62 (47 chars in all). */
    public CreatedKey create(String name, String actor) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("API key name is required");
        if (actor == null || actor.isBlank()) throw new IllegalArgumentException("actor is required");
        byte[] secret = new byte[SECRET_BYTES];
        Ids.RANDOM.nextBytes(secret);
        String plaintext = PREFIX + base62(secret);
        String id = Ids.random("key-");
        ApiKey key = db.write(h -> {
            h.createUpdate("INSERT INTO api_keys (id, name, display_prefix, key_hash, created_at, created_by) "
                            + "VALUES (:id, :name, :prefix, :hash, :now, :actor)")
                    .bind("id", id).bind("name", name).bind("prefix", plaintext.substring(0, DISPLAY_PREFIX_CHARS))
                    .bind("hash", sha256(plaintext)).bind("now", db.now()).bind("actor", actor).execute();
            return h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id").bind("id", id).map(ROW).one();
        });
        return new CreatedKey(plaintext, key);
    }

    /** The active key whose plaintext this is; empty for unknown, malformed or revoked keys. */
    public Optional<ApiKey> verify(String plaintext) {
        if (plaintext == null || plaintext.length() != PREFIX.length() + SECRET_CHARS || !plaintext.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hash = sha256(plaintext);
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL")
                .bind("hash", hash).map(ROW).findOne());
    }

    /** @return whether an active key was revoked (false if unknown or already revoked) */
    public boolean revoke(String id) {
        return db.write(h -> h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .bind("now", db.now()).bind("id", id).execute() > 0);
    }

    /** Every key, active and revoked, oldest first; no hashes. */
    public List<ApiKey> list() {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id").map(ROW).list());
    }

    /**
     * Records that the key was used at {@code epochMs}. Cheap enough for every request: within
     * {@value #TOUCH_GRANULARITY_MS} ms of the last write for the key it does not touch the database.
     */
    public void touch(String id, long epochMs) {
        Long last = touched.get(id);
        if (last != null && epochMs - last < TOUCH_GRANULARITY_MS && epochMs >= last) return;
        touched.put(id, epochMs);
        db.write(h -> h.createUpdate("UPDATE api_keys SET last_used_at = :t WHERE id = :id "
                        + "AND (last_used_at IS NULL OR last_used_at < :t)")
                .bind("t", epochMs).bind("id", id).execute());
    }

    static String sha256(String plaintext) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code bytes} as an unsigned number in base62, {@value #SECRET_CHARS} digits with leading zeros. */
    static String base62(byte[] bytes) {
        byte[] n = bytes.clone();
        char[] out = new char[SECRET_CHARS];
        for (int i = SECRET_CHARS - 1; i >= 0; i--) {
            int rem = 0;
            for (int j = 0; j < n.length; j++) { // long division of the big-endian number by 62
                int cur = (rem << 8) | (n[j] & 0xff);
                n[j] = (byte) (cur / 62);
                rem = cur % 62;
            }
            out[i] = BASE62.charAt(rem);
        }
        return new String(out);
    }
}
