-- The decision log: one hash chain. `seq` is the position in the chain; the
-- head row is locked by each writer so that several processes append to one
-- chain. `body` is the canonical JSON of the record; the other columns are
-- copies for queries, checked against the body by verify.
CREATE TABLE decisions (
    seq BIGINT PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    uscc TEXT,
    department TEXT NOT NULL,
    ruleset TEXT,
    recorded_at TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX decisions_uscc ON decisions (uscc, seq);
CREATE INDEX decisions_kind ON decisions (kind, seq);

CREATE TABLE decision_chain_head (
    id INTEGER PRIMARY KEY NOT NULL,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO decision_chain_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
