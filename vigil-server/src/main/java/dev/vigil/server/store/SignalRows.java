package dev.vigil.server.store;

import dev.vigil.detect.signal.ArchiveReason;
import dev.vigil.detect.signal.Entities;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalChange;
import dev.vigil.detect.signal.SignalStatus;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/** Signals and history entries to and from their rows. */
final class SignalRows {

    /** The columns {@link #SIGNAL} reads, qualified with the alias {@code s}. */
    static final String COLUMNS = "s.id, s.rule_id, s.rule_name, s.title, s.message, s.severity, s.status, "
            + "s.archive_reason, s.assignee, s.group_by, s.match_count, s.first_seen, s.last_seen, s.created_at, "
            + "s.updated_at, s.tactic, s.technique, s.tags, s.triage, s.entities, s.samples, s.process_tree";

    static final RowMapper<Signal> SIGNAL = SignalRows::signal;

    static final String HISTORY_COLUMNS = "signal_id, changed_at, actor, field, from_value, to_value, comment";

    static final RowMapper<SignalChange> CHANGE = (rs, ctx) -> new SignalChange(rs.getString("signal_id"),
            rs.getLong("changed_at"), rs.getString("actor"), rs.getString("field"), rs.getString("from_value"),
            rs.getString("to_value"), rs.getString("comment"));

    private SignalRows() {}

    /** Severity as stored: a rank that sorts from least to most urgent, independent of the enum's order. */
    static int rank(Severity s) {
        return switch (s) {
            case INFO -> 0;
            case LOW -> 1;
            case MEDIUM -> 2;
            case HIGH -> 3;
            case CRITICAL -> 4;
        };
    }

    static Severity severity(int rank) {
        return switch (rank) {
            case 0 -> Severity.INFO;
            case 1 -> Severity.LOW;
            case 2 -> Severity.MEDIUM;
            case 3 -> Severity.HIGH;
            case 4 -> Severity.CRITICAL;
            default -> throw new StoreException("unknown severity rank " + rank + " in the signals table");
        };
    }

    /** What free-text search matches: title and rule name, lower-cased the same way as the query. */
    static String searchText(Signal s) {
        return fold(s.title()) + "\n" + fold(s.ruleName());
    }

    static String fold(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    static Entities entities(Signal s) {
        return s.entities() == null ? Entities.EMPTY : s.entities();
    }

    /** Binds the engine-owned columns of {@code s} by name (the parameters both insert and merge use). */
    static <T extends SqlStatement<T>> T bindActivity(T st, Signal s) {
        // the database names other missing values itself (NOT NULL); a null severity would only be an NPE here
        if (s.severity() == null) throw new IllegalArgumentException("signal `" + s.id() + "` has no severity");
        return st.bind("id", s.id())
                .bind("ruleName", s.ruleName())
                .bind("title", s.title())
                .bind("message", s.message())
                .bind("severity", rank(s.severity()))
                .bind("count", s.count())
                .bind("lastSeen", s.lastSeen())
                .bind("tactic", s.tactic())
                .bind("technique", s.technique())
                .bind("tags", Json.strings(s.tags()))
                .bind("triage", s.triage())
                .bind("entities", Json.entities(entities(s)))
                .bind("samples", Json.objects(s.samples()))
                .bind("processTree", s.processTree() == null ? null : Json.write(s.processTree()))
                .bind("searchText", searchText(s));
    }

    private static Signal signal(ResultSet rs, StatementContext ctx) throws SQLException {
        String reason = rs.getString("archive_reason");
        return new Signal(rs.getString("id"), rs.getString("rule_id"), rs.getString("rule_name"),
                rs.getString("title"), rs.getString("message"), severity(rs.getInt("severity")),
                SignalStatus.parse(rs.getString("status")), reason == null ? null : ArchiveReason.parse(reason),
                rs.getString("assignee"), Json.readStringMap(rs.getString("group_by"), "group_by"),
                rs.getLong("match_count"), rs.getLong("first_seen"), rs.getLong("last_seen"),
                rs.getLong("created_at"), rs.getLong("updated_at"), rs.getString("tactic"), rs.getString("technique"),
                Json.readStrings(rs.getString("tags"), "tags"), rs.getString("triage"),
                Json.readEntities(rs.getString("entities")), Json.readObjects(rs.getString("samples"), "samples"),
                Json.readObject(rs.getString("process_tree"), "process_tree"));
    }
}
