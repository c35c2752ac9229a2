//! Decisions: recorded before the answer, explained, replayed, verified;
//! tampering named; a crash loses no answered decision; two processes keep
//! one chain.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use diesel::RunQueryDsl;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Backend, Process, TestApp, TestDatabase};
use credence::domain::Role;

pub const DEBTOR: &str = "91330100799655058B";

pub fn debtor_record() -> Value {
    json!({
        "source_id": "court-2025-123", "uscc": DEBTOR, "name": "阿里巴巴（中国）有限公司",
        "item": "NAT-02-DEBTOR", "decided_on": "2025-06-01", "reported_on": "2025-06-03",
        "document_no": "（2025）冀04执123号",
        "attributes": { "court": "邯郸市中级人民法院", "case_no": "（2025）冀04执123号", "listed_on": "2025-06-01" }
    })
}

fn check_body(matter: &str) -> Value {
    json!({ "uscc": DEBTOR, "matter": matter, "as_of": "2026-03-02", "purpose": "采购资格审查" })
}

both_backends!(a_sanction_check_is_recorded_explained_and_replayed, |app: TestApp| {
    let court = app.key_for(Role::Provider, "130400-court");
    let finance = app.key_for(Role::Regulator, "130400-finance");
    let auditor = app.key(Role::Auditor);
    let ingest = app.call(
        "POST",
        "/v1/records",
        Some(&court),
        Some(&json!({ "records": [debtor_record()] })),
    );
    let record_id = ingest.body["results"][0]["record_id"].as_str().unwrap().to_owned();

    let check = app.call(
        "POST",
        "/v1/sanction-checks",
        Some(&finance),
        Some(&check_body("government_procurement")),
    );
    assert_eq!(check.status, 200, "{}", check.text);
    let measures = check.body["measures"].as_array().unwrap();
    let debtor =
        measures.iter().find(|m| m["code"] == "NAT-G1-011").expect("the debtor measure applies");
    assert_eq!(debtor["kind"], "restriction");
    assert_eq!(debtor["list"], "national");
    assert_eq!(debtor["implemented_by_caller"], true, "finance implements it");
    assert_eq!(debtor["triggered_by"], json!([record_id]));
    assert!(!debtor["basis"].as_array().unwrap().is_empty());
    assert!(measures.iter().all(|m| m["kind"] != "incentive"), "no incentive while dishonest");
    assert_eq!(check.body["as_of"], "2026-03-02");
    let id = check.body["decision_id"].as_str().unwrap().to_owned();

    let stored = app.call("GET", &format!("/v1/decisions/{id}"), Some(&auditor), None);
    assert_eq!(stored.status, 200, "{}", stored.text);
    assert_eq!(stored.body["kind"], "sanction_check");
    assert_eq!(stored.body["purpose"], "采购资格审查");
    assert_eq!(stored.body["requester"]["department"], "130400-finance");
    assert_eq!(stored.body["input"]["records"][0]["id"], record_id.as_str());
    assert_eq!(stored.body["explanation"][0]["records"][0]["id"], record_id.as_str());
    assert_eq!(stored.body["seq"], 1);
    let other = app.key_for(Role::Regulator, "130400-housing");
    assert_eq!(app.call("GET", &format!("/v1/decisions/{id}"), Some(&other), None).status, 403);

    let replay = app.call("POST", &format!("/v1/decisions/{id}/replay"), Some(&auditor), None);
    assert_eq!(replay.status, 200, "{}", replay.text);
    assert_eq!(replay.body["identical"], true);
    assert_eq!(replay.body["stored_hash"], replay.body["replayed_hash"]);

    let risk = app.call(
        "POST",
        "/v1/risk-assessments",
        Some(&finance),
        Some(&json!({ "uscc": DEBTOR, "as_of": "2026-03-02" })),
    );
    assert_eq!(risk.status, 200, "{}", risk.text);
    assert_eq!(risk.body["tier"], "D");
    assert!(risk.body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["records"] == json!([record_id])));
    let risk_id = risk.body["decision_id"].as_str().unwrap();
    let replay = app.call("POST", &format!("/v1/decisions/{risk_id}/replay"), Some(&auditor), None);
    assert_eq!(replay.body["identical"], true);

    let report = json!({ "applied": true, "measures": [{ "code": "NAT-G1-011", "applied": true, "note": "不予采购资格" }], "note": "联合惩戒案例" });
    let executed =
        app.call("POST", &format!("/v1/decisions/{id}/execution"), Some(&finance), Some(&report));
    assert_eq!(executed.status, 201, "{}", executed.text);
    let wrong =
        json!({ "applied": true, "measures": [{ "code": "NAT-INC-001", "applied": true }] });
    assert_eq!(
        app.call("POST", &format!("/v1/decisions/{id}/execution"), Some(&finance), Some(&wrong))
            .status,
        422
    );
    assert_eq!(
        app.call("POST", &format!("/v1/decisions/{id}/execution"), Some(&other), Some(&report))
            .status,
        403
    );
    assert_eq!(
        app.call(
            "POST",
            &format!("/v1/decisions/{risk_id}/execution"),
            Some(&finance),
            Some(&report)
        )
        .status,
        422
    );

    let verify = app.call("GET", "/v1/audit/verify", Some(&auditor), None);
    assert_eq!(verify.body, json!({ "ok": true, "records": 3, "first_bad": null }));

    let page = app.call("GET", "/v1/decisions?limit=2", Some(&auditor), None);
    assert_eq!(page.body["decisions"].as_array().unwrap().len(), 2);
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let rest =
        app.call("GET", &format!("/v1/decisions?limit=2&cursor={cursor}"), Some(&auditor), None);
    assert_eq!(rest.body["decisions"].as_array().unwrap().len(), 1);
    assert_eq!(rest.body["decisions"][0]["id"], id.as_str(), "oldest last");
    let kind = app.call(
        "GET",
        &format!("/v1/decisions?kind=risk_assessment&uscc={DEBTOR}"),
        Some(&auditor),
        None,
    );
    assert_eq!(kind.body["decisions"].as_array().unwrap().len(), 1);
    let none = app.call("GET", "/v1/decisions?from=2001-01-01&to=2001-01-02", Some(&auditor), None);
    assert!(none.body["decisions"].as_array().unwrap().is_empty());
    assert_eq!(app.call("GET", "/v1/decisions?cursor=zz", Some(&auditor), None).status, 400);

    let unknown =
        app.call("POST", "/v1/sanction-checks", Some(&finance), Some(&check_body("astrology")));
    assert_eq!(unknown.status, 422);
    let early = app.call(
        "POST",
        "/v1/risk-assessments",
        Some(&finance),
        Some(&json!({ "uscc": DEBTOR, "as_of": "2018-01-01" })),
    );
    assert_eq!(early.body["code"], "no_ruleset_for_date");
});

both_backends!(tampering_is_named_by_verify, |app: TestApp| {
    let regulator = app.key(Role::Regulator);
    let auditor = app.key(Role::Auditor);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let answer = app.call(
            "POST",
            "/v1/risk-assessments",
            Some(&regulator),
            Some(&json!({ "uscc": DEBTOR, "as_of": "2026-03-02" })),
        );
        ids.push(answer.body["decision_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(app.call("GET", "/v1/audit/verify", Some(&auditor), None).body["ok"], true);

    let mut conn = app.store.conn().unwrap();
    let sql = format!("UPDATE decisions SET body = REPLACE(body, '\"as_of\":\"2026-03-02\"', '\"as_of\":\"2026-03-01\"') WHERE id = '{}'", ids[1]);
    assert_eq!(diesel::sql_query(sql).execute(&mut *conn).unwrap(), 1);
    let verdict = app.call("GET", "/v1/audit/verify", Some(&auditor), None).body;
    assert_eq!(verdict["ok"], false);
    assert_eq!(verdict["first_bad"]["id"], ids[1].as_str());
    assert_eq!(verdict["first_bad"]["seq"], 2);
    assert_eq!(verdict["records"], 1, "the records before it hold");
});

#[test]
fn the_command_verifies_and_fails_on_a_tampered_chain() {
    let app = TestApp::spawn(Backend::Sqlite).unwrap();
    let regulator = app.key(Role::Regulator);
    let answer = app.call(
        "POST",
        "/v1/risk-assessments",
        Some(&regulator),
        Some(&json!({ "uscc": DEBTOR })),
    );
    let id = answer.body["decision_id"].as_str().unwrap().to_owned();
    let url = app.db_url().to_owned();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_credence"))
            .args(["audit", "verify", "--database", &url])
            .output()
            .unwrap()
    };
    let good = run();
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stdout));
    let sql = format!("UPDATE decisions SET department = 'someone-else' WHERE id = '{id}'");
    diesel::sql_query(sql).execute(&mut *app.store.conn().unwrap()).unwrap();
    let bad = run();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stdout).contains(&id));
}

/// Fires decisions from `threads` threads until `stop`; answers the ids that got a 2xx.
fn hammer(base: &str, key: &str, threads: usize, stop: &AtomicBool, answered: &Mutex<Vec<String>>) {
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let client = reqwest::blocking::Client::builder()
                    .timeout(std::time::Duration::from_secs(5))
                    .build()
                    .unwrap();
                while !stop.load(Ordering::Relaxed) {
                    let sent = client
                        .post(format!("{base}/v1/risk-assessments"))
                        .bearer_auth(key)
                        .json(&json!({ "uscc": DEBTOR, "as_of": "2026-03-02" }))
                        .send();
                    let Ok(response) = sent else { break };
                    if !response.status().is_success() {
                        continue;
                    }
                    if let Ok(body) = response.json::<Value>() {
                        answered
                            .lock()
                            .unwrap()
                            .push(body["decision_id"].as_str().unwrap().to_owned());
                    }
                }
            });
        }
    });
}

/// A fresh, migrated database with a regulator key, for tests that run the binary.
fn migrated_with_key(backend: Backend) -> Option<(TestDatabase, credence::store::Store, String)> {
    let db = TestDatabase::new(backend)?;
    let store = credence::store::Store::open(&db.url, 2).unwrap();
    store.migrate().unwrap();
    let mut conn = store.conn().unwrap();
    let key =
        credence::store::keys::create(&mut conn, Role::Regulator, "130400-finance").unwrap().1;
    drop(conn);
    Some((db, store, key))
}

fn crash_loses_nothing(backend: Backend) {
    let Some((db, store, key)) = migrated_with_key(backend) else {
        eprintln!("PostgreSQL not configured: skipped");
        return;
    };
    let server = Process::start(&db.url);
    let base = server.base.clone();
    let stop = AtomicBool::new(false);
    let answered = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        scope.spawn(|| hammer(&base, &key, 8, &stop, &answered));
        while answered.lock().unwrap().len() < 200 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
    });
    let answered = answered.into_inner().unwrap();
    assert!(answered.len() >= 200);

    let restarted = Process::start(&db.url);
    let mut conn = store.conn().unwrap();
    for id in &answered {
        assert!(
            credence::store::decisions::get(&mut conn, id).unwrap().is_some(),
            "decision {id} got a 2xx and is lost"
        );
    }
    let verdict = credence::audit::verify::verify(&mut conn).unwrap();
    assert!(verdict.ok, "{verdict:?}");
    assert!(verdict.records >= answered.len() as i64);
    drop(restarted);
}

#[test]
fn sqlite_a_kill_9_loses_no_answered_decision() {
    crash_loses_nothing(Backend::Sqlite);
}

#[test]
fn postgres_a_kill_9_loses_no_answered_decision() {
    crash_loses_nothing(Backend::Postgres);
}

#[test]
fn two_processes_on_one_postgres_database_keep_one_chain() {
    let Some((db, store, key)) = migrated_with_key(Backend::Postgres) else {
        eprintln!("PostgreSQL not configured: skipped");
        return;
    };
    let (a, b) = (Process::start(&db.url), Process::start(&db.url));
    let stop = AtomicBool::new(false);
    let answered = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        scope.spawn(|| hammer(&a.base, &key, 4, &stop, &answered));
        scope.spawn(|| hammer(&b.base, &key, 4, &stop, &answered));
        while answered.lock().unwrap().len() < 400 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        stop.store(true, Ordering::Relaxed);
    });
    let answered = answered.into_inner().unwrap();
    let verdict = credence::audit::verify::verify(&mut store.conn().unwrap()).unwrap();
    assert!(verdict.ok, "{verdict:?}");
    assert_eq!(verdict.records, answered.len() as i64);
}
