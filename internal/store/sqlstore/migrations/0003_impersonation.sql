-- WorkMail impersonation roles and the tokens issued for them.
--
-- A role's rules are one JSON document (rules): they are read and
-- replaced as a whole, at most ten rules of at most twenty user IDs, and
-- nothing queries inside them. version grows with every update; a token
-- is valid only while its role_version equals the role's version.

CREATE TABLE workmail_impersonation_roles (
    org_id       TEXT NOT NULL REFERENCES workmail_organizations (id),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL,
    description  TEXT NOT NULL,
    rules        TEXT NOT NULL,
    version      BIGINT NOT NULL,
    client_token TEXT,
    request_hash TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX workmail_impersonation_roles_token ON workmail_impersonation_roles (org_id, client_token);

-- Only a SHA-256 hash of each token's secret is kept: reading this table
-- does not let anyone use a token.
CREATE TABLE workmail_impersonation_tokens (
    id           TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    role_id      TEXT NOT NULL,
    role_version BIGINT NOT NULL,
    issued_to    TEXT NOT NULL,
    issued_at    BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX workmail_impersonation_tokens_role ON workmail_impersonation_tokens (org_id, role_id, expires_at);
CREATE INDEX workmail_impersonation_tokens_expiry ON workmail_impersonation_tokens (expires_at);

-- The effect check resolves its target through the directory, whose alias
-- lookup (entity, is_primary, ORDER BY address_key) SQLite answered by
-- walking the organization's whole address range in key order, to save a
-- sort: a cost that grew with the number of users. This index serves the
-- filter and the order at once, so the lookup is a point read again.
CREATE INDEX workmail_addresses_entity_order ON workmail_addresses (org_id, entity_id, is_primary, address_key);
