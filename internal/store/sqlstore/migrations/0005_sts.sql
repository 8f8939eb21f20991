-- STS temporary credentials. The secret is sealed like an access key's;
-- the session token is kept only as its SHA-256 (hex). details holds the
-- session's policies, tags, transitive tag keys and source identity as
-- JSON: read whole with the session, never queried.

CREATE TABLE sts_sessions (
    access_key_id TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    secret        TEXT NOT NULL,
    token_sha256  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    role_id       TEXT NOT NULL,
    role_name     TEXT NOT NULL,
    role_path     TEXT NOT NULL,
    session_name  TEXT NOT NULL,
    user_name     TEXT NOT NULL,
    chained       INTEGER NOT NULL,
    details       TEXT NOT NULL,
    issued_at     BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sts_sessions_expiry ON sts_sessions (expires_at);
