-- Records of an account (store.AccountRecords): IAM and Identity Center
-- resources that are few per account, each a JSON document under a key
-- unique within its kind, as workmail_org_records holds an organization's.

CREATE TABLE account_records (
    account_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    record_key TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, record_key)
);
