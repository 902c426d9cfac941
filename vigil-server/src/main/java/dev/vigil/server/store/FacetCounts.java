package dev.vigil.server.store;

import java.util.Map;

/**
 * Facet counts over the latest matching signals.
 *
 * @param counts   facet name to value to count, most frequent first
 * @param sampled  how many signals the counts cover (per facet without a selection of its own)
 * @param partial  whether more signals matched than were counted: the counts are of the latest
 *                 {@code sampled}, and a console says so
 */
public record FacetCounts(Map<String, Map<String, Long>> counts, long sampled, boolean partial) {}
