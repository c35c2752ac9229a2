//! The planners' view: a synthetic population, `classify` re-tiering it
//! (resumable), and `GET /v1/risk-tiers`.

use credence::audit::{DecisionLog, WriterConfig};
use credence::domain::Role;
use credence::planning::{classify, synthetic};
use credence::rules::Registry;

use crate::both_backends;
use crate::helpers::{shipped_rules, TestApp};

fn options(limit: Option<i64>) -> classify::Options {
    classify::Options {
        as_of: credence::rules::registry::today(),
        threads: 2,
        restart: false,
        department: "130400-credit-office".into(),
        chunk: 100,
        limit,
    }
}

both_backends!(classify_tiers_a_synthetic_population_and_resumes, |app: TestApp| {
    let registry = Registry::new(shipped_rules());
    registry.load_at_start(&app.store);
    let loaded = synthetic::load(&app.store, &registry, 600, 7).unwrap();
    assert_eq!(loaded.subjects, 600);
    assert_eq!(loaded.rejected, 0, "every synthetic record is valid");
    assert!(loaded.records > 200);

    let log = DecisionLog::start(app.store.clone(), WriterConfig::default());
    let first = classify::run(&app.store, &registry, &log, &options(Some(250))).unwrap();
    assert_eq!(first.assessed, 300, "whole chunks of 100 up to the limit");
    let second = classify::run(&app.store, &registry, &log, &options(None)).unwrap();
    assert_eq!(second.run, first.run, "the unfinished run resumes");
    assert!(second.resumed_after.is_some());
    assert_eq!(second.assessed, 300);
    assert_eq!(second.total, 600);
    let third = classify::run(&app.store, &registry, &log, &options(None)).unwrap();
    assert_ne!(third.run, first.run, "a finished run is not resumed");
    assert_eq!(third.assessed, 600);

    let verdict = credence::audit::verify::verify(&mut app.store.conn().unwrap()).unwrap();
    assert!(verdict.ok);
    assert_eq!(verdict.records, 1200, "every tier is a decision");

    let planner = app.key(Role::Planner);
    let all = app.call("GET", "/v1/risk-tiers?limit=1000", Some(&planner), None);
    assert_eq!(all.status, 200, "{}", all.text);
    let counts = &all.body["counts"];
    let total: i64 = ["A", "B", "C", "D"].iter().map(|t| counts[*t].as_i64().unwrap_or(0)).sum();
    assert_eq!(total, 600);
    assert!(counts["B"].as_i64().unwrap() > 480, "most subjects are B: {counts}");
    assert!(counts["D"].as_i64().unwrap_or(0) < 30, "{counts}");

    let d = app.call("GET", "/v1/risk-tiers?tier=D", Some(&planner), None);
    assert!(d.body["tiers"].as_array().unwrap().iter().all(|t| t["tier"] == "D"));
    let county = app.call("GET", "/v1/risk-tiers?division=130402&limit=1000", Some(&planner), None);
    let rows = county.body["tiers"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|t| t["division"] == "130402"));
    let city = app.call("GET", "/v1/risk-tiers?division=130400&limit=1000", Some(&planner), None);
    assert_eq!(city.body["tiers"].as_array().unwrap().len(), 600, "a city matches its counties");
    let page = app.call("GET", "/v1/risk-tiers?limit=250", Some(&planner), None);
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let next =
        app.call("GET", &format!("/v1/risk-tiers?limit=250&cursor={cursor}"), Some(&planner), None);
    assert!(next.body["tiers"][0]["uscc"].as_str().unwrap() > cursor);
    assert_eq!(app.call("GET", "/v1/risk-tiers?tier=E", Some(&planner), None).status, 400);

    // A risk assessment over REST updates the planners' tier too.
    let code = rows[0]["uscc"].as_str().unwrap().to_owned();
    let regulator = app.key(Role::Regulator);
    let assessed = app.call(
        "POST",
        "/v1/risk-assessments",
        Some(&regulator),
        Some(&serde_json::json!({ "uscc": code })),
    );
    let again = app.call("GET", "/v1/risk-tiers?division=130402&limit=1000", Some(&planner), None);
    let row = again.body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["uscc"] == code.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["decision_id"], assessed.body["decision_id"]);
});
