-- Free-text signal search (SQLite dialect; ../postgresql/V5__signal_text_index.sql is the twin).
-- A substring of the title or rule name is matched with LIKE '%...%' on signals.search_text. Scanning
-- the table for it read every signal's row with its samples (2-3 KB each): 100-280 ms per statement
-- with 100,000 signals, and a console page runs several (count, page, facets). With search_text in
-- the last_seen index, SQLite scans that narrow index instead and evaluates LIKE on it before it
-- reads a row: 10-20 ms per statement, whether the text is common, rare or absent. This was measured
-- against a trigram FTS5 index, which answers rare text in 2 ms but common text (60% of the signals)
-- in 600 ms, and made inserting signals 7-8 times slower (docs/benchmarks.md, Console pages).
DROP INDEX signals_last_seen;
CREATE INDEX signals_last_seen ON signals (last_seen, id, search_text);
