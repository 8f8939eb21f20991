-- The audit trail (store.Audit): one row per event holding its CloudTrail
-- record, and one row per lookup key (attribute, value) of the event.
--
-- A write's transaction inserts only the event row, at the end of the
-- (event_time, event_id) key: a page or two more in the commit. Its keys
-- follow within moments from a background writer (and, after a crash,
-- from the records of the last minutes), so the request pays for none of
-- the index entries. Every LookupEvents filter reads one range of
-- audit_event_keys in (time, ID) order (no filter: of the events' key),
-- newest first, and continues from the last (time, ID) of the page
-- before: a page costs the same however deep it is and however many
-- records the account holds. An event row lists its keys (lookup_keys,
-- JSON): pruning deletes the oldest events and exactly their keys, and
-- after a crash the keys of the last events are rewritten from it, with
-- no index by time on the keys to maintain. On SQLite the keys are one
-- B-tree (WITHOUT ROWID, which the migration drops for PostgreSQL).

CREATE TABLE audit_events (
    event_time BIGINT NOT NULL,
    event_id   TEXT NOT NULL,
    account_id TEXT NOT NULL,
    doc        TEXT NOT NULL,
    lookup_keys TEXT NOT NULL,
    PRIMARY KEY (event_time, event_id)
);

CREATE TABLE audit_event_keys (
    account_id TEXT NOT NULL,
    attr       TEXT NOT NULL,
    value      TEXT NOT NULL,
    event_time BIGINT NOT NULL,
    event_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, attr, value, event_time, event_id)
) WITHOUT ROWID;
