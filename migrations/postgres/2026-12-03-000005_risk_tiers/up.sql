-- The latest credit-risk tier of each subject, for planners, kept by the
-- decision writer in the same transaction as the risk assessment; and the
-- checkpoints of `credence classify` runs, so that a run can resume.
CREATE TABLE risk_tiers (
    uscc TEXT PRIMARY KEY NOT NULL,
    tier TEXT NOT NULL,
    score BIGINT NOT NULL,
    division TEXT NOT NULL,
    industry TEXT,
    decision_id TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    as_of TEXT NOT NULL,
    classified_at TEXT NOT NULL
);
CREATE INDEX risk_tiers_tier ON risk_tiers (tier, division, uscc);

CREATE TABLE classify_runs (
    id TEXT PRIMARY KEY NOT NULL,
    as_of TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    started_at TEXT NOT NULL,
    checkpoint TEXT,
    done BIGINT NOT NULL,
    finished_at TEXT
);
