package dev.vigil.server.store;

import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.SignalStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which signals to list and in what order. Filters combine with AND; an empty set means any value.
 * Build with {@link #builder()}.
 *
 * @param statuses     any of these statuses
 * @param severities   any of these severities
 * @param ruleIds      any of these rules
 * @param tactic       this MITRE ATT&CK tactic id; null for any
 * @param text         case-insensitive substring of the title or the rule name; null for none
 * @param entities     involves every one of these entities
 * @param lastSeenFrom last seen at or after (epoch ms); null for no bound
 * @param lastSeenTo   last seen before (epoch ms); null for no bound
 * @param sort         sort key; default {@link SignalSort#LAST_SEEN}
 * @param ascending    sort direction; default descending (newest, most severe, largest first)
 * @param limit        page size, 1..{@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}
 * @param offset       rows to skip (offset paging); 0 with a cursor
 * @param cursor       {@link SignalPage#nextCursor()} of the previous page (keyset paging, stable
 *                     and fast however deep); null for the first page
 */
public record SignalQuery(Set<SignalStatus> statuses, Set<Severity> severities, Set<String> ruleIds, String tactic,
                          String text, List<Entity> entities, Long lastSeenFrom, Long lastSeenTo, SignalSort sort,
                          boolean ascending, int limit, int offset, String cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    /** A signal involves {@code value} as an entity of {@code kind}, e.g. host {@code web-1}. */
    public record Entity(EntityKind kind, String value) {
        public Entity {
            Objects.requireNonNull(kind, "entity kind");
            Objects.requireNonNull(value, "entity value");
        }
    }

    public SignalQuery {
        // enum order, so the same query always renders the same SQL
        statuses = statuses.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(statuses));
        severities = severities.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(severities));
        ruleIds = Set.copyOf(ruleIds);
        entities = List.copyOf(entities);
        if (text != null && text.isBlank()) text = null;
        if (tactic != null && tactic.isBlank()) tactic = null;
        Objects.requireNonNull(sort, "sort");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
        }
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        if (cursor != null && offset > 0) {
            throw new IllegalArgumentException("page with a cursor or an offset, not both (offset " + offset + ")");
        }
        if (lastSeenFrom != null && lastSeenTo != null && lastSeenFrom > lastSeenTo) {
            throw new IllegalArgumentException("lastSeenFrom " + lastSeenFrom + " is after lastSeenTo " + lastSeenTo);
        }
    }

    /** Every signal, newest activity first, first page. */
    public static SignalQuery all() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.statuses.addAll(statuses);
        b.severities.addAll(severities);
        b.ruleIds.addAll(ruleIds);
        b.tactic = tactic;
        b.text = text;
        b.entities.addAll(entities);
        b.lastSeenFrom = lastSeenFrom;
        b.lastSeenTo = lastSeenTo;
        b.sort = sort;
        b.ascending = ascending;
        b.limit = limit;
        b.offset = offset;
        b.cursor = cursor;
        return b;
    }

    /** Builds a {@link SignalQuery}; each filter method adds to what was given before. */
    public static final class Builder {
        private final Set<SignalStatus> statuses = EnumSet.noneOf(SignalStatus.class);
        private final Set<Severity> severities = EnumSet.noneOf(Severity.class);
        private final Set<String> ruleIds = new LinkedHashSet<>();
        private final List<Entity> entities = new ArrayList<>();
        private String tactic;
        private String text;
        private Long lastSeenFrom;
        private Long lastSeenTo;
        private SignalSort sort = SignalSort.LAST_SEEN;
        private boolean ascending;
        private int limit = DEFAULT_LIMIT;
        private int offset;
        private String cursor;

        private Builder() {}

        public Builder status(SignalStatus... values) { statuses.addAll(List.of(values)); return this; }
        public Builder statuses(Collection<SignalStatus> values) { statuses.addAll(values); return this; }
        public Builder severity(Severity... values) { severities.addAll(List.of(values)); return this; }
        public Builder severities(Collection<Severity> values) { severities.addAll(values); return this; }
        public Builder rule(String... ids) { ruleIds.addAll(List.of(ids)); return this; }
        public Builder rules(Collection<String> ids) { ruleIds.addAll(ids); return this; }
        public Builder tactic(String tactic) { this.tactic = tactic; return this; }
        public Builder text(String text) { this.text = text; return this; }
        public Builder entity(EntityKind kind, String value) { entities.add(new Entity(kind, value)); return this; }
        /** Last seen in [{@code from}, {@code to}); either may be null for no bound. */
        public Builder lastSeen(Long from, Long to) { lastSeenFrom = from; lastSeenTo = to; return this; }
        public Builder sort(SignalSort sort, boolean ascending) { this.sort = sort; this.ascending = ascending; return this; }
        public Builder limit(int limit) { this.limit = limit; return this; }
        public Builder offset(int offset) { this.offset = offset; return this; }
        public Builder cursor(String cursor) { this.cursor = cursor; return this; }

        public SignalQuery build() {
            return new SignalQuery(statuses, severities, ruleIds, tactic, text, entities, lastSeenFrom, lastSeenTo,
                    sort, ascending, limit, offset, cursor);
        }
    }
}
