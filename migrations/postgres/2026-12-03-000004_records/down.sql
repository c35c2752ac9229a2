DROP TABLE service_secrets;
DROP TABLE uscc_conflicts;
DROP TABLE access_log;
DROP TABLE record_history;
DROP TABLE records;
