-- Every rule-set version ever loaded, immutable, with its files, so that any
-- old decision can be replayed. One version per effective date.
CREATE TABLE ruleset_versions (
    hash TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    effective_from TEXT NOT NULL UNIQUE,
    loaded_at TEXT NOT NULL,
    files TEXT NOT NULL
);
