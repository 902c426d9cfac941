package dev.vigil.server.store;

/**
 * An API key as the store describes it to callers: never the key itself nor its hash.
 *
 * @param id            stable id ({@code key-...}), for revoking
 * @param name          what it is for
 * @param displayPrefix the first {@value ApiKeyStore#DISPLAY_PREFIX_CHARS} chars of the key, to tell keys apart
 * @param createdAt     epoch ms
 * @param createdBy     who created it
 * @param lastUsedAt    epoch ms of the last successful use, to within {@link ApiKeyStore#TOUCH_GRANULARITY_MS}; null if never
 * @param revokedAt     epoch ms of the revocation; null while active
 */
public record ApiKey(String id, String name, String displayPrefix, long createdAt, String createdBy, Long lastUsedAt,
                     Long revokedAt) {

    public boolean active() { return revokedAt == null; }
}
