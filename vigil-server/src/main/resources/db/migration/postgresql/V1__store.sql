-- Vigil's store, PostgreSQL dialect. The SQLite twin (../sqlite/V1__store.sql) has the same tables,
-- columns and indexes and documents them. Identifiers and entity values use the "C" collation so
-- they sort byte-wise, as in SQLite, whatever the database's locale: paging and facet order agree.

CREATE TABLE signals (
    id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    rule_id        TEXT COLLATE "C" NOT NULL,
    rule_name      TEXT     NOT NULL,
    title          TEXT     NOT NULL,
    message        TEXT     NOT NULL,
    severity       SMALLINT NOT NULL CHECK (severity BETWEEN 0 AND 4),
    status         TEXT     NOT NULL CHECK (status IN ('open', 'under_review', 'archived')),
    archive_reason TEXT,
    assignee       TEXT COLLATE "C",
    group_by       TEXT     NOT NULL,
    match_count    BIGINT   NOT NULL,
    first_seen     BIGINT   NOT NULL,
    last_seen      BIGINT   NOT NULL,
    created_at     BIGINT   NOT NULL,
    updated_at     BIGINT   NOT NULL,
    tactic         TEXT COLLATE "C" NOT NULL,
    technique      TEXT COLLATE "C" NOT NULL,
    tags           TEXT     NOT NULL,
    triage         TEXT     NOT NULL,
    entities       TEXT     NOT NULL,
    samples        TEXT     NOT NULL,
    process_tree   TEXT,
    search_text    TEXT     NOT NULL,
    CHECK ((status = 'archived') = (archive_reason IS NOT NULL))
);
CREATE INDEX signals_last_seen ON signals (last_seen, id);
CREATE INDEX signals_first_seen ON signals (first_seen, id);
CREATE INDEX signals_severity ON signals (severity, last_seen, id);
CREATE INDEX signals_count ON signals (match_count, id);
CREATE INDEX signals_status ON signals (status, last_seen, id);
CREATE INDEX signals_rule ON signals (rule_id, last_seen, id);
CREATE INDEX signals_tactic ON signals (tactic, last_seen);

CREATE TABLE signal_entities (
    signal_id TEXT COLLATE "C" NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    kind      TEXT COLLATE "C" NOT NULL,
    value     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (signal_id, kind, value)
);
CREATE INDEX signal_entities_value ON signal_entities (kind, value, signal_id);

CREATE TABLE signal_history (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signal_id  TEXT COLLATE "C" NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    changed_at BIGINT NOT NULL,
    actor      TEXT   NOT NULL,
    field      TEXT   NOT NULL,
    from_value TEXT,
    to_value   TEXT,
    comment    TEXT
);
CREATE INDEX signal_history_signal ON signal_history (signal_id, seq);

CREATE TABLE detection_checkpoint (
    id               SMALLINT NOT NULL PRIMARY KEY CHECK (id = 1),
    event_log_offset BIGINT   NOT NULL,
    state_snapshot   BYTEA,
    snapshot_offset  BIGINT   NOT NULL,
    updated_at       BIGINT   NOT NULL
);

CREATE TABLE suppressions (
    id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name             TEXT    NOT NULL,
    description      TEXT,
    rule_id          TEXT COLLATE "C",
    query            TEXT    NOT NULL,
    expires_at       BIGINT,
    enabled          BOOLEAN NOT NULL,
    created_by       TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    suppressed_count BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE detection_rules (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    format     TEXT    NOT NULL CHECK (format IN ('yaml', 'json')),
    source     TEXT    NOT NULL,
    enabled    BOOLEAN NOT NULL,
    version    BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by TEXT    NOT NULL
);

CREATE TABLE api_keys (
    id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name           TEXT   NOT NULL,
    display_prefix TEXT   NOT NULL,
    key_hash       TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    created_by     TEXT   NOT NULL,
    last_used_at   BIGINT,
    revoked_at     BIGINT
);

CREATE TABLE settings (
    name       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
