//! API tests: one binary, the real server on port 0 against a fresh database.
//! Every test runs on SQLite; with `CREDENCE_TEST_POSTGRES_URL` set it also
//! runs on PostgreSQL, each test in a database of its own.

mod helpers;

mod bad_input;
mod cli;
mod decisions;
mod planning;
mod records;
mod roles;
mod rules;
mod service;
mod storage;
mod subjects;
mod uscc;
