//! Storage: URL schemes, and each migration tree up, down and up again.

use credence::store::Store;

use crate::helpers::{Backend, TestDatabase};

fn round_trip(backend: Backend) {
    let Some(db) = TestDatabase::new(backend) else {
        eprintln!("PostgreSQL not configured: skipped");
        return;
    };
    let store = Store::open(&db.url, 1).unwrap();
    let up = store.migrate().unwrap();
    assert!(up > 0);
    assert_eq!(store.revert_all().unwrap(), up);
    assert_eq!(store.migrate().unwrap(), up);
    assert_eq!(store.migrate().unwrap(), 0, "nothing pending after a full run");
}

#[test]
fn sqlite_migrations_go_up_down_and_up() {
    round_trip(Backend::Sqlite);
}

#[test]
fn postgres_migrations_go_up_down_and_up() {
    round_trip(Backend::Postgres);
}

#[test]
fn unknown_scheme_is_refused() {
    let err = Store::open("mysql://root@localhost/test", 1).err().unwrap();
    assert!(err.to_string().contains("'mysql' is not supported"), "{err}");
}

#[test]
fn a_postgres_url_never_opens_sqlite() {
    let result = Store::open("postgres://nobody@127.0.0.1:1/nothing", 1);
    let err = result.err().expect("an unreachable PostgreSQL is an error");
    assert!(err.to_string().contains("no database connection"), "{err}");
    assert!(!std::path::Path::new("postgres:").exists(), "no SQLite file was created");
}
