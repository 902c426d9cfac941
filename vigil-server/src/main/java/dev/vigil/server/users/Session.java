package dev.vigil.server.users;

/**
 * A logged-in browser. {@code csrfToken} must come back with every state-changing request of
 * this session (a form field or the {@code X-CSRF-Token} header).
 */
public record Session(User user, String csrfToken, long createdAt, long expiresAt) {}
