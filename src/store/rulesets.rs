//! Stored rule-set versions: written once, never changed.

use diesel::prelude::*;

use super::schema::ruleset_versions as rv;
use super::{now_text, AnyConnection, StoreError};

/// A stored version.
#[derive(Debug, Clone, Queryable)]
pub struct StoredVersion {
    /// Content hash.
    pub hash: String,
    /// Rule-set name.
    pub name: String,
    /// Version label.
    pub version: String,
    /// Effective date, `YYYY-MM-DD`.
    pub effective_from: String,
    /// When it was first loaded.
    pub loaded_at: String,
    /// Its files, as JSON.
    pub files: String,
}

/// Every stored version, oldest effective date first.
pub fn all(conn: &mut AnyConnection) -> Result<Vec<StoredVersion>, StoreError> {
    Ok(rv::table.order(rv::effective_from.asc()).load(conn)?)
}

/// What happened when a version was offered for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// It is new and now stored.
    New,
    /// The same content was stored before.
    Known,
    /// Another version already takes effect that day.
    SameDay(String),
}

/// Stores a version unless its content is known; refuses a second version
/// for the same effective date.
pub fn insert(
    conn: &mut AnyConnection,
    hash: &str,
    name: &str,
    version: &str,
    effective_from: &str,
    files: &str,
) -> Result<Stored, StoreError> {
    conn.transaction(|conn| {
        let known = rv::table.find(hash).select(rv::hash).first::<String>(conn).optional()?;
        if known.is_some() {
            return Ok(Stored::Known);
        }
        let same_day = rv::table
            .filter(rv::effective_from.eq(effective_from))
            .select(rv::hash)
            .first::<String>(conn)
            .optional()?;
        if let Some(other) = same_day {
            return Ok(Stored::SameDay(other));
        }
        diesel::insert_into(rv::table)
            .values((
                rv::hash.eq(hash),
                rv::name.eq(name),
                rv::version.eq(version),
                rv::effective_from.eq(effective_from),
                rv::loaded_at.eq(now_text()),
                rv::files.eq(files),
            ))
            .execute(conn)?;
        Ok(Stored::New)
    })
}
