//! Subjects: read and upsert by code.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::subjects;
use super::{now_text, AnyConnection, StoreError};
use crate::domain::{Subject, SubjectKind, SubjectStatus, Uscc};

#[derive(Queryable)]
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
        .select((
            subjects::uscc,
            subjects::name,
            subjects::kind,
            subjects::division,
            subjects::industry,
            subjects::established_on,
            subjects::status,
        ))
        .first(conn)
        .optional()?;
    row.map(SubjectRow::into_subject).transpose()
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
