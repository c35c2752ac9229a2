//! `GET /v1/risk-tiers`: the planners' view of the latest tier per subject.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ApiResult};
use super::AppState;
use crate::store;

/// Filters of the planners' tier list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TierQuery {
    /// A, B, C or D.
    pub tier: Option<String>,
    /// Division code; 130400 also matches its counties (1304xx).
    pub division: Option<String>,
    /// Industry code prefix (GB/T 4754).
    pub industry: Option<String>,
    /// At most this many (1-1000, default 200).
    pub limit: Option<i64>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A page of tiers.
#[derive(Serialize, ToSchema)]
pub struct TierPage {
    /// By code.
    pub tiers: Vec<TierView>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
    /// Subjects per tier over the whole register.
    pub counts: std::collections::BTreeMap<String, i64>,
}

/// A subject's latest tier.
#[derive(Serialize, ToSchema)]
pub struct TierView {
    /// Subject code.
    pub uscc: String,
    /// A, B, C or D.
    pub tier: String,
    /// Score before overrides.
    pub score: i64,
    /// Division code.
    pub division: String,
    /// Industry code.
    pub industry: Option<String>,
    /// The as-of date of the assessment.
    pub as_of: String,
    /// The risk assessment decision behind it.
    pub decision_id: String,
    /// Rule-set hash.
    pub ruleset: String,
    /// When it was assessed.
    pub classified_at: String,
}

/// The latest credit-risk tier of each subject, for "double random, one
/// public" planning, by tier, division and industry. Tiers come from
/// `credence classify` and from every risk assessment; they are not published.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), params(TierQuery),
    responses((status = 200, body = TierPage), (status = 400, body = super::error::Problem)))]
#[get("/v1/risk-tiers")]
pub async fn risk_tiers(
    state: web::Data<AppState>,
    query: web::Query<TierQuery>,
) -> ApiResult<HttpResponse> {
    let limit = query.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("invalid_query", "limit is between 1 and 1000"));
    }
    if query.tier.as_deref().is_some_and(|t| crate::domain::Tier::parse(t).is_none()) {
        return Err(ApiError::bad_request("invalid_query", "tier is one of A, B, C, D"));
    }
    let filter = store::tiers::TierFilter {
        tier: query.tier.clone(),
        division: query.division.clone(),
        industry: query.industry.clone(),
        after: query.cursor.clone(),
    };
    let (rows, counts) = state
        .store
        .run(move |conn| {
            Ok((store::tiers::list(conn, &filter, limit)?, store::tiers::distribution(conn)?))
        })
        .await?;
    let next_cursor =
        (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.uscc.clone())).flatten();
    let tiers = rows
        .into_iter()
        .map(|r| TierView {
            uscc: r.uscc,
            tier: r.tier,
            score: r.score,
            division: r.division,
            industry: r.industry,
            as_of: r.as_of,
            decision_id: r.decision_id,
            ruleset: r.ruleset,
            classified_at: r.classified_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(TierPage {
        tiers,
        next_cursor,
        counts: counts.into_iter().collect(),
    }))
}
