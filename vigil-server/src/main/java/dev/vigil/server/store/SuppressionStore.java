package dev.vigil.server.store;

import dev.vigil.detect.suppression.Suppression;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Suppressions of known-good matches, and how many matches each has suppressed. */
public final class SuppressionStore {

    private static final String COLUMNS = "id, name, description, rule_id, query, expires_at, enabled, created_by, "
            + "created_at, suppressed_count";

    private static final RowMapper<Suppression> ROW = (rs, ctx) -> new Suppression(rs.getString("id"),
            rs.getString("name"), rs.getString("description"), rs.getString("rule_id"), rs.getString("query"),
            rs.getObject("expires_at") == null ? null : rs.getLong("expires_at"), rs.getBoolean("enabled"),
            rs.getString("created_by"), rs.getLong("created_at"), rs.getLong("suppressed_count"));

    private final Database db;

    SuppressionStore(Database db) {
        this.db = db;
    }

    /** Stores a new suppression with a fresh id ({@code sup-...}) and a zero count. */
    public Suppression create(SuppressionSpec spec, String actor) {
        if (actor == null || actor.isBlank()) throw new IllegalArgumentException("actor is required");
        String id = Ids.random("sup-");
        return db.write(h -> {
            long now = db.now();
            h.createUpdate("INSERT INTO suppressions (" + COLUMNS + ", updated_at) VALUES (:id, :name, :description, "
                            + ":ruleId, :query, :expiresAt, :enabled, :actor, :now, 0, :now)")
                    .bind("id", id).bind("name", spec.name()).bind("description", spec.description())
                    .bind("ruleId", spec.ruleId()).bind("query", spec.query()).bind("expiresAt", spec.expiresAt())
                    .bind("enabled", spec.enabled()).bind("actor", actor).bind("now", now).execute();
            return h.createQuery("SELECT " + COLUMNS + " FROM suppressions WHERE id = :id").bind("id", id).map(ROW).one();
        });
    }

    /**
     * Replaces the people-written part of a suppression; its id, creator and count stay.
     *
     * @throws NotFoundException if there is no such suppression
     */
    public Suppression update(String id, SuppressionSpec spec) {
        return db.write(h -> {
            int n = h.createUpdate("UPDATE suppressions SET name = :name, description = :description, rule_id = :ruleId, "
                            + "query = :query, expires_at = :expiresAt, enabled = :enabled, updated_at = :now WHERE id = :id")
                    .bind("id", id).bind("name", spec.name()).bind("description", spec.description())
                    .bind("ruleId", spec.ruleId()).bind("query", spec.query()).bind("expiresAt", spec.expiresAt())
                    .bind("enabled", spec.enabled()).bind("now", db.now()).execute();
            if (n == 0) throw new NotFoundException("suppression", id);
            return h.createQuery("SELECT " + COLUMNS + " FROM suppressions WHERE id = :id").bind("id", id).map(ROW).one();
        });
    }

    /** @return whether there was such a suppression */
    public boolean delete(String id) {
        return db.write(h -> h.createUpdate("DELETE FROM suppressions WHERE id = :id").bind("id", id).execute() > 0);
    }

    public Optional<Suppression> get(String id) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM suppressions WHERE id = :id")
                .bind("id", id).map(ROW).findOne());
    }

    /** Every suppression, oldest first. */
    public List<Suppression> list() {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM suppressions ORDER BY created_at, id")
                .map(ROW).list());
    }

    /**
     * Adds matches suppressed since the last call, by suppression id, in one transaction; ids of
     * suppressions deleted meanwhile are ignored.
     */
    public void addSuppressedCounts(Map<String, Long> countsById) {
        if (countsById.isEmpty()) return;
        db.write(h -> {
            PreparedBatch b = h.prepareBatch(
                    "UPDATE suppressions SET suppressed_count = suppressed_count + :n WHERE id = :id");
            countsById.forEach((id, n) -> {
                if (n != null && n != 0) b.bind("id", id).bind("n", n).add();
            });
            if (b.size() > 0) b.execute();
            return null;
        });
    }
}
