//! Subjects: read and upsert by code.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::subjects;
use super::{now_text, AnyConnection, StoreError};
use crate::domain::{Subject, SubjectKind, SubjectStatus, Uscc};

#[derive(Queryable, Selectable)]
#[diesel(table_name = subjects)]
struct SubjectRow {
    uscc: String,
    name: String,
    kind: String,
    division: String,
    industry: Option<String>,
    established_on: Option<String>,
    status: String,
}

impl SubjectRow {
    fn into_subject(self) -> Result<Subject, StoreError> {
        let corrupt = |what: &str| {
            StoreError::Query(diesel::result::Error::DeserializationError(
                format!("subject {}: stored {what} is not valid", self.uscc).into(),
            ))
        };
        Ok(Subject {
            uscc: Uscc::parse(&self.uscc).map_err(|_| corrupt("code"))?,
            kind: SubjectKind::parse(&self.kind).ok_or_else(|| corrupt("kind"))?,
            status: SubjectStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            established_on: match &self.established_on {
                Some(d) => Some(d.parse::<NaiveDate>().map_err(|_| corrupt("date"))?),
                None => None,
            },
            name: self.name,
            division: self.division,
            industry: self.industry,
        })
    }
}

/// Reads one subject.
pub fn get(conn: &mut AnyConnection, uscc: &Uscc) -> Result<Option<Subject>, StoreError> {
    let row: Option<SubjectRow> = subjects::table
        .find(uscc.as_str())
        .select(SubjectRow::as_select())
        .first(conn)
        .optional()?;
    row.map(SubjectRow::into_subject).transpose()
}

/// Several subjects by code (absent codes are left out).
pub fn get_many(conn: &mut AnyConnection, codes: &[String]) -> Result<Vec<Subject>, StoreError> {
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(500) {
        let rows: Vec<SubjectRow> = subjects::table
            .filter(subjects::uscc.eq_any(chunk))
            .select(SubjectRow::as_select())
            .load(conn)?;
        for row in rows {
            out.push(row.into_subject()?);
        }
    }
    Ok(out)
}

/// Inserts or replaces a subject; answers true when it was new.
pub fn upsert(conn: &mut AnyConnection, subject: &Subject) -> Result<bool, StoreError> {
    conn.transaction(|conn| {
        let now = now_text();
        let established = subject.established_on.map(|d| d.to_string());
        let exists = subjects::table
            .find(subject.uscc.as_str())
            .select(subjects::uscc)
            .first::<String>(conn)
            .optional()?
            .is_some();
        if exists {
            diesel::update(subjects::table.find(subject.uscc.as_str()))
                .set((
                    subjects::name.eq(&subject.name),
                    subjects::kind.eq(subject.kind.as_str()),
                    subjects::division.eq(&subject.division),
                    subjects::industry.eq(&subject.industry),
                    subjects::established_on.eq(&established),
                    subjects::status.eq(subject.status.as_str()),
                    subjects::updated_at.eq(&now),
                ))
                .execute(conn)?;
        } else {
            diesel::insert_into(subjects::table)
                .values((
                    subjects::uscc.eq(subject.uscc.as_str()),
                    subjects::name.eq(&subject.name),
                    subjects::kind.eq(subject.kind.as_str()),
                    subjects::division.eq(&subject.division),
                    subjects::industry.eq(&subject.industry),
                    subjects::established_on.eq(&established),
                    subjects::status.eq(subject.status.as_str()),
                    subjects::created_at.eq(&now),
                    subjects::updated_at.eq(&now),
                ))
                .execute(conn)?;
        }
        Ok(!exists)
    })
}

/// Inserts new subjects in one transaction (the demo loader); known codes are skipped.
pub fn insert_many(conn: &mut AnyConnection, list: &[Subject]) -> Result<usize, StoreError> {
    conn.transaction(|conn| {
        let codes: Vec<&str> = list.iter().map(|s| s.uscc.as_str()).collect();
        let mut known = std::collections::HashSet::new();
        for chunk in codes.chunks(500) {
            let found: Vec<String> = subjects::table
                .filter(subjects::uscc.eq_any(chunk))
                .select(subjects::uscc)
                .load(conn)?;
            known.extend(found);
        }
        let now = now_text();
        let mut inserted = 0;
        for s in list.iter().filter(|s| !known.contains(s.uscc.as_str())) {
            diesel::insert_into(subjects::table)
                .values((
                    subjects::uscc.eq(s.uscc.as_str()),
                    subjects::name.eq(&s.name),
                    subjects::kind.eq(s.kind.as_str()),
                    subjects::division.eq(&s.division),
                    subjects::industry.eq(&s.industry),
                    subjects::established_on.eq(s.established_on.map(|d| d.to_string())),
                    subjects::status.eq(s.status.as_str()),
                    subjects::created_at.eq(&now),
                    subjects::updated_at.eq(&now),
                ))
                .execute(conn)?;
            inserted += 1;
        }
        Ok(inserted)
    })
}
