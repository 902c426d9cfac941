package dev.vigil.server.store;

import dev.vigil.detect.signal.Signal;

import java.util.List;

/**
 * One page of a signal search.
 *
 * @param items      the signals of the page, in the query's order
 * @param total      how many signals match the filters, across all pages
 * @param nextCursor pass to {@link SignalQuery.Builder#cursor(String)} for the next page; null on the last page
 */
public record SignalPage(List<Signal> items, long total, String nextCursor) {

    public SignalPage {
        items = List.copyOf(items);
    }
}
