-- The authorization generation of each account: a counter that every
-- write changing what a principal of the account may do (inline policies,
-- attachments, managed policy versions and deletion, group membership,
-- an entity's deletion, rename or boundary) increments in its own
-- transaction. Authentication reads it with the principal, so a server
-- may reuse the policies it loaded at the same generation: any write
-- acknowledged by any replica changes the generation the next request
-- reads. An account without a row is at generation 0.

CREATE TABLE iam_generations (
    account_id TEXT PRIMARY KEY,
    n          BIGINT NOT NULL
);
