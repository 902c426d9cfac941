package dev.vigil.server.store;

import dev.vigil.detect.signal.ArchiveReason;
import dev.vigil.detect.signal.Entities;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalChange;
import dev.vigil.detect.signal.SignalStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Signals, their entities and triage history, and the detection checkpoint.
 *
 * <h2>Who writes what</h2>
 * A signal has two owners. The detection engine owns the activity (title, message, severity, count,
 * last seen, tags, entities, samples, process tree, tactic, technique, triage advice) and writes it
 * only through {@link #applyEngineUpdates}; people own the triage (status, archive reason,
 * assignee) and write it only through {@link #changeStatus}, {@link #assign} and {@link #comment}.
 * Neither path writes the other's columns, so an engine update racing a person's triage loses
 * nothing, in either order. Every triage change writes a {@link SignalChange} in its transaction.
 *
 * <h2>Exactly-once detection</h2>
 * {@link #applyEngineUpdates} writes a batch of signals and the {@link DetectionCheckpoint} that
 * accounts for them in one transaction. After a crash detection resumes at the checkpoint (with
 * its state from a snapshot file and the event log before the checkpoint, see
 * {@code DetectionPipeline}); signal ids are stable, so a replayed update merges into the same
 * row rather than adding one.
 *
 * <h2>Search</h2>
 * Filters, sorts and facets run on indexed columns; entity filters and entity facets on the
 * {@code signal_entities} table (one row per signal, kind and value). Keyset paging
 * ({@link SignalPage#nextCursor()}) stays fast however deep; offsets are there for page numbers.
 */
public final class SignalStore {

    /** The actor of the history entries the detection engine writes. */
    public static final String ENGINE_ACTOR = "vigil";
    /** History {@code field}s. */
    public static final String CREATED = "created", STATUS = "status", ARCHIVE_REASON = "archive_reason",
            ASSIGNEE = "assignee", COMMENT = "comment";
    /** Facet names {@link #facets} accepts besides the entity kinds ({@link EntityKind#id()}). */
    public static final Set<String> FIELD_FACETS = Set.of("severity", "status", "rule", "tactic");
    /** Values returned per facet, most frequent first. */
    public static final int MAX_FACET_VALUES = 100;
    /** Longest comment accepted, in chars. */
    public static final int MAX_COMMENT_CHARS = 10_000;
    /** Signals deleted per transaction by retention, so a large purge does not hold the writer for long. */
    static final int PURGE_BATCH = 5_000;
    /** Ids per {@code IN (...)} list: well under both dialects' limits on parameters per statement. */
    static final int ID_CHUNK = 500;

    private static final String INSERT = """
            INSERT INTO signals (id, rule_id, rule_name, title, message, severity, status, archive_reason, assignee,
                group_by, match_count, first_seen, last_seen, created_at, updated_at, tactic, technique, tags, triage,
                entities, samples, process_tree, search_text)
            VALUES (:id, :ruleId, :ruleName, :title, :message, :severity, 'open', NULL, NULL,
                :groupBy, :count, :firstSeen, :lastSeen, :createdAt, :updatedAt, :tactic, :technique, :tags, :triage,
                :entities, :samples, :processTree, :searchText)""";

    // Engine-owned columns only: status, archive_reason and assignee are people's. updated_at never
    // goes back, so a triage change made after the engine's update stays the latest change.
    private static final String MERGE = """
            UPDATE signals SET rule_name = :ruleName, title = :title, message = :message, severity = :severity,
                match_count = :count, last_seen = :lastSeen,
                updated_at = CASE WHEN updated_at > :updatedAt THEN updated_at ELSE :updatedAt END,
                tactic = :tactic, technique = :technique, tags = :tags, triage = :triage, entities = :entities,
                samples = :samples, process_tree = :processTree, search_text = :searchText
            WHERE id = :id""";

    private static final String INSERT_HISTORY = "INSERT INTO signal_history (" + SignalRows.HISTORY_COLUMNS
            + ") VALUES (:signalId, :at, :actor, :field, :from, :to, :comment)";

    private final Database db;

    SignalStore(Database db) {
        this.db = db;
    }

    // ---- the detection engine's writes

    /**
     * Stores what the engine produced since the last checkpoint, and the checkpoint, in one
     * transaction: either all of it is stored or none of it is. A new signal is inserted as open,
     * unassigned, with a {@code created} history entry; a known one has its engine-owned fields
     * replaced by the update's and keeps its triage; its entity rows become the update's entities
     * (only the new values are written when they add to what this store last wrote for the signal,
     * as the engine's do), their {@code last_seen} following the signal's within
     * {@link #ENTITY_LAST_SEEN_STEP_MILLIS}. If {@code updates} holds a signal twice, the later one wins.
     *
     * @throws StoreException if the database refused any part; nothing was stored
     */
    public void applyEngineUpdates(List<Signal> updates, DetectionCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Map<String, Signal> byId = new LinkedHashMap<>();
        for (Signal s : updates) byId.put(Objects.requireNonNull(s.id(), "signal id"), s);
        db.write(h -> {
            long now = db.now();
            Set<String> known = existingIds(h, byId.keySet());
            PreparedBatch merge = h.prepareBatch(MERGE);
            PreparedBatch touchEntities = h.prepareBatch(
                    "UPDATE signal_entities SET last_seen = :lastSeen WHERE signal_id = :id AND last_seen < :stale");
            PreparedBatch dropEntities = h.prepareBatch("DELETE FROM signal_entities WHERE signal_id = :id");
            PreparedBatch insert = h.prepareBatch(INSERT);
            PreparedBatch created = h.prepareBatch(INSERT_HISTORY);
            PreparedBatch addEntities = h.prepareBatch(
                    "INSERT INTO signal_entities (signal_id, kind, value, last_seen) VALUES (:id, :kind, :value, :lastSeen)");
            for (Signal s : byId.values()) {
                long updatedAt = s.updatedAt() > 0 ? s.updatedAt() : now;
                boolean isKnown = known.contains(s.id());
                if (isKnown) {
                    SignalRows.bindActivity(merge, s).bind("updatedAt", updatedAt).add();
                    touchEntities.bind("id", s.id()).bind("lastSeen", s.lastSeen())
                            .bind("stale", s.lastSeen() - ENTITY_LAST_SEEN_STEP_MILLIS).add();
                } else {
                    long createdAt = s.createdAt() > 0 ? s.createdAt() : now;
                    SignalRows.bindActivity(insert, s)
                            .bind("ruleId", s.ruleId())
                            .bind("groupBy", Json.stringMap(s.groupBy()))
                            .bind("firstSeen", s.firstSeen())
                            .bind("createdAt", createdAt)
                            .bind("updatedAt", updatedAt)
                            .add();
                    bindChange(created, new SignalChange(s.id(), createdAt, ENGINE_ACTOR, CREATED, null,
                            SignalStatus.OPEN.id(), null)).add();
                }
                // the engine's entities of a signal only grow: when this store wrote the signal's previous set
                // (in this process) and the update holds all of it, only the new values get rows
                Entities before = isKnown ? writtenEntities(s.id()) : null;
                if (before != null && before == s.entities()) continue;
                Map<EntityKind, List<String>> added = before == null ? null : added(before, SignalRows.entities(s));
                if (isKnown && added == null) dropEntities.bind("id", s.id()).add();
                for (EntityKind k : EntityKind.values()) {
                    Collection<String> values = added != null ? added.get(k) : new LinkedHashSet<>(k.valuesIn(SignalRows.entities(s)));
                    for (String v : values) {
                        addEntities.bind("id", s.id()).bind("kind", k.id()).bind("value", v).bind("lastSeen", s.lastSeen()).add();
                    }
                }
            }
            for (PreparedBatch b : List.of(merge, touchEntities, dropEntities, insert, created, addEntities)) {
                if (b.size() > 0) b.execute();
            }
            storeCheckpoint(h, checkpoint, now);
            return null;
        });
        synchronized (written) {
            for (Signal s : byId.values()) if (s.entities() != null) written.put(s.id(), s.entities());
        }
    }

    /**
     * How far an entity row's {@code last_seen} may trail its signal's: a hot signal is stored at
     * every commit (up to 100 a second), and rewriting its 20-odd entity rows each time was most
     * of what a commit cost. Entity facets over a time range are then exact to this step.
     */
    static final long ENTITY_LAST_SEEN_STEP_MILLIS = 60_000;
    /**
     * Most signals whose last written entities {@link #written} remembers, the least recently
     * written going first: the hot ones, written at every commit, stay. Their entities are the
     * engine's own objects while the signals are open; a closed signal's are kept alive here until
     * they fall out (about 1 KB each, so at most some 20 MB). A signal that fell out gets its rows
     * replaced at its next update, as after a restart.
     */
    private static final int WRITTEN_MAX = 20_000;

    /** Per signal, the entities this store last wrote for it (by identity: the engine keeps the same object while they do not change). */
    private final Map<String, Entities> written = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Entities> eldest) { return size() > WRITTEN_MAX; }
    };

    /** Per kind, the values of {@code after} that {@code before} lacks; null when {@code before} has one {@code after} lacks. */
    private static Map<EntityKind, List<String>> added(Entities before, Entities after) {
        Map<EntityKind, List<String>> out = new EnumMap<>(EntityKind.class);
        for (EntityKind k : EntityKind.values()) {
            Set<String> now = new LinkedHashSet<>(k.valuesIn(after));
            List<String> was = k.valuesIn(before);
            if (!now.containsAll(was)) return null;
            was.forEach(now::remove);
            out.put(k, List.copyOf(now));
        }
        return out;
    }

    private Entities writtenEntities(String id) {
        synchronized (written) {
            return written.get(id);
        }
    }

    private static Set<String> existingIds(Handle h, Set<String> ids) {
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += ID_CHUNK) {
            SignalSql.Filter f = new SignalSql.Filter();
            String in = f.in(all.subList(from, Math.min(all.size(), from + ID_CHUNK)));
            found.addAll(h.createQuery("SELECT id FROM signals WHERE id IN " + in).bindMap(f.params)
                    .mapTo(String.class).list());
        }
        return found;
    }

    private static void storeCheckpoint(Handle h, DetectionCheckpoint c, long now) {
        h.createUpdate("""
                INSERT INTO detection_checkpoint (id, event_log_offset, rebuild_offset, updated_at)
                VALUES (1, :offset, :rebuild, :now)
                ON CONFLICT (id) DO UPDATE SET event_log_offset = excluded.event_log_offset,
                    rebuild_offset = excluded.rebuild_offset, updated_at = excluded.updated_at""")
                .bind("offset", c.eventLogOffset()).bind("rebuild", c.rebuildOffset()).bind("now", now).execute();
    }

    /** The last stored checkpoint; empty before the first {@link #applyEngineUpdates}. */
    public Optional<DetectionCheckpoint> checkpoint() {
        return db.read(h -> h.createQuery(
                        "SELECT event_log_offset, rebuild_offset FROM detection_checkpoint WHERE id = 1")
                .map((rs, ctx) -> new DetectionCheckpoint(rs.getLong(1), Math.min(rs.getLong(2), rs.getLong(1))))
                .findOne());
    }

    // ---- reads

    public Optional<Signal> get(String id) {
        return db.read(h -> find(h, id));
    }

    private static Optional<Signal> find(Handle h, String id) {
        return h.createQuery("SELECT " + SignalRows.COLUMNS + " FROM signals s WHERE s.id = :id")
                .bind("id", id).map(SignalRows.SIGNAL).findOne();
    }

    /** One page of the signals matching {@code q}, and how many match in all. */
    public SignalPage search(SignalQuery q) {
        return db.read(h -> {
            List<Signal> rows = page(h, q, SignalSql.filter(q, null));
            boolean more = rows.size() > q.limit();
            // a first page that holds every match is its own count; otherwise count them all
            long total = !more && q.cursor() == null && q.offset() == 0 ? rows.size() : count(h, SignalSql.filter(q, null));
            if (more) rows = rows.subList(0, q.limit());
            return new SignalPage(rows, total, more ? SignalSql.cursorAfter(q, rows.getLast()) : null);
        });
    }

    private static long count(Handle h, SignalSql.Filter f) {
        return h.createQuery("SELECT count(*) FROM signals s" + f.where()).bindMap(f.params).mapTo(Long.class).one();
    }

    /** The page rows of {@code q} plus one, which tells whether there are more. */
    private static List<Signal> page(Handle h, SignalQuery q, SignalSql.Filter f) {
        SignalSql.afterCursor(f, q);
        return h.createQuery("SELECT " + SignalRows.COLUMNS + " FROM signals s" + f.where() + SignalSql.orderBy(q)
                        + " LIMIT " + f.param(q.limit() + 1) + " OFFSET " + f.param(q.offset()))
                .bindMap(f.params).map(SignalRows.SIGNAL).list();
    }

    /**
     * Counts per value of each facet among the signals matching {@code q}, most frequent first, at
     * most {@value #MAX_FACET_VALUES} values per facet. A facet ignores the query's own filter on
     * it (the status facet counts every status of the signals the other filters match), so a
     * console can show the values one could add to a multi-select. Signals without a tactic are
     * not counted in {@code tactic}.
     *
     * @param facets names from {@link #FIELD_FACETS} and entity kinds ({@code host}, {@code image},
     *               {@code service}, {@code user}, {@code container}, {@code ip}, {@code binary})
     * @return facet name to value to count, in the order of the counts
     */
    public Map<String, Map<String, Long>> facets(SignalQuery q, Set<String> facets) {
        for (String name : facets) {
            if (!FIELD_FACETS.contains(name) && EntityKind.parse(name) == null) {
                throw new IllegalArgumentException("unknown facet `" + name + "` (facets: severity, status, rule, tactic, "
                        + Arrays.stream(EntityKind.values()).map(EntityKind::id).collect(Collectors.joining(", ")) + ")");
            }
        }
        return db.read(h -> {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            for (String name : facets.stream().sorted().toList()) {
                boolean byTime = EntityKind.parse(name) != null && onlyLastSeen(q, name);
                SignalSql.Filter f = byTime ? SignalSql.entityTimeFilter(q, name) : SignalSql.filter(q, name);
                String sql = byTime ? "SELECT e.value AS v, count(*) AS n FROM signal_entities e" + f.where() + " GROUP BY e.value" : switch (name) {
                    case "severity" -> "SELECT s.severity AS v, count(*) AS n FROM signals s" + f.where() + " GROUP BY s.severity";
                    case "status" -> "SELECT s.status AS v, count(*) AS n FROM signals s" + f.where() + " GROUP BY s.status";
                    case "rule" -> "SELECT s.rule_id AS v, count(*) AS n FROM signals s" + f.where() + " GROUP BY s.rule_id";
                    case "tactic" -> "SELECT s.tactic AS v, count(*) AS n FROM signals s"
                            + f.and("s.tactic <> ''").where() + " GROUP BY s.tactic";
                    // Entities unfiltered or filtered on last activity only (the console's time ranges,
                    // byTime above): the (kind, value, last_seen) index alone answers, entity rows carrying
                    // their signal's last_seen. Otherwise: CROSS JOIN makes SQLite start from the filtered
                    // signals rather than every entity of the kind (without statistics it cannot tell which
                    // is smaller); PostgreSQL plans it as the inner join it is.
                    default -> "SELECT e.value AS v, count(*) AS n FROM signals s CROSS JOIN signal_entities e"
                            + f.and("e.signal_id = s.id").and("e.kind = " + f.param(name)).where() + " GROUP BY e.value";
                };
                Map<String, Long> counts = new LinkedHashMap<>();
                h.createQuery(sql + " ORDER BY n DESC, v LIMIT " + MAX_FACET_VALUES).bindMap(f.params)
                        .map((rs, ctx) -> Map.entry(rs.getString("v"), rs.getLong("n")))
                        .forEach(e -> counts.put(SignalSql.facetValue(name, e.getKey()), e.getValue()));
                out.put(name, counts);
            }
            return out;
        });
    }

    /** Most buckets {@link #histogram} returns: a chart has no use for more bars than that. */
    public static final int MAX_HISTOGRAM_BUCKETS = 500;

    /**
     * How many signals began ({@code first_seen}) in each {@code bucketMillis} of
     * {@code [from, to)}, per severity (the last bucket may end at {@code to}, shorter).
     *
     * @throws IllegalArgumentException if the range is empty, a bucket is not positive, or it makes
     *                                  more than {@value #MAX_HISTOGRAM_BUCKETS} buckets
     */
    public SignalHistogram histogram(long from, long to, long bucketMillis) {
        if (bucketMillis <= 0) throw new IllegalArgumentException("bucket must be positive, not " + bucketMillis + " ms");
        if (to <= from) throw new IllegalArgumentException("empty time range [" + from + ", " + to + ")");
        long n = (to - from - 1) / bucketMillis + 1;
        if (n > MAX_HISTOGRAM_BUCKETS) {
            throw new IllegalArgumentException("a histogram of " + n + " buckets; at most " + MAX_HISTOGRAM_BUCKETS + " are allowed");
        }
        Map<Severity, long[]> counts = new EnumMap<>(Severity.class);
        for (Severity sev : Severity.values()) counts.put(sev, new long[(int) n]);
        db.read(h -> {
            if (db.dialect() == Dialect.SQLITE) {
                // SQLite sorts every row of a GROUP BY on an expression. Counting each (severity, bucket)
                // range of the (severity, first_seen) index instead visits each entry once and sorts
                // nothing; one statement, prepared once, run per range (in process: no round trips).
                try (PreparedStatement ps = h.getConnection().prepareStatement(
                        "SELECT count(*) FROM signals s WHERE s.severity = ? AND s.first_seen >= ? AND s.first_seen < ?")) {
                    for (Severity sev : Severity.values()) {
                        long[] c = counts.get(sev);
                        for (int i = 0; i < n; i++) {
                            long lo = from + i * bucketMillis;
                            ps.setInt(1, SignalRows.rank(sev));
                            ps.setLong(2, lo);
                            ps.setLong(3, Math.min(to, lo + bucketMillis));
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                c[i] = rs.getLong(1);
                            }
                        }
                    }
                } catch (SQLException e) {
                    throw new StoreException("cannot count signals over time: " + e.getMessage(), e);
                }
            } else {
                // PostgreSQL hashes the groups of one range scan. first_seen >= from, so the integer
                // division is a floor; GROUP BY by position, as it cannot tell two uses of a parameter are one value
                h.createQuery("""
                                SELECT (s.first_seen - :from) / :bucket AS b, s.severity AS sev, count(*) AS n
                                FROM signals s WHERE s.first_seen >= :from AND s.first_seen < :to
                                GROUP BY 1, 2""")
                        .bind("from", from).bind("to", to).bind("bucket", bucketMillis)
                        .map((rs, ctx) -> new long[] {rs.getLong("b"), rs.getInt("sev"), rs.getLong("n")})
                        .forEach(r -> counts.get(SignalRows.severity((int) r[1]))[(int) r[0]] = r[2]);
            }
            return null;
        });
        return new SignalHistogram(from, bucketMillis, counts);
    }

    /**
     * The name of each of {@code ruleIds} as its latest signal has it (a rule may have been renamed
     * or deleted since); ids without signals are left out. One indexed lookup per id, so meant for a
     * page's worth of ids (at most {@value #MAX_FACET_VALUES}).
     */
    public Map<String, String> ruleNames(java.util.Collection<String> ruleIds) {
        if (ruleIds.size() > MAX_FACET_VALUES) {
            throw new IllegalArgumentException(ruleIds.size() + " rule ids; at most " + MAX_FACET_VALUES + " at once");
        }
        return db.read(h -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (String id : new LinkedHashSet<>(ruleIds)) {
                h.createQuery("SELECT s.rule_name FROM signals s WHERE s.rule_id = :id ORDER BY s.last_seen DESC, s.id DESC LIMIT 1")
                        .bind("id", id).mapTo(String.class).findOne().ifPresent(n -> out.put(id, n));
            }
            return out;
        });
    }

    /** Whether the only filters of {@code q}, besides the one on {@code facet} (left out), are on last activity. */
    private static boolean onlyLastSeen(SignalQuery q, String facet) {
        return (q.statuses().isEmpty() || facet.equals("status")) && (q.severities().isEmpty() || facet.equals("severity"))
                && (q.ruleIds().isEmpty() || facet.equals("rule")) && (q.tactic() == null || facet.equals("tactic"))
                && q.text() == null && q.entities().stream().allMatch(e -> e.kind().id().equals(facet));
    }

    /**
     * Like {@link #facets}, but over the {@code sample} matching signals with the latest activity,
     * so its cost stays bounded however many signals match: one pass over those signals for the
     * severity, status, rule and tactic facets, one over their entities for every entity facet
     * (a facet with a selection of its own gets its own pass without that selection). At most
     * {@code top} values per facet. With fewer matches than {@code sample} the counts are exact.
     */
    public FacetCounts facetsOfLatest(SignalQuery q, Set<String> facets, int sample, int top) {
        for (String name : facets) {
            if (!FIELD_FACETS.contains(name) && EntityKind.parse(name) == null) throw new IllegalArgumentException("unknown facet `" + name + "`");
        }
        return db.read(h -> {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            // facets whose own filter is set are counted without it; the others share one pass
            Set<String> shared = new LinkedHashSet<>();
            for (String name : facets) if (!selects(q, name)) shared.add(name);
            long[] sampled = {0};
            boolean[] partial = {false};
            if (!shared.isEmpty()) countLatest(h, q, null, shared, sample, out, sampled, partial);
            for (String name : facets) {
                if (shared.contains(name)) continue;
                countLatest(h, q, name, Set.of(name), sample, out, new long[1], partial);
            }
            Map<String, Map<String, Long>> ordered = new LinkedHashMap<>();
            for (String name : facets) ordered.put(name, topOf(out.getOrDefault(name, Map.of()), top));
            return new FacetCounts(ordered, sampled[0], partial[0]);
        });
    }

    private static boolean selects(SignalQuery q, String facet) {
        return switch (facet) {
            case "status" -> !q.statuses().isEmpty();
            case "severity" -> !q.severities().isEmpty();
            case "rule" -> !q.ruleIds().isEmpty();
            case "tactic" -> q.tactic() != null;
            default -> q.entities().stream().anyMatch(e -> e.kind().id().equals(facet));
        };
    }

    /** The facet fields of one of the latest signals. */
    private record Latest(int severity, String status, String ruleId, String tactic) {}

    private static void countLatest(Handle h, SignalQuery q, String omit, Set<String> facets, int sample,
                                    Map<String, Map<String, Long>> out, long[] sampled, boolean[] partial) {
        // the latest signals' fields in one pass, counted here; their entities in a second pass, in SQL
        SignalSql.Filter f = SignalSql.filter(q, omit);
        String limit = f.param(sample + 1);
        String latest = "SELECT s.id, s.severity, s.status, s.rule_id, s.tactic FROM signals s" + f.where()
                + " ORDER BY s.last_seen DESC, s.id DESC LIMIT " + limit;
        List<Latest> rows = h.createQuery(latest).bindMap(f.params)
                .map((rs, ctx) -> new Latest(rs.getInt("severity"), rs.getString("status"), rs.getString("rule_id"), rs.getString("tactic")))
                .list();
        // the extra row only told whether there are more; count exactly `sample`
        if (rows.size() > sample) {
            partial[0] = true;
            rows = rows.subList(0, sample);
        }
        sampled[0] = rows.size();
        List<String> kinds = new ArrayList<>();
        for (String name : facets) {
            if (!FIELD_FACETS.contains(name)) {
                kinds.add(name);
                continue;
            }
            Map<String, Long> counts = out.computeIfAbsent(name, k -> new LinkedHashMap<>());
            for (Latest l : rows) {
                String v = switch (name) {
                    case "severity" -> SignalRows.severity(l.severity()).id();
                    case "status" -> l.status();
                    case "rule" -> l.ruleId();
                    default -> l.tactic();
                };
                if (!v.isEmpty()) counts.merge(v, 1L, Long::sum); // signals without a tactic are not counted
            }
        }
        if (kinds.isEmpty() || rows.isEmpty()) return;
        f.params.put(limit.substring(1), sample);
        // every kind of each signal in one seek (rows of a signal are adjacent in the key); a kind
        // filter in SQL would cost a seek per kind and signal
        h.createQuery("SELECT e.kind, e.value, count(*) AS n FROM (" + latest + ") x JOIN signal_entities e ON e.signal_id = x.id "
                        + "GROUP BY e.kind, e.value").bindMap(f.params)
                .map((rs, ctx) -> {
                    String kind = rs.getString("kind");
                    if (kinds.contains(kind)) out.computeIfAbsent(kind, k -> new LinkedHashMap<>()).merge(rs.getString("value"), rs.getLong("n"), Long::sum);
                    return kind;
                })
                .list();
    }

    private static Map<String, Long> topOf(Map<String, Long> counts, int top) {
        Map<String, Long> m = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top).forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /** The signals involving {@code value} as an entity of {@code kind}, latest activity first. */
    public List<Signal> byEntity(EntityKind kind, String value, int limit) {
        SignalQuery q = SignalQuery.builder().entity(kind, value).limit(limit).build();
        return db.read(h -> {
            List<Signal> rows = page(h, q, SignalSql.filter(q, null));
            return rows.size() > limit ? rows.subList(0, limit) : rows;
        });
    }

    // ---- triage

    /**
     * Moves a signal to {@code status}. Archiving needs a reason; any other status takes none, and
     * leaving archived clears the reason. Writes a {@code status} history entry (with the comment)
     * and, when the reason changes, an {@code archive_reason} one. Asking for the current status
     * and reason changes nothing (a comment given with it is still recorded).
     *
     * @return the signal after the change
     * @throws NotFoundException      if there is no such signal
     * @throws InvalidChangeException if the reason does not fit the status
     */
    public Signal changeStatus(String id, SignalStatus status, ArchiveReason reason, String actor, String comment) {
        Objects.requireNonNull(status, "status");
        requireActor(actor);
        if (status == SignalStatus.ARCHIVED && reason == null) {
            throw new InvalidChangeException("archiving signal `" + id + "` needs a reason (one of: "
                    + Arrays.stream(ArchiveReason.values()).map(ArchiveReason::id).collect(Collectors.joining(", ")) + ")");
        }
        if (status != SignalStatus.ARCHIVED && reason != null) {
            throw new InvalidChangeException("signal `" + id + "`: a reason (`" + reason.id()
                    + "`) goes only with status archived, not " + status.id());
        }
        String note = blankToNull(comment);
        return db.write(h -> {
            Triage was = lock(h, id);
            long now = db.now();
            boolean statusChanges = was.status != status;
            boolean reasonChanges = was.reason != reason;
            if (statusChanges || reasonChanges) {
                h.createUpdate("UPDATE signals SET status = :status, archive_reason = :reason, " + touch() + " WHERE id = :id")
                        .bind("status", status.id()).bind("reason", reason == null ? null : reason.id())
                        .bind("now", now).bind("id", id).execute();
            }
            if (statusChanges) record(h, new SignalChange(id, now, actor, STATUS, was.status.id(), status.id(), note));
            if (reasonChanges) {
                record(h, new SignalChange(id, now, actor, ARCHIVE_REASON, was.reason == null ? null : was.reason.id(),
                        reason == null ? null : reason.id(), statusChanges ? null : note));
            }
            if (!statusChanges && !reasonChanges && note != null) addComment(h, id, actor, note, now);
            return find(h, id).orElseThrow();
        });
    }

    /**
     * Gives a signal to {@code assignee}, or to nobody when null or blank; writes an
     * {@code assignee} history entry unless it already was theirs.
     *
     * @return the signal after the change
     * @throws NotFoundException if there is no such signal
     */
    public Signal assign(String id, String assignee, String actor) {
        requireActor(actor);
        String to = blankToNull(assignee);
        return db.write(h -> {
            Triage was = lock(h, id);
            if (!Objects.equals(was.assignee, to)) {
                long now = db.now();
                h.createUpdate("UPDATE signals SET assignee = :assignee, " + touch() + " WHERE id = :id")
                        .bind("assignee", to).bind("now", now).bind("id", id).execute();
                record(h, new SignalChange(id, now, actor, ASSIGNEE, was.assignee, to, null));
            }
            return find(h, id).orElseThrow();
        });
    }

    /**
     * Adds a comment to a signal's history.
     *
     * @return the history entry written
     * @throws NotFoundException      if there is no such signal
     * @throws InvalidChangeException if the text is blank or longer than {@value #MAX_COMMENT_CHARS} chars
     */
    public SignalChange comment(String id, String actor, String text) {
        requireActor(actor);
        if (text == null || text.isBlank()) throw new InvalidChangeException("comment on signal `" + id + "` is empty");
        if (text.length() > MAX_COMMENT_CHARS) {
            throw new InvalidChangeException("comment on signal `" + id + "` has " + text.length()
                    + " chars; at most " + MAX_COMMENT_CHARS + " are allowed");
        }
        return db.write(h -> {
            lock(h, id);
            return addComment(h, id, actor, text, db.now());
        });
    }

    private SignalChange addComment(Handle h, String id, String actor, String text, long now) {
        SignalChange c = new SignalChange(id, now, actor, COMMENT, null, null, text);
        record(h, c);
        h.createUpdate("UPDATE signals SET " + touch() + " WHERE id = :id").bind("now", now).bind("id", id).execute();
        return c;
    }

    /**
     * Everything that happened to a signal, oldest first: its creation, status, reason and
     * assignee changes, and comments.
     *
     * @throws NotFoundException if there is no such signal
     */
    public List<SignalChange> history(String id) {
        return db.read(h -> {
            List<SignalChange> changes = h.createQuery("SELECT " + SignalRows.HISTORY_COLUMNS
                            + " FROM signal_history WHERE signal_id = :id ORDER BY seq")
                    .bind("id", id).map(SignalRows.CHANGE).list();
            if (changes.isEmpty() && find(h, id).isEmpty()) throw new NotFoundException("signal", id);
            return changes;
        });
    }

    private record Triage(SignalStatus status, ArchiveReason reason, String assignee) {}

    /** The signal's triage, row-locked until the transaction ends (PostgreSQL). */
    private Triage lock(Handle h, String id) {
        return h.createQuery("SELECT status, archive_reason, assignee FROM signals WHERE id = :id" + db.forUpdate())
                .bind("id", id)
                .map((rs, ctx) -> new Triage(SignalStatus.parse(rs.getString(1)), ArchiveReason.parse(rs.getString(2)),
                        rs.getString(3)))
                .findOne()
                .orElseThrow(() -> new NotFoundException("signal", id));
    }

    /** {@code updated_at} moves to {@code :now} unless the engine already set a later time. */
    private static String touch() {
        return "updated_at = CASE WHEN updated_at > :now THEN updated_at ELSE :now END";
    }

    private static void record(Handle h, SignalChange c) {
        bindChange(h.createUpdate(INSERT_HISTORY), c).execute();
    }

    private static <T extends SqlStatement<T>> T bindChange(T st, SignalChange c) {
        return st.bind("signalId", c.signalId()).bind("at", c.at()).bind("actor", c.actor()).bind("field", c.field())
                .bind("from", c.from()).bind("to", c.to()).bind("comment", c.comment());
    }

    private static void requireActor(String actor) {
        if (actor == null || actor.isBlank()) throw new IllegalArgumentException("actor is required");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    // ---- retention

    /**
     * Deletes the signals last seen before {@code epochMs}, with their entities and history, a
     * batch of {@value #PURGE_BATCH} per transaction so the engine's writes interleave.
     *
     * @return how many signals were deleted
     */
    public int purgeSignalsLastSeenBefore(long epochMs) {
        int total = 0;
        int n;
        do {
            n = db.write(h -> h.createUpdate(
                            "DELETE FROM signals WHERE id IN (SELECT id FROM signals WHERE last_seen < :t LIMIT :n)")
                    .bind("t", epochMs).bind("n", PURGE_BATCH).execute());
            total += n;
        } while (n == PURGE_BATCH);
        return total;
    }
}
