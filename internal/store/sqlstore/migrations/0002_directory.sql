-- The WorkMail directory: organizations, entities (users, groups,
-- resources), their addresses and memberships, mail domains and tags.
--
-- Unique keys that must be freed when a row is deleted or tombstoned
-- (organization alias and directory, entity name) live in nullable *_key
-- columns set to NULL on deletion: both dialects let a unique index hold
-- any number of NULLs. Lowercase copies (*_lower, *_key) are computed by
-- the store in Go so that both dialects compare the same way.

CREATE TABLE workmail_organizations (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    region         TEXT NOT NULL,
    alias          TEXT NOT NULL,
    alias_key      TEXT,
    state          TEXT NOT NULL,
    directory_id   TEXT NOT NULL,
    directory_key  TEXT,
    directory_type TEXT NOT NULL,
    default_domain TEXT NOT NULL,
    kms_key_arn    TEXT NOT NULL,
    interop        BOOLEAN NOT NULL,
    client_token   TEXT,
    request_hash   TEXT NOT NULL,
    delete_token   TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    completed_at   BIGINT NOT NULL,
    deleted_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX workmail_organizations_alias ON workmail_organizations (account_id, region, alias_key);
CREATE UNIQUE INDEX workmail_organizations_directory ON workmail_organizations (account_id, region, directory_key);
CREATE UNIQUE INDEX workmail_organizations_token ON workmail_organizations (account_id, region, client_token);
CREATE INDEX workmail_organizations_owner ON workmail_organizations (account_id, region, id);

-- attributes holds the profile fields (first name, city, ...) as JSON:
-- nothing filters on them.
CREATE TABLE workmail_entities (
    org_id                   TEXT NOT NULL REFERENCES workmail_organizations (id),
    id                       TEXT NOT NULL,
    type                     TEXT NOT NULL,
    name                     TEXT NOT NULL,
    name_lower               TEXT NOT NULL,
    name_key                 TEXT,
    state                    TEXT NOT NULL,
    email                    TEXT NOT NULL,
    email_lower              TEXT NOT NULL,
    display_name             TEXT NOT NULL,
    display_lower            TEXT NOT NULL,
    role                     TEXT NOT NULL,
    hidden                   BOOLEAN NOT NULL,
    idp_user_id              TEXT NOT NULL,
    idp_store_id             TEXT NOT NULL,
    attributes               TEXT NOT NULL,
    password_hash            TEXT NOT NULL,
    created_at               BIGINT NOT NULL,
    enabled_at               BIGINT NOT NULL,
    disabled_at              BIGINT NOT NULL,
    mailbox_provisioned_at   BIGINT NOT NULL,
    mailbox_deprovisioned_at BIGINT NOT NULL,
    deleted_at               BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX workmail_entities_name ON workmail_entities (org_id, name_key);

CREATE TABLE workmail_mail_domains (
    org_id             TEXT NOT NULL REFERENCES workmail_organizations (id),
    name               TEXT NOT NULL,
    account_id         TEXT NOT NULL,
    region             TEXT NOT NULL,
    is_test            BOOLEAN NOT NULL,
    hosted_zone_id     TEXT NOT NULL,
    ownership_status   TEXT NOT NULL,
    dkim_status        TEXT NOT NULL,
    verification_token TEXT NOT NULL,
    client_token       TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (org_id, name)
);
CREATE UNIQUE INDEX workmail_mail_domains_scope ON workmail_mail_domains (account_id, region, name);

-- Every address an entity holds, primary or alias; the primary key makes
-- an address unique within the organization.
CREATE TABLE workmail_addresses (
    org_id      TEXT NOT NULL,
    address_key TEXT NOT NULL,
    address     TEXT NOT NULL,
    domain      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    is_primary  BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, address_key),
    FOREIGN KEY (org_id, entity_id) REFERENCES workmail_entities (org_id, id),
    FOREIGN KEY (org_id, domain) REFERENCES workmail_mail_domains (org_id, name)
);
CREATE INDEX workmail_addresses_entity ON workmail_addresses (org_id, entity_id);
CREATE INDEX workmail_addresses_domain ON workmail_addresses (org_id, domain);

CREATE TABLE workmail_group_members (
    org_id     TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    member_id  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, group_id, member_id),
    FOREIGN KEY (org_id, group_id) REFERENCES workmail_entities (org_id, id),
    FOREIGN KEY (org_id, member_id) REFERENCES workmail_entities (org_id, id)
);
CREATE INDEX workmail_group_members_member ON workmail_group_members (org_id, member_id, group_id);

CREATE TABLE workmail_tags (
    org_id  TEXT NOT NULL REFERENCES workmail_organizations (id),
    tag_key TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (org_id, tag_key)
);
