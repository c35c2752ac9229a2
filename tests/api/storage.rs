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

#[test]
fn postgres_connections_lost_under_the_service_are_replaced() {
    use credence::domain::Role;
    use diesel::{Connection, RunQueryDsl};

    let Some(app) = crate::helpers::TestApp::spawn(Backend::Postgres) else {
        eprintln!("PostgreSQL not configured: skipped");
        return;
    };
    let key = app.key(Role::Regulator);
    let body = serde_json::json!({ "uscc": "914403001922038216" });
    let answer = app.call("POST", "/v1/risk-assessments", Some(&key), Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.text);

    let admin = std::env::var(crate::helpers::POSTGRES_ENV).unwrap();
    let database = app.db_url().rsplit('/').next().unwrap().to_owned();
    let mut conn = diesel::PgConnection::establish(&admin).unwrap();
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    ))
    .execute(&mut conn)
    .unwrap();

    let statuses: Vec<u16> = (0..12)
        .map(|_| app.call("POST", "/v1/risk-assessments", Some(&key), Some(&body)).status)
        .collect();
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "never a 500: {statuses:?}");
    assert!(statuses.contains(&503), "the lost connections were noticed: {statuses:?}");
    assert_eq!(statuses.last(), Some(&200), "the service recovers: {statuses:?}");
}
