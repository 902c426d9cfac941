-- What the console's dashboard counts, answered from indexes alone (SQLite dialect;
-- ../postgresql/V4__dashboard_indexes.sql is the twin).

-- Signals over time by severity: SignalStore.histogram counts each (severity, first_seen) range.
CREATE INDEX signals_severity_first_seen ON signals (severity, first_seen);

-- The triage queue: open and under-review signals counted per severity.
CREATE INDEX signals_status_severity ON signals (status, severity);

-- Entity rows carry their signal's last_seen (written with them, in the same transaction), so the
-- entity facets of a time range (top hosts, images... of the last 7 days) read this index alone
-- instead of joining every signal in the range. It also serves what the old index did (kind, value -> signals).
ALTER TABLE signal_entities ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
UPDATE signal_entities SET last_seen = (SELECT s.last_seen FROM signals s WHERE s.id = signal_entities.signal_id);
DROP INDEX signal_entities_value;
CREATE INDEX signal_entities_value ON signal_entities (kind, value, last_seen, signal_id);
