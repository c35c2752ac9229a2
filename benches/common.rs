//! Shared by the benchmarks: percentiles and the shipped rules.

#![allow(dead_code, reason = "each benchmark uses part of this module")]

use std::path::PathBuf;
use std::time::Duration;

/// The shipped rules folder.
pub fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
}

/// The value at quantile `q` (0..=1) of `samples`, sorted in place.
pub fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[i]
}

/// The median of several figures.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// Microseconds, for printing.
pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Runs `f` on a scratch PostgreSQL database when CREDENCE_TEST_POSTGRES_URL
/// names a server, then drops the database.
pub fn with_postgres(f: impl FnOnce(&str)) {
    use diesel::{Connection, RunQueryDsl};
    let Ok(admin) = std::env::var("CREDENCE_TEST_POSTGRES_URL") else { return };
    let name = format!("credence_bench_{}", std::process::id());
    let mut conn = diesel::PgConnection::establish(&admin).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    f(&format!("{base}/{name}"));
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn).unwrap();
}
