package dev.vigil.secl.policy;

/**
 * Something wrong (or worth saying) about a policy: where ({@code source:line:column}), which rule
 * or macro, what, and how to fix it. Errors skip the rule or macro they concern; the rest of the
 * policy still loads.
 *
 * @param code a stable identifier, e.g. {@code unknown-field}, {@code syntax}, {@code unknown-key}
 */
public record Problem(Level level, String code, String source, int line, int column, String id, String message) {

    public enum Level { ERROR, WARNING, INFO }

    @Override
    public String toString() {
        return source + ":" + line + ":" + column + ": " + level.name().toLowerCase() + " [" + code + "]"
                + (id == null || id.isEmpty() ? "" : " " + id + ":") + " " + message;
    }
}
