package dev.vigil.server.store;

/**
 * A detection rule as code, as stored.
 *
 * @param id        the rule's id
 * @param name      its name
 * @param format    YAML or JSON
 * @param source    the text, exactly as given
 * @param enabled   whether detection runs it
 * @param version   1 when created, plus one for each change
 * @param updatedAt epoch ms of the last change
 * @param updatedBy who made it
 */
public record StoredRule(String id, String name, RuleFormat format, String source, boolean enabled, long version,
                         long updatedAt, String updatedBy) {
}
