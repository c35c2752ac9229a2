DROP TABLE ruleset_versions;
