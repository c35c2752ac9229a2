//! Record ingest: batches of 1,000 valid records through the full check and
//! store path, records per second per batch (median of 20 batches). SQLite by
//! default; PostgreSQL too when CREDENCE_TEST_POSTGRES_URL names a server.
//! Run: `cargo bench --bench ingest`.

mod common;

use std::time::Instant;

use credence::domain::Uscc;
use credence::records::{self, Sender};
use credence::rules::Registry;
use credence::store::Store;
use serde_json::json;

fn batch(start: u64) -> Vec<serde_json::Value> {
    (start..start + 1000)
        .map(|i| {
            let body = format!("{:08}", 10_000_000 + i);
            let uscc = Uscc::from_parts("91", "130402", &body).unwrap();
            json!({
                "source_id": format!("bench-{i}"), "uscc": uscc.as_str(), "name": format!("邯郸基准测试{i}有限公司"),
                "item": "NAT-03-PEN", "decided_on": "2026-09-24", "reported_on": "2026-10-09",
                "document_no": format!("邯市监罚〔2026〕{i}号"),
                "attributes": { "penalty_types": ["罚款"], "severity": "general", "fine_yuan": "5000.00" }
            })
        })
        .collect()
}

fn run(label: &str, url: &str) {
    let store = Store::open(url, 4).unwrap();
    store.migrate().unwrap();
    let registry = Registry::new(common::rules_dir());
    registry.load_at_start(&store);
    let sender = Sender { key_id: "bench".into(), department: "130400-bench".into() };
    let today = credence::rules::registry::today();
    let mut conn = store.conn().unwrap();
    let mut rates = Vec::new();
    for b in 0..20 {
        let records = batch(b * 1000);
        let started = Instant::now();
        let results = records::ingest(&mut conn, &registry, &sender, &records, today).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert!(results.iter().all(|r| r.status == "created"), "{:?}", results[0]);
        rates.push(1000.0 / seconds);
    }
    println!(
        "ingest {label}: 20 batches of 1000 records, median {:.0} records/s (min {:.0}, max {:.0})",
        common::median(&mut rates.clone()),
        rates.iter().cloned().fold(f64::MAX, f64::min),
        rates.iter().cloned().fold(0.0, f64::max)
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    run("SQLite", &format!("sqlite://{}", dir.path().join("bench.db").display()));
    common::with_postgres(|url| run("PostgreSQL", url));
}
