-- Identity Center applications, the identity provider configuration of
-- organizations, and personal access tokens.

CREATE TABLE workmail_idc_applications (
    arn          TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    region       TEXT NOT NULL,
    instance_arn TEXT NOT NULL,
    name         TEXT NOT NULL,
    client_token TEXT,
    request_hash TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX workmail_idc_applications_token ON workmail_idc_applications (account_id, region, client_token);

CREATE TABLE workmail_identity_provider_configs (
    org_id            TEXT PRIMARY KEY REFERENCES workmail_organizations (id),
    auth_mode         TEXT NOT NULL,
    instance_arn      TEXT NOT NULL,
    application_arn   TEXT NOT NULL,
    pat_status        TEXT NOT NULL,
    pat_lifetime_days BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX workmail_identity_provider_configs_app ON workmail_identity_provider_configs (application_arn);

-- Only a SHA-256 hash of each token's secret is kept: reading this table
-- does not let anyone use a token. scopes is a JSON array.
CREATE TABLE workmail_personal_access_tokens (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE INDEX workmail_personal_access_tokens_org ON workmail_personal_access_tokens (org_id, id);
CREATE INDEX workmail_personal_access_tokens_user ON workmail_personal_access_tokens (org_id, user_id, id);

-- Sign-in with an ID token finds the user by the identity provider's
-- user ID.
CREATE INDEX workmail_entities_idp_user ON workmail_entities (org_id, idp_user_id);
