-- What the console's dashboard counts, answered from indexes (PostgreSQL dialect;
-- ../sqlite/V4__dashboard_indexes.sql is the twin and documents them).

CREATE INDEX signals_severity_first_seen ON signals (severity, first_seen);

CREATE INDEX signals_status_severity ON signals (status, severity);

ALTER TABLE signal_entities ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
UPDATE signal_entities e SET last_seen = s.last_seen FROM signals s WHERE s.id = e.signal_id;
DROP INDEX signal_entities_value;
CREATE INDEX signal_entities_value ON signal_entities (kind, value, last_seen, signal_id);
