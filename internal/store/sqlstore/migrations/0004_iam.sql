-- IAM: roles, users and groups (one table, by kind), managed policies
-- and their versions, inline policies, attachments, group membership,
-- tags, and the last use of access keys.
--
-- Lowercase copies of names (name_lower) are computed by the store in Go
-- so both dialects compare the same way: IAM names are unique ignoring
-- case. Listings page by keyset over (path, name_lower), which the
-- *_list indexes serve without reading the rows before the page.

CREATE TABLE iam_entities (
    account_id       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    id               TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    name_lower       TEXT NOT NULL,
    path             TEXT NOT NULL,
    description      TEXT NOT NULL,
    max_session      INTEGER NOT NULL,
    trust_policy     TEXT NOT NULL,
    service_name     TEXT NOT NULL,
    boundary_id      TEXT NOT NULL,
    last_used_at     BIGINT NOT NULL,
    last_used_region TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, name_lower)
);
CREATE UNIQUE INDEX iam_entities_list ON iam_entities (account_id, kind, path, name_lower);
CREATE INDEX iam_entities_boundary ON iam_entities (boundary_id, account_id);

CREATE TABLE iam_policies (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    name            TEXT NOT NULL,
    name_lower      TEXT NOT NULL,
    path            TEXT NOT NULL,
    description     TEXT NOT NULL,
    default_version TEXT NOT NULL,
    next_version    INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX iam_policies_name ON iam_policies (account_id, name_lower);
CREATE INDEX iam_policies_list ON iam_policies (path, name_lower, id);

CREATE TABLE iam_policy_versions (
    policy_id  TEXT NOT NULL REFERENCES iam_policies (id),
    version_id TEXT NOT NULL,
    version_no INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (policy_id, version_id)
);

CREATE TABLE iam_inline_policies (
    owner_id   TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    name       TEXT NOT NULL,
    document   TEXT NOT NULL,
    PRIMARY KEY (owner_id, name_lower)
);

-- account_id is the account of the entity: AWS-managed policies are
-- attached in many accounts and their usage is counted per account.
CREATE TABLE iam_attachments (
    entity_id  TEXT NOT NULL,
    policy_id  TEXT NOT NULL REFERENCES iam_policies (id),
    account_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (entity_id, policy_id)
);
CREATE INDEX iam_attachments_policy ON iam_attachments (policy_id, account_id);

CREATE TABLE iam_group_members (
    group_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX iam_group_members_user ON iam_group_members (user_id, group_id);

CREATE TABLE iam_tags (
    owner_id  TEXT NOT NULL,
    key_lower TEXT NOT NULL,
    tag_key   TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (owner_id, key_lower)
);

ALTER TABLE access_keys ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE access_keys ADD COLUMN last_used_region TEXT NOT NULL DEFAULT '';
ALTER TABLE access_keys ADD COLUMN last_used_service TEXT NOT NULL DEFAULT '';
