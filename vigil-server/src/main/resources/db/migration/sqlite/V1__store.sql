-- Vigil's store, SQLite dialect. The PostgreSQL twin (../postgresql/V1__store.sql) has the same tables,
-- columns and indexes; only the types differ. Times are epoch milliseconds; JSON is stored as text so it
-- reads back byte for byte.

-- One row per signal. The detection engine owns the activity columns; people own status,
-- archive_reason and assignee, and engine updates never write those (see SignalStore).
CREATE TABLE signals (
    id             TEXT    NOT NULL PRIMARY KEY,
    rule_id        TEXT    NOT NULL,
    rule_name      TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    message        TEXT    NOT NULL,
    severity       INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4), -- rank, 0 info .. 4 critical, so it sorts
    status         TEXT    NOT NULL CHECK (status IN ('open', 'under_review', 'archived')),
    archive_reason TEXT,
    assignee       TEXT,
    group_by       TEXT    NOT NULL, -- JSON object
    match_count    INTEGER NOT NULL,
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    tactic         TEXT    NOT NULL,
    technique      TEXT    NOT NULL,
    tags           TEXT    NOT NULL, -- JSON array
    triage         TEXT    NOT NULL,
    entities       TEXT    NOT NULL, -- JSON of Entities, with overflow counts; signal_entities indexes the values
    samples        TEXT    NOT NULL, -- JSON array of events
    process_tree   TEXT,             -- JSON object
    search_text    TEXT    NOT NULL, -- title and rule name lower-cased in Java, so both dialects fold case alike
    CHECK ((status = 'archived') = (archive_reason IS NOT NULL))
);
-- Every sort ends in id so keyset paging has a total order; filters on status and rule sort by last_seen.
CREATE INDEX signals_last_seen ON signals (last_seen, id);
CREATE INDEX signals_first_seen ON signals (first_seen, id);
CREATE INDEX signals_severity ON signals (severity, last_seen, id);
CREATE INDEX signals_count ON signals (match_count, id);
CREATE INDEX signals_status ON signals (status, last_seen, id);
CREATE INDEX signals_rule ON signals (rule_id, last_seen, id);
CREATE INDEX signals_tactic ON signals (tactic, last_seen);

-- Entity values of each signal, for pivots (every signal of host X) and entity facets.
CREATE TABLE signal_entities (
    signal_id TEXT NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (signal_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX signal_entities_value ON signal_entities (kind, value, signal_id);

CREATE TABLE signal_history (
    seq        INTEGER PRIMARY KEY, -- orders the entries of one signal
    signal_id  TEXT    NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    changed_at INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    field      TEXT    NOT NULL,
    from_value TEXT,
    to_value   TEXT,
    comment    TEXT
);
CREATE INDEX signal_history_signal ON signal_history (signal_id, seq);

-- Where detection stands in the event log; written in the transaction that writes the signals.
CREATE TABLE detection_checkpoint (
    id               INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    event_log_offset INTEGER NOT NULL,
    state_snapshot   BLOB,
    snapshot_offset  INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE suppressions (
    id               TEXT    NOT NULL PRIMARY KEY,
    name             TEXT    NOT NULL,
    description      TEXT,
    rule_id          TEXT,
    query            TEXT    NOT NULL,
    expires_at       INTEGER,
    enabled          INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_by       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    suppressed_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE detection_rules (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    format     TEXT    NOT NULL CHECK (format IN ('yaml', 'json')),
    source     TEXT    NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);

CREATE TABLE api_keys (
    id             TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    display_prefix TEXT    NOT NULL,
    key_hash       TEXT    NOT NULL UNIQUE, -- SHA-256 of the key, hex; verify looks keys up by it
    created_at     INTEGER NOT NULL,
    created_by     TEXT    NOT NULL,
    last_used_at   INTEGER,
    revoked_at     INTEGER
);

CREATE TABLE settings (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
