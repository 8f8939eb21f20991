-- Configuration records of WorkMail organizations (store.OrgRecord): one
-- table for every kind (access control rules, mobile device rules and
-- overrides, mailbox permissions, delegates, retention, ...), each record
-- a JSON document under a key unique within its kind. Listings read a
-- kind in key order, or the keys under a prefix ("<mailbox ID>/").

CREATE TABLE workmail_org_records (
    org_id     TEXT NOT NULL REFERENCES workmail_organizations (id),
    kind       TEXT NOT NULL,
    record_key TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind, record_key)
);
