package dev.vigil.detect.suppression;

/**
 * Matches that should not raise or grow signals: those of {@code ruleId} (every rule when null)
 * whose event matches {@code query} (search syntax, e.g. {@code @host.tags:env:ci}), until
 * {@code expiresAt} (epoch ms; null = never). Suppressed matches are counted, not lost.
 */
public record Suppression(String id, String name, String description, String ruleId, String query, Long expiresAt,
                          boolean enabled, String createdBy, long createdAt, long suppressedCount) {

    public boolean activeAt(long epochMillis) {
        return enabled && (expiresAt == null || epochMillis < expiresAt);
    }
}
