DROP INDEX subjects_division;
DROP TABLE subjects;
DROP TABLE api_keys;
