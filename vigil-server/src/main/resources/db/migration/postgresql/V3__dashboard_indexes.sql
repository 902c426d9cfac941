-- Indexes for the console's dashboard (PostgreSQL dialect; ../sqlite/V3__dashboard_indexes.sql is the twin
-- and documents them).

CREATE INDEX signals_first_seen_severity ON signals (first_seen, severity);

CREATE INDEX signals_status_severity ON signals (status, severity);
