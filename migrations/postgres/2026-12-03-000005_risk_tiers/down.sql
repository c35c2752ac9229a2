DROP TABLE classify_runs;
DROP INDEX risk_tiers_tier;
DROP TABLE risk_tiers;
