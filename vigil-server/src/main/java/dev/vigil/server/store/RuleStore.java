package dev.vigil.server.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Detection rules as code: the source text of each rule with a version that counts its changes,
 * so a deploy can tell what changed and the engine can reload only that. The caller parses and
 * lints the source; the store keeps it verbatim.
 */
public final class RuleStore {

    private static final String COLUMNS = "id, name, format, source, enabled, version, updated_at, updated_by";

    private static final RowMapper<StoredRule> ROW = (rs, ctx) -> new StoredRule(rs.getString("id"), rs.getString("name"),
            RuleFormat.parse(rs.getString("format")), rs.getString("source"), rs.getBoolean("enabled"),
            rs.getLong("version"), rs.getLong("updated_at"), rs.getString("updated_by"));

    private final Database db;

    RuleStore(Database db) {
        this.db = db;
    }

    /** Every rule, by id. */
    public List<StoredRule> list() {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM detection_rules ORDER BY id").map(ROW).list());
    }

    public Optional<StoredRule> get(String id) {
        return db.read(h -> find(h, id));
    }

    /**
     * Creates a rule (enabled, version 1) or replaces its name, format and source (version + 1,
     * enabled as it was). Putting the text already stored changes nothing, so deploying a whole
     * repository of rules bumps only the versions of the rules that changed.
     *
     * @return the rule as stored
     */
    public StoredRule put(String id, String name, RuleFormat format, String source, String actor) {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("rule id is required");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("rule `" + id + "` needs a name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(source, "source");
        requireActor(actor);
        return db.write(h -> {
            Optional<StoredRule> was = lock(h, id);
            long now = db.now();
            if (was.isEmpty()) {
                h.createUpdate("INSERT INTO detection_rules (" + COLUMNS + ") VALUES (:id, :name, :format, :source, "
                                + ":enabled, 1, :now, :actor)")
                        .bind("id", id).bind("name", name).bind("format", format.id()).bind("source", source)
                        .bind("enabled", true).bind("now", now).bind("actor", actor).execute();
            } else {
                StoredRule r = was.get();
                if (r.name().equals(name) && r.format() == format && r.source().equals(source)) return r;
                h.createUpdate("UPDATE detection_rules SET name = :name, format = :format, source = :source, "
                                + "version = version + 1, updated_at = :now, updated_by = :actor WHERE id = :id")
                        .bind("id", id).bind("name", name).bind("format", format.id()).bind("source", source)
                        .bind("now", now).bind("actor", actor).execute();
            }
            return find(h, id).orElseThrow();
        });
    }

    /**
     * Turns a rule on or off (version + 1 when that changes it).
     *
     * @throws NotFoundException if there is no such rule
     */
    public StoredRule setEnabled(String id, boolean enabled, String actor) {
        requireActor(actor);
        return db.write(h -> {
            StoredRule r = lock(h, id).orElseThrow(() -> new NotFoundException("rule", id));
            if (r.enabled() == enabled) return r;
            h.createUpdate("UPDATE detection_rules SET enabled = :enabled, version = version + 1, updated_at = :now, "
                            + "updated_by = :actor WHERE id = :id")
                    .bind("id", id).bind("enabled", enabled).bind("now", db.now()).bind("actor", actor).execute();
            return find(h, id).orElseThrow();
        });
    }

    /** @return whether there was such a rule */
    public boolean delete(String id) {
        return db.write(h -> h.createUpdate("DELETE FROM detection_rules WHERE id = :id").bind("id", id).execute() > 0);
    }

    private Optional<StoredRule> lock(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM detection_rules WHERE id = :id" + db.forUpdate())
                .bind("id", id).map(ROW).findOne();
    }

    private static Optional<StoredRule> find(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM detection_rules WHERE id = :id").bind("id", id).map(ROW).findOne();
    }

    private static void requireActor(String actor) {
        if (actor == null || actor.isBlank()) throw new IllegalArgumentException("actor is required");
    }
}
