//! Public credit records (公共信用信息): ingest bound to the catalog,
//! double-publicity timeliness on the working-day calendar, publicity
//! windows, revocation, reading as of a date.

pub mod validate;
pub mod view;

use std::collections::HashSet;

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::audit::canonical;
use crate::domain::id_number::IdNumber;
use crate::engine::publicity;
use crate::rules::calendar::Calendar;
use crate::rules::{Registry, RuleSet};
use crate::store::records::{self as rows, Outcome, RecordRow};
use crate::store::{now_text, AnyConnection, StoreError};
use validate::{check, CheckedRecord, RecordError};
pub use view::{IngestResult, PublicityView, RecordView, Timeliness};

/// Working days a department has to publish a licence or penalty decision
/// (国办发〔2019〕35号 as recalled in DOMAIN.md §7; the Handan action plan says the same).
pub const DOUBLE_PUBLICITY_WORKING_DAYS: u32 = 7;

/// Days to withdraw a published decision that was changed, revoked or found
/// void (行政处罚法 2021 Art. 48, verified in DOMAIN.md §7).
pub const WITHDRAWAL_DAYS: u64 = 3;

/// Most records in one call.
pub const MAX_BATCH: usize = 5_000;

/// Who sends the records.
#[derive(Debug, Clone)]
pub struct Sender {
    /// The key's id, for the correction history.
    pub key_id: String,
    /// The department; every record is stored under it.
    pub department: String,
}

/// The double-publicity deadline of a decision and whether the report met it.
pub fn timeliness(
    calendar: &Calendar,
    decided_on: NaiveDate,
    reported_on: NaiveDate,
) -> Result<Timeliness, String> {
    let deadline = calendar
        .add_working_days(decided_on, DOUBLE_PUBLICITY_WORKING_DAYS)
        .map_err(|e| e.to_string())?;
    let used = calendar.working_days_between(decided_on, reported_on).map_err(|e| e.to_string())?;
    Ok(Timeliness {
        deadline: deadline.value,
        working_days: used.value,
        late: reported_on > deadline.value,
        provisional: deadline.provisional || used.provisional,
    })
}

fn keyed_hash(secret: &str, id: &IdNumber) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(id.expose().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn content_hash(r: &CheckedRecord) -> String {
    let content = serde_json::json!({
        "uscc": r.uscc.as_str(), "name": r.name, "item": r.item,
        "decided_on": r.decided_on, "document_no": r.document_no, "attributes": r.attributes,
    });
    crate::audit::record::sha256_hex(&canonical::encode(&content))
}

fn to_row(set: &RuleSet, r: &CheckedRecord, sender: &Sender, t: &Timeliness) -> RecordRow {
    let w = publicity::window(set, r.kind, &r.attributes, r.decided_on);
    let now = now_text();
    RecordRow {
        id: uuid::Uuid::now_v7().to_string(),
        department: sender.department.clone(),
        source_id: r.source_id.clone(),
        uscc: r.uscc.to_string(),
        name: r.name.clone(),
        item: r.item.clone(),
        kind: r.kind.as_str().to_owned(),
        decided_on: r.decided_on.to_string(),
        reported_on: r.reported_on.to_string(),
        document_no: r.document_no.clone(),
        attributes: canonical::encode(&Value::Object(r.attributes.clone())),
        content_hash: content_hash(r),
        deadline: t.deadline.to_string(),
        working_days: t.working_days as i32,
        late: t.late,
        provisional: t.provisional,
        publicity_from: w.from.to_string(),
        repair_from: w.repair_from.to_string(),
        publicity_until: w.until.map(|d| d.to_string()),
        published: w.published,
        revoked_on: None,
        revoke_reason: None,
        revoke_reported_on: None,
        revoke_deadline: None,
        revoke_late: None,
        repaired_on: None,
        objection_open: false,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    }
}

/// Checks and stores a batch; one result per record, in order. Valid
/// records are stored even when others are rejected.
pub fn ingest(
    conn: &mut AnyConnection,
    registry: &Registry,
    sender: &Sender,
    raw: &[Value],
    today: NaiveDate,
) -> Result<Vec<IngestResult>, StoreError> {
    let calendar_set = registry.active();
    let secret = rows::secret(conn, "pii_hash_key")?;
    let protect = |id: &IdNumber| keyed_hash(&secret, id);
    let mut results: Vec<IngestResult> = Vec::with_capacity(raw.len());
    let mut accepted: Vec<(usize, RecordRow)> = Vec::new();
    let mut seen = HashSet::new();

    for (index, value) in raw.iter().enumerate() {
        let checked = check(value, |d| registry.in_force(d), today, &protect).and_then(|r| {
            if !seen.insert(r.source_id.clone()) {
                return Err(vec![RecordError {
                    pointer: "/source_id".into(),
                    code: "duplicate_source_id".into(),
                    detail: format!("source_id {} appears twice in this call", r.source_id),
                }]);
            }
            let calendar = calendar_set.as_ref().map(|s| &s.calendar).ok_or_else(|| {
                vec![RecordError {
                    pointer: String::new(),
                    code: "no_ruleset".into(),
                    detail: "no rule set is active".into(),
                }]
            })?;
            let t = timeliness(calendar, r.decided_on, r.reported_on).map_err(|detail| {
                vec![RecordError {
                    pointer: "/decided_on".into(),
                    code: "before_calendar".into(),
                    detail,
                }]
            })?;
            let set =
                registry.in_force(r.decided_on).expect("checked: a rule set governs the date");
            Ok(to_row(&set, &r, sender, &t))
        });
        match checked {
            Ok(row) => {
                accepted.push((index, row));
                results.push(IngestResult::pending(index));
            }
            Err(errors) => results.push(IngestResult::rejected(index, errors)),
        }
    }

    let (indexes, batch): (Vec<usize>, Vec<RecordRow>) = accepted.into_iter().unzip();
    if !batch.is_empty() {
        let stored = rows::ingest(conn, &sender.key_id, batch)?;
        for (index, (outcome, row)) in indexes.into_iter().zip(stored) {
            let status = match outcome {
                Outcome::Created(_) => "created",
                Outcome::Unchanged(_) => "unchanged",
                Outcome::Corrected(_) => "corrected",
            };
            results[index] = IngestResult::stored(index, status, &row);
        }
    }
    Ok(results)
}

/// Recounts deadlines that ran into a year whose holiday arrangement was not
/// yet published, now that the calendar may cover it. Answers how many changed.
pub fn recount_provisional(
    conn: &mut AnyConnection,
    calendar: &Calendar,
) -> Result<usize, StoreError> {
    let mut changed = 0;
    for row in rows::provisional(conn)? {
        let (Ok(decided), Ok(reported)) = (row.decided_on.parse(), row.reported_on.parse()) else {
            continue;
        };
        let Ok(t) = timeliness(calendar, decided, reported) else { continue };
        if t.provisional && t.deadline.to_string() == row.deadline {
            continue;
        }
        rows::set_timeliness(
            conn,
            &row.id,
            &t.deadline.to_string(),
            t.working_days as i32,
            t.late,
            t.provisional,
        )?;
        changed += 1;
    }
    Ok(changed)
}
