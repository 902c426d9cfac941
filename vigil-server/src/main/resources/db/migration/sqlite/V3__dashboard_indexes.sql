-- Indexes for the console's dashboard (SQLite dialect; ../postgresql/V3__dashboard_indexes.sql is the twin).
-- Both cover their queries: the counts come from the index alone, without reading signal rows.

-- Signals over time by severity: SignalStore.histogram groups a first_seen range by bucket and severity.
CREATE INDEX signals_first_seen_severity ON signals (first_seen, severity);

-- The triage queue: open and under-review signals counted per severity.
CREATE INDEX signals_status_severity ON signals (status, severity);
