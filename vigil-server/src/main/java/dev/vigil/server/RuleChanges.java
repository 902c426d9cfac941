package dev.vigil.server;

import dev.vigil.detect.rule.DetectionRule;
import dev.vigil.detect.rule.RuleException;
import dev.vigil.detect.rule.RuleLoader;
import dev.vigil.server.store.NotFoundException;
import dev.vigil.server.store.RuleFormat;
import dev.vigil.server.store.RuleStore;
import dev.vigil.server.store.StoredRule;

import java.io.IOException;

/**
 * Changes to the stored detection rules, each followed by a reload of detection: the one code
 * path for the REST API and the console, so both validate, store and reload alike. Built-in and
 * rule-directory rules are files (rules as code) and are not changed here; a stored rule with
 * their id overrides them.
 */
public final class RuleChanges {

    /** Re-reads rules into detection. */
    @FunctionalInterface
    public interface Reload {
        void reload() throws IOException;
    }

    /** The rule's id is not the one the change was meant for (a PUT URL's, an edited rule's). */
    public static final class IdMismatch extends IllegalArgumentException {
        public final String expected;
        public final String actual;

        IdMismatch(String expected, String actual) {
            super("the rule's id '" + actual + "' does not match '" + expected + "'");
            this.expected = expected;
            this.actual = actual;
        }
    }

    private final RuleStore store;
    private final Reload reload;

    public RuleChanges(RuleStore store, Reload reload) {
        this.store = store;
        this.reload = reload;
    }

    /**
     * Parses and validates a rule's text (YAML, or JSON when it starts with '{').
     *
     * @throws RuleException listing every problem with its field path and line:column
     */
    public static DetectionRule parse(String text) {
        return RuleLoader.parse(text, "request");
    }

    public static RuleFormat format(String text) {
        return text.stripLeading().startsWith("{") ? RuleFormat.JSON : RuleFormat.YAML;
    }

    /**
     * Validates {@code text}, stores it under its id (new: version 1, enabled; else version + 1,
     * enabled as it was) and reloads detection.
     *
     * @param expectedId the id the rule must have, or null for any
     * @throws RuleException if the rule is not valid (nothing is stored)
     * @throws IdMismatch    if its id is not {@code expectedId}
     */
    public StoredRule put(String expectedId, String text, String actor) throws IOException {
        DetectionRule r = parse(text);
        if (expectedId != null && !r.id().equals(expectedId)) throw new IdMismatch(expectedId, r.id());
        StoredRule stored = store.put(r.id(), r.name(), format(text), text, actor);
        reload.reload();
        return stored;
    }

    /**
     * Turns a stored rule on or off and reloads detection.
     *
     * @throws NotFoundException if no rule with this id is stored
     */
    public StoredRule setEnabled(String id, boolean on, String actor) throws IOException {
        StoredRule stored = store.setEnabled(id, on, actor);
        reload.reload();
        return stored;
    }

    /** Deletes a stored rule and reloads detection; false when there was none. */
    public boolean delete(String id) throws IOException {
        if (!store.delete(id)) return false;
        reload.reload();
        return true;
    }
}
