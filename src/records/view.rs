//! Records as the API answers them, with their status as of a date.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::validate::RecordError;
use crate::store::records::RecordRow;

/// The double-publicity deadline and whether the report met it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Timeliness {
    /// 7 working days after the decision.
    pub deadline: NaiveDate,
    /// Working days from the decision to the report.
    pub working_days: u32,
    /// Reported after the deadline.
    pub late: bool,
    /// The count ran into a year whose holiday arrangement is not yet
    /// published: weekdays with New Year's Day off; recounted when it is.
    pub provisional: bool,
}

/// A record's publicity window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicityView {
    /// First day published.
    pub from: String,
    /// Earliest day a credit repair may be granted.
    pub repair_from: String,
    /// Last day published; null while a listing stands.
    pub until: Option<String>,
    /// False when the rules say it is not published at all.
    pub published: bool,
}

/// The result for one record of a batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngestResult {
    /// Its position in the call.
    pub index: usize,
    /// created, unchanged, corrected or rejected.
    pub status: &'static str,
    /// The stored record's id.
    pub record_id: Option<String>,
    /// Double-publicity timeliness.
    pub timeliness: Option<Timeliness>,
    /// Publicity window.
    pub publicity: Option<PublicityView>,
    /// Why it was rejected.
    pub errors: Vec<RecordError>,
}

impl IngestResult {
    pub(super) fn pending(index: usize) -> Self {
        Self {
            index,
            status: "rejected",
            record_id: None,
            timeliness: None,
            publicity: None,
            errors: Vec::new(),
        }
    }

    pub(super) fn rejected(index: usize, errors: Vec<RecordError>) -> Self {
        Self { errors, ..Self::pending(index) }
    }

    pub(super) fn stored(index: usize, status: &'static str, row: &RecordRow) -> Self {
        Self {
            index,
            status,
            record_id: Some(row.id.clone()),
            timeliness: Some(timeliness_of(row)),
            publicity: Some(publicity_of(row)),
            errors: Vec::new(),
        }
    }
}

fn timeliness_of(row: &RecordRow) -> Timeliness {
    Timeliness {
        deadline: row.deadline.parse().unwrap_or_default(),
        working_days: row.working_days.max(0) as u32,
        late: row.late,
        provisional: row.provisional,
    }
}

fn publicity_of(row: &RecordRow) -> PublicityView {
    PublicityView {
        from: row.publicity_from.clone(),
        repair_from: row.repair_from.clone(),
        until: row.publicity_until.clone(),
        published: row.published,
    }
}

/// A revocation (the decision was changed, revoked or found void).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Revocation {
    /// The day the decision was revoked; the record stops counting from it.
    pub decided_on: String,
    /// Why.
    pub reason: String,
    /// When the department reported it.
    pub reported_on: String,
    /// The withdrawal deadline: 3 days after the revocation (行政处罚法 Art. 48).
    pub deadline: String,
    /// Reported after the deadline.
    pub late: bool,
}

/// A record as read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordView {
    /// Record id.
    pub id: String,
    /// The provider's id.
    pub source_id: String,
    /// The providing department.
    pub department: String,
    /// Subject code.
    pub uscc: String,
    /// Subject name as reported.
    pub name: String,
    /// Catalog item.
    pub item: String,
    /// Record kind.
    pub kind: String,
    /// Decision date.
    pub decided_on: String,
    /// First report date.
    pub reported_on: String,
    /// Document number.
    pub document_no: String,
    /// Attributes; identity numbers masked.
    #[schema(value_type = Object)]
    pub attributes: serde_json::Value,
    /// Double-publicity timeliness.
    pub timeliness: Timeliness,
    /// Publicity window.
    pub publicity: PublicityView,
    /// active, under_objection, repaired, expired, revoked, or unpublished
    /// (a minor penalty the rules do not publish), as of the date asked.
    pub status: &'static str,
    /// The revocation, if any.
    pub revocation: Option<Revocation>,
    /// 1, then +1 per correction.
    pub version: i32,
}

/// The record's status on `day`, or `None` when it was not yet known then.
pub fn status_on(row: &RecordRow, day: NaiveDate) -> Option<&'static str> {
    let on_or_before = |d: &str| d.parse::<NaiveDate>().is_ok_and(|d| d <= day);
    if !on_or_before(&row.decided_on) || !on_or_before(&row.reported_on) {
        return None;
    }
    Some(if row.revoked_on.as_deref().is_some_and(on_or_before) {
        "revoked"
    } else if row.repaired_on.as_deref().is_some_and(on_or_before) {
        "repaired"
    } else if !row.published {
        "unpublished"
    } else if row
        .publicity_until
        .as_deref()
        .is_some_and(|u| u.parse::<NaiveDate>().is_ok_and(|u| u < day))
    {
        "expired"
    } else if row.objection_open {
        "under_objection"
    } else {
        "active"
    })
}

/// A stored row as read on `day`.
pub fn view(row: &RecordRow, status: &'static str) -> RecordView {
    let revocation = match (&row.revoked_on, &row.revoke_reported_on, &row.revoke_deadline) {
        (Some(on), Some(reported), Some(deadline)) => Some(Revocation {
            decided_on: on.clone(),
            reason: row.revoke_reason.clone().unwrap_or_default(),
            reported_on: reported.clone(),
            deadline: deadline.clone(),
            late: row.revoke_late.unwrap_or(false),
        }),
        _ => None,
    };
    RecordView {
        id: row.id.clone(),
        source_id: row.source_id.clone(),
        department: row.department.clone(),
        uscc: row.uscc.clone(),
        name: row.name.clone(),
        item: row.item.clone(),
        kind: row.kind.clone(),
        decided_on: row.decided_on.clone(),
        reported_on: row.reported_on.clone(),
        document_no: row.document_no.clone(),
        attributes: serde_json::from_str(&row.attributes).unwrap_or_default(),
        timeliness: timeliness_of(row),
        publicity: publicity_of(row),
        status,
        revocation,
        version: row.version,
    }
}
