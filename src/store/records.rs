//! Records: idempotent batch ingest with correction history, reads, revocation,
//! the access log and duplicate or wrong code cases.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::schema::{access_log, record_history, records as r, subjects, uscc_conflicts as c};
use super::{now_text, AnyConnection, StoreError};

/// A stored record, all columns.
#[expect(
    missing_docs,
    reason = "each field is the column of the same name in the records migration"
)]
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = r)]
pub struct RecordRow {
    pub id: String,
    pub department: String,
    pub source_id: String,
    pub uscc: String,
    pub name: String,
    pub item: String,
    pub kind: String,
    pub decided_on: String,
    pub reported_on: String,
    pub document_no: String,
    pub attributes: String,
    pub content_hash: String,
    pub deadline: String,
    pub working_days: i32,
    pub late: bool,
    pub provisional: bool,
    pub publicity_from: String,
    pub repair_from: String,
    pub publicity_until: Option<String>,
    pub published: bool,
    pub revoked_on: Option<String>,
    pub revoke_reason: Option<String>,
    pub revoke_reported_on: Option<String>,
    pub revoke_deadline: Option<String>,
    pub revoke_late: Option<bool>,
    pub repaired_on: Option<String>,
    pub objection_open: bool,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

/// What happened to one record of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored for the first time.
    Created(String),
    /// The same content was stored before.
    Unchanged(String),
    /// A changed record under a known source id: stored, with its history.
    Corrected(String),
}

/// A duplicate or wrong code case (重错码).
#[expect(
    missing_docs,
    reason = "each field is the column of the same name in the records migration"
)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = c)]
pub struct ConflictRow {
    pub id: String,
    pub kind: String,
    pub uscc: String,
    pub name: String,
    pub other: String,
    pub record_id: String,
    pub department: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
}

const CHUNK: usize = 500;

/// Stores a batch in one transaction. `rows` carry fresh ids; a row whose
/// (department, source_id) is known keeps the stored id.
pub fn ingest(
    conn: &mut AnyConnection,
    key_id: &str,
    rows: Vec<RecordRow>,
) -> Result<Vec<(Outcome, RecordRow)>, StoreError> {
    conn.transaction(|conn| {
        let department = rows.first().map(|r| r.department.clone()).unwrap_or_default();
        let mut known: HashMap<String, RecordRow> = HashMap::new();
        let ids: Vec<&str> = rows.iter().map(|row| row.source_id.as_str()).collect();
        for chunk in ids.chunks(CHUNK) {
            let found: Vec<RecordRow> = r::table
                .filter(r::department.eq(&department))
                .filter(r::source_id.eq_any(chunk))
                .select(RecordRow::as_select())
                .load(conn)?;
            known.extend(found.into_iter().map(|row| (row.source_id.clone(), row)));
        }

        let mut outcomes = Vec::with_capacity(rows.len());
        let mut touched = Vec::new();
        for mut row in rows {
            match known.get(&row.source_id) {
                None => {
                    diesel::insert_into(r::table).values(&row).execute(conn)?;
                    outcomes.push((Outcome::Created(row.id.clone()), row.clone()));
                    touched.push(row);
                }
                Some(old) if old.content_hash == row.content_hash => {
                    outcomes.push((Outcome::Unchanged(old.id.clone()), old.clone()));
                }
                Some(old) => {
                    row.id = old.id.clone();
                    row.version = old.version + 1;
                    row.reported_on = old.reported_on.clone();
                    row.created_at = old.created_at.clone();
                    row.revoked_on = old.revoked_on.clone();
                    row.revoke_reason = old.revoke_reason.clone();
                    row.revoke_reported_on = old.revoke_reported_on.clone();
                    row.revoke_deadline = old.revoke_deadline.clone();
                    row.revoke_late = old.revoke_late;
                    row.repaired_on = old.repaired_on.clone();
                    row.objection_open = old.objection_open;
                    if row.decided_on == old.decided_on {
                        row.deadline = old.deadline.clone();
                        row.working_days = old.working_days;
                        row.late = old.late;
                        row.provisional = old.provisional;
                    }
                    correct(conn, key_id, old, &row)?;
                    outcomes.push((Outcome::Corrected(row.id.clone()), row.clone()));
                    touched.push(row);
                }
            }
        }
        detect_conflicts(conn, key_id, &touched)?;
        Ok(outcomes)
    })
}

fn correct(
    conn: &mut AnyConnection,
    key_id: &str,
    old: &RecordRow,
    new: &RecordRow,
) -> Result<(), StoreError> {
    let mut changes = serde_json::Map::new();
    let fields = [
        ("uscc", &old.uscc, &new.uscc),
        ("name", &old.name, &new.name),
        ("item", &old.item, &new.item),
        ("decided_on", &old.decided_on, &new.decided_on),
        ("document_no", &old.document_no, &new.document_no),
        ("attributes", &old.attributes, &new.attributes),
    ];
    for (field, before, after) in fields {
        if before != after {
            changes.insert(field.into(), serde_json::json!({ "from": before, "to": after }));
        }
    }
    diesel::update(r::table.find(&new.id)).set(new_values(new)).execute(conn)?;
    diesel::insert_into(record_history::table)
        .values((
            record_history::id.eq(uuid::Uuid::now_v7().to_string()),
            record_history::record_id.eq(&new.id),
            record_history::version.eq(new.version),
            record_history::changed_by.eq(key_id),
            record_history::changed_at.eq(now_text()),
            record_history::changes.eq(serde_json::Value::Object(changes).to_string()),
        ))
        .execute(conn)?;
    // A correction closes the record's open code cases; detection reopens what still holds.
    diesel::update(c::table.filter(c::record_id.eq(&new.id)).filter(c::closed_at.is_null()))
        .set((c::closed_at.eq(now_text()), c::closed_by.eq(key_id)))
        .execute(conn)?;
    Ok(())
}

#[expect(clippy::type_complexity, reason = "diesel's changeset tuple")]
fn new_values(
    n: &RecordRow,
) -> (
    diesel::dsl::Eq<r::uscc, String>,
    diesel::dsl::Eq<r::name, String>,
    diesel::dsl::Eq<r::item, String>,
    diesel::dsl::Eq<r::kind, String>,
    diesel::dsl::Eq<r::decided_on, String>,
    diesel::dsl::Eq<r::document_no, String>,
    diesel::dsl::Eq<r::attributes, String>,
    diesel::dsl::Eq<r::content_hash, String>,
    (
        diesel::dsl::Eq<r::deadline, String>,
        diesel::dsl::Eq<r::working_days, i32>,
        diesel::dsl::Eq<r::late, bool>,
        diesel::dsl::Eq<r::provisional, bool>,
        diesel::dsl::Eq<r::publicity_from, String>,
        diesel::dsl::Eq<r::repair_from, String>,
        diesel::dsl::Eq<r::publicity_until, Option<String>>,
        diesel::dsl::Eq<r::published, bool>,
        diesel::dsl::Eq<r::version, i32>,
        diesel::dsl::Eq<r::updated_at, String>,
    ),
) {
    (
        r::uscc.eq(n.uscc.clone()),
        r::name.eq(n.name.clone()),
        r::item.eq(n.item.clone()),
        r::kind.eq(n.kind.clone()),
        r::decided_on.eq(n.decided_on.clone()),
        r::document_no.eq(n.document_no.clone()),
        r::attributes.eq(n.attributes.clone()),
        r::content_hash.eq(n.content_hash.clone()),
        (
            r::deadline.eq(n.deadline.clone()),
            r::working_days.eq(n.working_days),
            r::late.eq(n.late),
            r::provisional.eq(n.provisional),
            r::publicity_from.eq(n.publicity_from.clone()),
            r::repair_from.eq(n.repair_from.clone()),
            r::publicity_until.eq(n.publicity_until.clone()),
            r::published.eq(n.published),
            r::version.eq(n.version),
            r::updated_at.eq(now_text()),
        ),
    )
}

/// Opens a case per (kind, code, other) that is not open yet.
fn detect_conflicts(
    conn: &mut AnyConnection,
    key_id: &str,
    rows: &[RecordRow],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let codes: Vec<&str> =
        rows.iter().map(|x| x.uscc.as_str()).collect::<HashSet<_>>().into_iter().collect();
    let names: Vec<&str> =
        rows.iter().map(|x| x.name.as_str()).collect::<HashSet<_>>().into_iter().collect();
    let mut registered: HashMap<String, (String, String)> = HashMap::new();
    for chunk in codes.chunks(CHUNK) {
        let found: Vec<(String, String, String)> = subjects::table
            .filter(subjects::uscc.eq_any(chunk))
            .select((subjects::uscc, subjects::name, subjects::kind))
            .load(conn)?;
        registered.extend(found.into_iter().map(|(u, n, k)| (u, (n, k))));
    }
    let mut codes_by_name: HashMap<String, HashSet<String>> = HashMap::new();
    for chunk in names.chunks(CHUNK) {
        let from_records: Vec<(String, String)> = r::table
            .filter(r::name.eq_any(chunk))
            .select((r::name, r::uscc))
            .distinct()
            .load(conn)?;
        let from_subjects: Vec<(String, String)> = subjects::table
            .filter(subjects::name.eq_any(chunk))
            .select((subjects::name, subjects::uscc))
            .load(conn)?;
        for (name, code) in from_records.into_iter().chain(from_subjects) {
            codes_by_name.entry(name).or_default().insert(code);
        }
    }

    let mut cases: Vec<(&'static str, &RecordRow, String)> = Vec::new();
    for row in rows {
        if let Some((name, kind)) = registered.get(&row.uscc) {
            if name != &row.name {
                cases.push(("name_mismatch", row, name.clone()));
            }
            if category_misfits(&row.uscc, kind) {
                cases.push(("category_mismatch", row, format!("registered as {kind}")));
            }
        }
        if row.uscc.starts_with("92") && row.name.contains("公司") {
            cases.push((
                "category_mismatch",
                row,
                "an individual business code on a company name".into(),
            ));
        }
        for other in codes_by_name.get(&row.name).into_iter().flatten() {
            if other != &row.uscc {
                cases.push(("name_under_two_codes", row, other.clone()));
            }
        }
    }
    for (kind, row, other) in cases {
        let open: i64 = c::table
            .filter(c::kind.eq(kind))
            .filter(c::uscc.eq(&row.uscc))
            .filter(c::other.eq(&other))
            .filter(c::closed_at.is_null())
            .count()
            .get_result(conn)?;
        if open > 0 {
            continue;
        }
        diesel::insert_into(c::table)
            .values((
                c::id.eq(uuid::Uuid::now_v7().to_string()),
                c::kind.eq(kind),
                c::uscc.eq(&row.uscc),
                c::name.eq(&row.name),
                c::other.eq(&other),
                c::record_id.eq(&row.id),
                c::department.eq(&row.department),
                c::opened_at.eq(now_text()),
            ))
            .execute(conn)?;
        tracing::info!(
            conflict.kind = kind,
            record.id = %row.id,
            opened_by = key_id,
            "code case opened"
        );
    }
    Ok(())
}

/// Whether a registered kind contradicts the code's category (positions 1-2).
fn category_misfits(code: &str, kind: &str) -> bool {
    use crate::domain::{SubjectKind, Uscc};
    match Uscc::parse(code).ok().as_ref().and_then(SubjectKind::implied_by) {
        Some(implied) => kind != implied.as_str(),
        None => kind == "enterprise" || kind == "individual_business",
    }
}

/// A subject's records, oldest decision first.
pub fn for_subject(conn: &mut AnyConnection, uscc: &str) -> Result<Vec<RecordRow>, StoreError> {
    Ok(r::table
        .filter(r::uscc.eq(uscc))
        .order((r::decided_on.asc(), r::id.asc()))
        .select(RecordRow::as_select())
        .load(conn)?)
}

/// The records of several subjects, by code then decision date.
pub fn for_subjects(
    conn: &mut AnyConnection,
    codes: &[String],
) -> Result<Vec<RecordRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in codes.chunks(CHUNK) {
        let rows: Vec<RecordRow> = r::table
            .filter(r::uscc.eq_any(chunk))
            .order((r::uscc.asc(), r::decided_on.asc(), r::id.asc()))
            .select(RecordRow::as_select())
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// One record.
pub fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<RecordRow>, StoreError> {
    Ok(r::table.find(id).select(RecordRow::as_select()).first(conn).optional()?)
}

/// Records the revocation of a record; nothing is deleted.
pub fn revoke(
    conn: &mut AnyConnection,
    id: &str,
    decided_on: &str,
    reason: &str,
    reported_on: &str,
    deadline: &str,
    late: bool,
) -> Result<(), StoreError> {
    diesel::update(r::table.find(id))
        .set((
            r::revoked_on.eq(decided_on),
            r::revoke_reason.eq(reason),
            r::revoke_reported_on.eq(reported_on),
            r::revoke_deadline.eq(deadline),
            r::revoke_late.eq(late),
            r::updated_at.eq(now_text()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes one line of the access log: who read whose records, what, and why.
pub fn log_access(
    conn: &mut AnyConnection,
    who: &super::keys::Principal,
    uscc: &str,
    purpose: Option<&str>,
    what: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(access_log::table)
        .values((
            access_log::id.eq(uuid::Uuid::now_v7().to_string()),
            access_log::key_id.eq(&who.key_id),
            access_log::role.eq(who.role.as_str()),
            access_log::department.eq(&who.department),
            access_log::uscc.eq(uscc),
            access_log::purpose.eq(purpose),
            access_log::what.eq(what),
            access_log::accessed_at.eq(now_text()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Open code cases, oldest first; for a provider only its department's.
pub fn open_conflicts(
    conn: &mut AnyConnection,
    department: Option<&str>,
    limit: i64,
) -> Result<Vec<ConflictRow>, StoreError> {
    let mut q = c::table.filter(c::closed_at.is_null()).into_boxed();
    if let Some(d) = department {
        q = q.filter(c::department.eq(d.to_owned()));
    }
    Ok(q.order(c::opened_at.asc()).limit(limit).select(ConflictRow::as_select()).load(conn)?)
}

/// Records whose deadline was counted on an unpublished year.
pub fn provisional(conn: &mut AnyConnection) -> Result<Vec<RecordRow>, StoreError> {
    Ok(r::table.filter(r::provisional.eq(true)).select(RecordRow::as_select()).load(conn)?)
}

/// Stores a recomputed deadline.
pub fn set_timeliness(
    conn: &mut AnyConnection,
    id: &str,
    deadline: &str,
    working_days: i32,
    late: bool,
    provisional: bool,
) -> Result<(), StoreError> {
    diesel::update(r::table.find(id))
        .set((
            r::deadline.eq(deadline),
            r::working_days.eq(working_days),
            r::late.eq(late),
            r::provisional.eq(provisional),
        ))
        .execute(conn)?;
    Ok(())
}

/// The correction history of a record, oldest first: (version, by, at, changes).
pub fn history(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Vec<(i32, String, String, String)>, StoreError> {
    Ok(record_history::table
        .filter(record_history::record_id.eq(id))
        .order(record_history::version.asc())
        .select((
            record_history::version,
            record_history::changed_by,
            record_history::changed_at,
            record_history::changes,
        ))
        .load(conn)?)
}

/// The service's secret of this name, made on first use.
pub fn secret(conn: &mut AnyConnection, name: &str) -> Result<String, StoreError> {
    use super::schema::service_secrets as s;
    conn.transaction(|conn| {
        if let Some(v) = s::table.find(name).select(s::value).first::<String>(conn).optional()? {
            return Ok(v);
        }
        let value = super::keys::generate_secret();
        diesel::insert_into(s::table)
            .values((s::name.eq(name), s::value.eq(&value), s::created_at.eq(now_text())))
            .execute(conn)?;
        Ok(value)
    })
}
