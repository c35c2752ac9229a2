//! The decision log's rows. Appending locks the chain head first (a write on
//! both backends: SQLite's write lock, PostgreSQL's row lock), so that every
//! process appends to one chain.

use diesel::prelude::*;

use super::schema::{decision_chain_head as head, decisions as d};
use super::{AnyConnection, StoreError};

/// A row to append; `seq`, `prev_hash` and `hash` are given by the chain.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// Decision id.
    pub id: String,
    /// Kind of decision.
    pub kind: String,
    /// Subject code.
    pub uscc: Option<String>,
    /// Requester's department.
    pub department: String,
    /// Rule-set hash.
    pub ruleset: Option<String>,
    /// When it was recorded.
    pub recorded_at: String,
    /// Canonical JSON of the whole record.
    pub body: String,
    /// For a risk assessment: the subject's tier, kept for planners in the same transaction.
    pub tier: Option<super::tiers::TierRow>,
}

/// A stored row.
#[derive(Debug, Clone, Queryable)]
pub struct StoredDecision {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Decision id.
    pub id: String,
    /// Kind.
    pub kind: String,
    /// Subject code.
    pub uscc: Option<String>,
    /// Requester's department.
    pub department: String,
    /// Rule-set hash.
    pub ruleset: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// Canonical JSON.
    pub body: String,
    /// Hash of the previous row.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

/// Appends a batch in one transaction; answers (seq, hash) per row.
pub fn append(
    conn: &mut AnyConnection,
    batch: &[NewDecision],
    chain_hash: impl Fn(&str, &str) -> String,
) -> Result<Vec<(i64, String)>, StoreError> {
    conn.transaction(|conn| {
        diesel::update(head::table.find(1)).set(head::last_seq.eq(head::last_seq)).execute(conn)?;
        let (mut seq, mut prev): (i64, String) =
            head::table.find(1).select((head::last_seq, head::last_hash)).first(conn)?;
        let mut out = Vec::with_capacity(batch.len());
        let mut rows = Vec::with_capacity(batch.len());
        for row in batch {
            seq += 1;
            let hash = chain_hash(&prev, &row.body);
            rows.push((
                d::seq.eq(seq),
                d::id.eq(&row.id),
                d::kind.eq(&row.kind),
                d::uscc.eq(&row.uscc),
                d::department.eq(&row.department),
                d::ruleset.eq(&row.ruleset),
                d::recorded_at.eq(&row.recorded_at),
                d::body.eq(&row.body),
                d::prev_hash.eq(prev.clone()),
                d::hash.eq(hash.clone()),
            ));
            out.push((seq, hash.clone()));
            prev = hash;
        }
        // Multi-row inserts, 200 rows a statement: bind parameters stay well under the limits.
        // Each backend's own connection: diesel's batch insert is not offered through the enum.
        for chunk in rows.chunks(200) {
            let insert = diesel::insert_into(d::table).values(chunk);
            match conn {
                AnyConnection::Sqlite(c) => insert.execute(c)?,
                AnyConnection::Pg(c) => insert.execute(c)?,
            };
        }
        for tier in batch.iter().filter_map(|row| row.tier.as_ref()) {
            super::tiers::upsert(conn, tier)?;
        }
        diesel::update(head::table.find(1))
            .set((head::last_seq.eq(seq), head::last_hash.eq(&prev)))
            .execute(conn)?;
        Ok(out)
    })
}

/// One decision by id.
pub fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<StoredDecision>, StoreError> {
    Ok(d::table.filter(d::id.eq(id)).first(conn).optional()?)
}

/// Filters for listing.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Subject code.
    pub uscc: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Recorded at or after (RFC 3339 prefix compare).
    pub from: Option<String>,
    /// Recorded before.
    pub to: Option<String>,
    /// Only rows before this seq (the cursor).
    pub before_seq: Option<i64>,
}

/// Newest first, at most `limit`.
pub fn list(
    conn: &mut AnyConnection,
    f: &Filter,
    limit: i64,
) -> Result<Vec<StoredDecision>, StoreError> {
    let mut q = d::table.into_boxed();
    if let Some(u) = &f.uscc {
        q = q.filter(d::uscc.eq(u.clone()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(d::kind.eq(k.clone()));
    }
    if let Some(from) = &f.from {
        q = q.filter(d::recorded_at.ge(from.clone()));
    }
    if let Some(to) = &f.to {
        q = q.filter(d::recorded_at.lt(to.clone()));
    }
    if let Some(before) = f.before_seq {
        q = q.filter(d::seq.lt(before));
    }
    Ok(q.order(d::seq.desc()).limit(limit).load(conn)?)
}

/// Rows after `after_seq`, oldest first, for verification.
pub fn page(
    conn: &mut AnyConnection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<StoredDecision>, StoreError> {
    Ok(d::table.filter(d::seq.gt(after_seq)).order(d::seq.asc()).limit(limit).load(conn)?)
}

/// The chain head: (last seq, last hash).
pub fn head(conn: &mut AnyConnection) -> Result<(i64, String), StoreError> {
    Ok(head::table.find(1).select((head::last_seq, head::last_hash)).first(conn)?)
}
