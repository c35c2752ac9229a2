//! The durable decision log: 64 concurrent callers each append a realistic
//! risk-assessment record and wait until it is committed; durable decisions
//! per second and p50/p99 wait; then replay of the stored decisions per
//! second and the share identical. SQLite, and PostgreSQL when
//! CREDENCE_TEST_POSTGRES_URL names a server. Run: `cargo bench --bench decision_log`.

mod common;

use std::time::{Duration, Instant};

use credence::audit::{DecisionLog, DecisionRecord, Requester, WriterConfig};
use credence::engine::decide;
use credence::engine::fixtures::facts_of;
use credence::store::Store;

const CALLERS: usize = 64;
const PER_CALLER: usize = 300;

fn run(label: &str, url: &str) {
    let store = Store::open(url, 8).unwrap();
    store.migrate().unwrap();
    let set = credence::rules::load_dir(&common::rules_dir()).unwrap();
    let facts = facts_of(&set, &set.fixtures[0]);
    let evaluated = decide::risk_assessment(&set, facts).unwrap();
    let record = |i: usize| DecisionRecord {
        id: uuid::Uuid::now_v7().to_string(),
        kind: decide::RISK_ASSESSMENT.into(),
        subject: Some(format!("bench-{i}")),
        requester: Requester {
            key_id: "bench".into(),
            role: "regulator".into(),
            department: "130400-bench".into(),
        },
        matter: None,
        purpose: None,
        as_of: Some(evaluated.facts.as_of),
        ruleset: Some(set.hash.clone()),
        input: serde_json::to_value(&evaluated.facts).unwrap(),
        output: evaluated.output.clone(),
        explanation: evaluated.explanation.clone(),
        recorded_at: credence::store::now_text(),
    };
    let log = DecisionLog::start(store.clone(), WriterConfig::default());
    let started = Instant::now();
    let mut waits: Vec<Duration> = std::thread::scope(|scope| {
        let callers: Vec<_> = (0..CALLERS)
            .map(|c| {
                let (log, record) = (&log, &record);
                scope.spawn(move || {
                    (0..PER_CALLER)
                        .map(|i| {
                            let row = record(c * PER_CALLER + i).to_row();
                            let t = Instant::now();
                            log.submit_blocking(row).unwrap().wait().unwrap();
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        callers.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let n = waits.len();
    let p50 = common::quantile(&mut waits, 0.5);
    let p99 = common::quantile(&mut waits, 0.99);
    println!("decision log {label}: {n} durable decisions from {CALLERS} callers in {seconds:.2}s = {:.0}/s, wait p50={:.2}ms p99={:.2}ms",
        n as f64 / seconds, p50.as_secs_f64() * 1e3, p99.as_secs_f64() * 1e3);

    let mut conn = store.conn().unwrap();
    let verdict = credence::audit::verify::verify(&mut conn).unwrap();
    assert!(verdict.ok);
    let rows = credence::store::decisions::page(&mut conn, 0, 5000).unwrap();
    let stored: Vec<DecisionRecord> =
        rows.iter().map(|r| serde_json::from_str(&r.body).unwrap()).collect();
    let started = Instant::now();
    let identical = stored
        .iter()
        .filter(|r| {
            let replayed = decide::replay(&set, r).unwrap();
            credence::audit::canonical::encode(&replayed)
                == credence::audit::canonical::encode(&r.output)
        })
        .count();
    let seconds = started.elapsed().as_secs_f64();
    println!("replay {label}: {} decisions in {seconds:.2}s = {:.0}/s on one thread, {identical} identical ({:.1} %)",
        stored.len(), stored.len() as f64 / seconds, 100.0 * identical as f64 / stored.len() as f64);
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    run("SQLite", &format!("sqlite://{}", dir.path().join("bench.db").display()));
    common::with_postgres(|url| run("PostgreSQL", url));
}
