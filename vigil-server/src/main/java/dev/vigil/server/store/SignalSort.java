package dev.vigil.server.store;

import java.util.List;

/** What a signal search sorts by. Ties are broken by the signal id, so paging has a total order. */
public enum SignalSort {
    LAST_SEEN(List.of("last_seen")),
    FIRST_SEEN(List.of("first_seen")),
    /** Severity, then latest activity. */
    SEVERITY(List.of("severity", "last_seen")),
    COUNT(List.of("match_count"));

    /** The sort columns before the id; a keyset cursor holds one value per column. */
    final List<String> columns;

    SignalSort(List<String> columns) {
        this.columns = columns;
    }
}
