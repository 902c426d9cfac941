package dev.vigil.server.users;

/** A console account, without its password hash. Times are epoch milliseconds. */
public record User(String id, String username, Role role, long createdAt, String createdBy, Long lastLoginAt, Long disabledAt) {

    public boolean disabled() { return disabledAt != null; }
}
