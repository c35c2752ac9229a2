-- Public credit records as reported by departments, their correction history,
-- who read whose records, duplicate or wrong code cases, and service secrets.
CREATE TABLE records (
    id TEXT PRIMARY KEY NOT NULL,
    department TEXT NOT NULL,
    source_id TEXT NOT NULL,
    uscc TEXT NOT NULL,
    name TEXT NOT NULL,
    item TEXT NOT NULL,
    kind TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    document_no TEXT NOT NULL,
    attributes TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    deadline TEXT NOT NULL,
    working_days INTEGER NOT NULL,
    late BOOLEAN NOT NULL,
    provisional BOOLEAN NOT NULL,
    publicity_from TEXT NOT NULL,
    repair_from TEXT NOT NULL,
    publicity_until TEXT,
    published BOOLEAN NOT NULL,
    revoked_on TEXT,
    revoke_reason TEXT,
    revoke_reported_on TEXT,
    revoke_deadline TEXT,
    revoke_late BOOLEAN,
    repaired_on TEXT,
    objection_open BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (department, source_id)
);
CREATE INDEX records_uscc ON records (uscc, decided_on);
CREATE INDEX records_name ON records (name);

CREATE TABLE record_history (
    id TEXT PRIMARY KEY NOT NULL,
    record_id TEXT NOT NULL REFERENCES records (id),
    version INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX record_history_record ON record_history (record_id, version);

CREATE TABLE access_log (
    id TEXT PRIMARY KEY NOT NULL,
    key_id TEXT NOT NULL,
    role TEXT NOT NULL,
    department TEXT NOT NULL,
    uscc TEXT NOT NULL,
    purpose TEXT,
    what TEXT NOT NULL,
    accessed_at TEXT NOT NULL
);
CREATE INDEX access_log_uscc ON access_log (uscc, accessed_at);

CREATE TABLE uscc_conflicts (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    uscc TEXT NOT NULL,
    name TEXT NOT NULL,
    other TEXT NOT NULL,
    record_id TEXT NOT NULL,
    department TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT
);
CREATE INDEX uscc_conflicts_open ON uscc_conflicts (closed_at, opened_at);

CREATE TABLE service_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
