-- The audit trail (store.Audit): one row per event holding its CloudTrail
-- record, and one row per lookup key (attribute, value) of the event.
-- Every LookupEvents filter reads one index range of audit_event_keys in
-- (time, ID) order, newest first, and continues from the last (time, ID)
-- of the previous page: a page costs the same however deep it is and
-- however many records the account holds. The event_time indexes let
-- pruning take the oldest records a small batch at a time.

CREATE TABLE audit_events (
    event_id   TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL,
    event_time BIGINT NOT NULL,
    doc        TEXT NOT NULL
);

CREATE INDEX audit_events_by_account_time ON audit_events (account_id, event_time, event_id);

CREATE INDEX audit_events_by_time ON audit_events (event_time);

CREATE TABLE audit_event_keys (
    account_id TEXT NOT NULL,
    attr       TEXT NOT NULL,
    value      TEXT NOT NULL,
    event_time BIGINT NOT NULL,
    event_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, attr, value, event_time, event_id)
);

CREATE INDEX audit_event_keys_by_time ON audit_event_keys (event_time);
