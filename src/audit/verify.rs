//! Walks the chain from the start, a page at a time, and reports the first
//! record that does not hold: a gap in the sequence, a broken link, a hash
//! that does not match its body, a body that is not canonical, or a query
//! column that disagrees with the body.

use serde::Serialize;
use utoipa::ToSchema;

use super::canonical;
use super::record::chain_hash;
use crate::store::decisions::{self, StoredDecision};
use crate::store::{AnyConnection, StoreError};

/// The first record that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BadRecord {
    /// Its position in the chain.
    pub seq: i64,
    /// Its id.
    pub id: String,
    /// What is wrong.
    pub reason: String,
}

/// The verdict on the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verdict {
    /// True when every record holds.
    pub ok: bool,
    /// Records checked.
    pub records: i64,
    /// The first bad record, if any.
    pub first_bad: Option<BadRecord>,
}

const PAGE: i64 = 2_000;

/// Verifies the whole chain.
pub fn verify(conn: &mut AnyConnection) -> Result<Verdict, StoreError> {
    let mut prev = "0".repeat(64);
    let mut expected = 1;
    let mut count = 0;
    loop {
        let page = decisions::page(conn, expected - 1, PAGE)?;
        if page.is_empty() {
            break;
        }
        for row in &page {
            if let Some(reason) = check(row, expected, &prev) {
                return Ok(bad(count, row, reason));
            }
            prev = row.hash.clone();
            expected += 1;
            count += 1;
        }
    }
    let (last_seq, last_hash) = decisions::head(conn)?;
    if last_seq != count || (count > 0 && last_hash != prev) {
        let reason =
            format!("the chain head names record {last_seq} but the chain ends at {count}");
        let first_bad = Some(BadRecord { seq: count + 1, id: String::new(), reason });
        return Ok(Verdict { ok: false, records: count, first_bad });
    }
    Ok(Verdict { ok: true, records: count, first_bad: None })
}

fn bad(count: i64, row: &StoredDecision, reason: String) -> Verdict {
    Verdict {
        ok: false,
        records: count,
        first_bad: Some(BadRecord { seq: row.seq, id: row.id.clone(), reason }),
    }
}

fn check(row: &StoredDecision, expected: i64, prev: &str) -> Option<String> {
    if row.seq != expected {
        return Some(format!("record {expected} is missing (found {})", row.seq));
    }
    if row.prev_hash != prev {
        return Some("its link does not match the previous record's hash".into());
    }
    if chain_hash(prev, &row.body) != row.hash {
        return Some("its hash does not match its content".into());
    }
    let Ok(body) = serde_json::from_str::<serde_json::Value>(&row.body) else {
        return Some("its body is not JSON".into());
    };
    if canonical::encode(&body) != row.body {
        return Some("its body is not in canonical form".into());
    }
    let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let department = body.pointer("/requester/department").and_then(|v| v.as_str());
    let agrees = text("id").as_deref() == Some(row.id.as_str())
        && text("kind").as_deref() == Some(row.kind.as_str())
        && text("subject") == row.uscc
        && text("ruleset") == row.ruleset
        && text("recorded_at").as_deref() == Some(row.recorded_at.as_str())
        && department == Some(row.department.as_str());
    if !agrees {
        return Some("a query column disagrees with the recorded body".into());
    }
    None
}
