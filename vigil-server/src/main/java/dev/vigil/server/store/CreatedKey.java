package dev.vigil.server.store;

/**
 * A key just created: the only time its plaintext exists outside the caller's hands. Show it once;
 * the store keeps only its hash. {@link #toString()} leaves the plaintext out so logs never hold it.
 */
public record CreatedKey(String plaintext, ApiKey key) {

    @Override
    public String toString() {
        return "CreatedKey[" + key + "]";
    }
}
