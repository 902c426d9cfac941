-- Console users and their sessions (SQLite dialect; ../postgresql/V2__console_users.sql is the twin).

CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE, -- lower case, checked in Java
    password_hash TEXT    NOT NULL,        -- PHC string: $argon2id$v=19$m=..,t=..,p=..$salt$hash
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'responder', 'read_only')),
    created_at    INTEGER NOT NULL,
    created_by    TEXT    NOT NULL,
    last_login_at INTEGER,
    disabled_at   INTEGER
);

-- A session is found by the SHA-256 of its cookie value: a leaked table gives no usable cookie.
CREATE TABLE sessions (
    token_hash   TEXT    NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
