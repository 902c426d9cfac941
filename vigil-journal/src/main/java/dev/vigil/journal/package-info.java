/**
 * A segmented, append-only, checksummed file log: the agent's on-disk shipping buffer and the
 * server's log of accepted events.
 *
 * <p>Start at {@link dev.vigil.journal.Journal} (the design notes are in its javadoc): open a
 * directory with a {@link dev.vigil.journal.JournalConfig}, {@code append} batches of records,
 * read them with a {@link dev.vigil.journal.JournalReader} from any record offset, remember how far
 * each consumer got with {@code commit}/{@code committed}, and trim with {@code deleteBefore} or
 * {@code deleteOlderThan}. {@link dev.vigil.journal.JournalStats} counts everything the journal
 * ever dropped, truncated or refused. This package depends on the JDK only.
 */
package dev.vigil.journal;
