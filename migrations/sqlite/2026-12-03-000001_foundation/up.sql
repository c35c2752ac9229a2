-- API keys (stored as SHA-256 hashes only) and credit subjects.
-- Instants are RFC 3339 UTC text, dates YYYY-MM-DD text: portable and ordered.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    department TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE subjects (
    uscc TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    division TEXT NOT NULL,
    industry TEXT,
    established_on TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX subjects_division ON subjects (division);
