//! The latest tier per subject, and classify checkpoints.

use diesel::prelude::*;

use super::schema::{classify_runs as runs, risk_tiers as t};
use super::{now_text, AnyConnection, StoreError};

/// A subject's latest tier.
#[expect(
    missing_docs,
    reason = "each field is the column of the same name in the risk_tiers migration"
)]
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = t)]
pub struct TierRow {
    pub uscc: String,
    pub tier: String,
    pub score: i64,
    pub division: String,
    pub industry: Option<String>,
    pub decision_id: String,
    pub ruleset: String,
    pub as_of: String,
    pub classified_at: String,
}

/// Keeps the row unless a tier for a later as-of date is stored already.
/// One statement; `ON CONFLICT ... DO UPDATE ... WHERE` reads the same on
/// SQLite (3.24 and later) and PostgreSQL.
pub fn upsert(conn: &mut AnyConnection, row: &TierRow) -> Result<(), StoreError> {
    use diesel::sql_types::{BigInt, Nullable, Text};
    diesel::sql_query(
        "INSERT INTO risk_tiers (uscc, tier, score, division, industry, decision_id, ruleset, as_of, classified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (uscc) DO UPDATE SET tier = excluded.tier, score = excluded.score, \
         division = excluded.division, industry = excluded.industry, decision_id = excluded.decision_id, \
         ruleset = excluded.ruleset, as_of = excluded.as_of, classified_at = excluded.classified_at \
         WHERE risk_tiers.as_of <= excluded.as_of",
    )
    .bind::<Text, _>(&row.uscc)
    .bind::<Text, _>(&row.tier)
    .bind::<BigInt, _>(row.score)
    .bind::<Text, _>(&row.division)
    .bind::<Nullable<Text>, _>(&row.industry)
    .bind::<Text, _>(&row.decision_id)
    .bind::<Text, _>(&row.ruleset)
    .bind::<Text, _>(&row.as_of)
    .bind::<Text, _>(&row.classified_at)
    .execute(conn)?;
    Ok(())
}

/// Filters of the planners' list.
#[derive(Debug, Clone, Default)]
pub struct TierFilter {
    /// Tier letter.
    pub tier: Option<String>,
    /// Division code prefix (130400 matches 1304xx).
    pub division: Option<String>,
    /// Industry code prefix.
    pub industry: Option<String>,
    /// Only codes after this one (the cursor).
    pub after: Option<String>,
}

/// Tiers by code, at most `limit`.
pub fn list(
    conn: &mut AnyConnection,
    f: &TierFilter,
    limit: i64,
) -> Result<Vec<TierRow>, StoreError> {
    let mut q = t::table.into_boxed();
    if let Some(tier) = &f.tier {
        q = q.filter(t::tier.eq(tier.clone()));
    }
    if let Some(d) = &f.division {
        let prefix = d.trim_end_matches("00").trim_end_matches("00");
        q = q.filter(t::division.like(format!("{prefix}%")));
    }
    if let Some(i) = &f.industry {
        q = q.filter(t::industry.like(format!("{i}%")));
    }
    if let Some(after) = &f.after {
        q = q.filter(t::uscc.gt(after.clone()));
    }
    Ok(q.order(t::uscc.asc()).limit(limit).select(TierRow::as_select()).load(conn)?)
}

/// Counts per tier.
pub fn distribution(conn: &mut AnyConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(t::table
        .group_by(t::tier)
        .select((t::tier, diesel::dsl::count_star()))
        .order(t::tier.asc())
        .load(conn)?)
}

/// A classify run.
#[expect(
    missing_docs,
    reason = "each field is the column of the same name in the classify_runs migration"
)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = runs)]
pub struct RunRow {
    pub id: String,
    pub as_of: String,
    pub ruleset: String,
    pub started_at: String,
    pub checkpoint: Option<String>,
    pub done: i64,
    pub finished_at: Option<String>,
}

/// The unfinished run for this date and rule set, if any.
pub fn unfinished_run(
    conn: &mut AnyConnection,
    as_of: &str,
    ruleset: &str,
) -> Result<Option<RunRow>, StoreError> {
    Ok(runs::table
        .filter(runs::as_of.eq(as_of))
        .filter(runs::ruleset.eq(ruleset))
        .filter(runs::finished_at.is_null())
        .order(runs::started_at.desc())
        .select(RunRow::as_select())
        .first(conn)
        .optional()?)
}

/// Starts a run.
pub fn start_run(
    conn: &mut AnyConnection,
    as_of: &str,
    ruleset: &str,
) -> Result<RunRow, StoreError> {
    let row = RunRow {
        id: uuid::Uuid::now_v7().to_string(),
        as_of: as_of.into(),
        ruleset: ruleset.into(),
        started_at: now_text(),
        checkpoint: None,
        done: 0,
        finished_at: None,
    };
    diesel::insert_into(runs::table)
        .values((
            runs::id.eq(&row.id),
            runs::as_of.eq(&row.as_of),
            runs::ruleset.eq(&row.ruleset),
            runs::started_at.eq(&row.started_at),
            runs::done.eq(0i64),
        ))
        .execute(conn)?;
    Ok(row)
}

/// Moves a run's checkpoint once everything up to `uscc` is committed.
pub fn checkpoint(
    conn: &mut AnyConnection,
    id: &str,
    uscc: &str,
    done: i64,
) -> Result<(), StoreError> {
    diesel::update(runs::table.find(id))
        .set((runs::checkpoint.eq(uscc), runs::done.eq(done)))
        .execute(conn)?;
    Ok(())
}

/// Marks a run finished.
pub fn finish_run(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    diesel::update(runs::table.find(id)).set(runs::finished_at.eq(now_text())).execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Code {
    #[diesel(sql_type = diesel::sql_types::Text)]
    uscc: String,
}

/// Codes of every subject (registered, or known from records) after `after`, in order.
/// Each side is limited first, so that a page costs two index range scans.
pub fn subject_codes(
    conn: &mut AnyConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<Code> = diesel::sql_query(
        "SELECT uscc FROM ( \
           SELECT uscc FROM (SELECT uscc FROM subjects WHERE uscc > $1 ORDER BY uscc LIMIT $2) AS s \
           UNION \
           SELECT uscc FROM (SELECT DISTINCT uscc FROM records WHERE uscc > $1 ORDER BY uscc LIMIT $2) AS r \
         ) AS codes ORDER BY uscc LIMIT $2",
    )
    .bind::<diesel::sql_types::Text, _>(after)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(|c| c.uscc).collect())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// How many subjects classify will visit.
pub fn subject_count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let rows: Vec<Count> = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (SELECT uscc FROM subjects UNION SELECT uscc FROM records) AS codes",
    )
    .load(conn)?;
    Ok(rows.first().map_or(0, |c| c.n))
}
