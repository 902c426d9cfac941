package dev.vigil.server.store;

import java.util.Objects;

/**
 * The part of a {@link dev.vigil.detect.suppression.Suppression} that people write; the store adds
 * the id, creator, times and the suppressed count. The query is stored as given: the caller
 * checks that it parses.
 *
 * @param name        short label, required
 * @param description why the matches are known-good; may be null
 * @param ruleId      the rule it applies to; null for every rule
 * @param query       the events it suppresses, in search syntax
 * @param expiresAt   epoch ms after which it stops applying; null for never
 * @param enabled     whether it applies at all
 */
public record SuppressionSpec(String name, String description, String ruleId, String query, Long expiresAt,
                              boolean enabled) {

    public SuppressionSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("suppression name is required");
        Objects.requireNonNull(query, "suppression query");
    }
}
