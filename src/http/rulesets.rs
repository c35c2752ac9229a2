//! Rule sets, measures and the catalog: `GET /v1/rulesets`,
//! `GET /v1/rulesets/{hash}`, `POST /v1/rulesets/reload`, `GET /v1/measures`,
//! `GET /v1/catalog`.

use std::sync::Arc;

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ApiResult, FieldError};
use super::AppState;
use crate::rules::registry::{today, ReloadError, VersionInfo};
use crate::rules::set::{CatalogDef, MeasureDef};
use crate::rules::RuleSet;

/// The versions known to the service.
#[derive(Serialize, ToSchema)]
pub struct RulesetList {
    /// Every version, oldest first.
    pub rulesets: Vec<VersionInfo>,
}

/// One version with its files.
#[derive(Serialize, ToSchema)]
pub struct RulesetDetail {
    /// Its listing.
    #[serde(flatten)]
    pub info: VersionInfo,
    /// Rule-set name.
    pub name: String,
    /// What changed.
    pub description: String,
    /// Counts of what it holds.
    pub measures: usize,
    /// Catalog items.
    pub catalog_items: usize,
    /// Its files, exactly as hashed.
    pub files: Vec<FileView>,
}

/// A rule file.
#[derive(Serialize, ToSchema)]
pub struct FileView {
    /// Path inside the rules folder.
    pub path: String,
    /// Contents.
    pub text: String,
}

/// The date of a read, and for measures the matter.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// `YYYY-MM-DD`; today (China Standard Time) when absent.
    pub as_of: Option<NaiveDate>,
    /// Only measures for this matter.
    pub matter: Option<String>,
}

/// Measures in force.
#[derive(Serialize, ToSchema)]
pub struct MeasureList {
    /// Hash of the rule set that answered.
    pub ruleset: String,
    /// The date.
    pub as_of: NaiveDate,
    /// The measures.
    pub measures: Vec<MeasureDef>,
}

/// Catalog items in force.
#[derive(Serialize, ToSchema)]
pub struct CatalogList {
    /// Hash of the rule set that answered.
    pub ruleset: String,
    /// The date.
    pub as_of: NaiveDate,
    /// The items.
    pub items: Vec<CatalogDef>,
}

/// The version in force on `day`, or 422 when the date is before every version.
pub fn ruleset_on(state: &AppState, day: NaiveDate) -> Result<Arc<RuleSet>, ApiError> {
    state.rules.in_force(day).ok_or_else(|| {
        if state.rules.is_empty() {
            ApiError::unavailable("no_ruleset", "no rule set is active", 5)
        } else {
            ApiError::unprocessable("no_ruleset_for_date", format!("no rule set governs {day}"))
        }
    })
}

/// Lists every rule-set version.
#[utoipa::path(tag = "rules", security(("bearer" = [])),
    responses((status = 200, body = RulesetList)))]
#[get("/v1/rulesets")]
pub async fn list(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(RulesetList { rulesets: state.rules.list() })
}

/// One version with its files.
#[utoipa::path(tag = "rules", security(("bearer" = [])),
    params(("hash" = String, Path, description = "Content hash")),
    responses((status = 200, body = RulesetDetail), (status = 404, body = super::error::Problem)))]
#[get("/v1/rulesets/{hash}")]
pub async fn detail(
    state: web::Data<AppState>,
    hash: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let set = state
        .rules
        .by_hash(&hash)
        .ok_or_else(|| ApiError::not_found("ruleset_not_found", format!("no rule set {hash}")))?;
    let info = state.rules.info(&set.hash).expect("listed");
    let files = set
        .sources
        .files
        .iter()
        .map(|f| FileView { path: f.path.clone(), text: f.text.clone() })
        .collect();
    Ok(HttpResponse::Ok().json(RulesetDetail {
        info,
        name: set.name.clone(),
        description: set.description.clone(),
        measures: set.measures.len(),
        catalog_items: set.catalog.len(),
        files,
    }))
}

/// Loads the rules folder: lint, compile, run the fixtures, store the new
/// version and swap it in. Requests in flight finish on the version they
/// started with; a failing folder answers 422 and the version in force stays.
#[utoipa::path(tag = "rules", security(("bearer" = [])),
    responses(
        (status = 200, description = "Loaded (or already known)", body = VersionInfo),
        (status = 422, description = "Findings as file:line:col", body = super::error::Problem)
    ))]
#[post("/v1/rulesets/reload")]
pub async fn reload(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let worker = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        let set = worker.rules.reload(&worker.store)?;
        let mut conn = worker.store.conn().map_err(ReloadError::Store)?;
        if let Some(active) = worker.rules.active() {
            let recounted = crate::records::recount_provisional(&mut conn, &active.calendar)
                .map_err(ReloadError::Store)?;
            tracing::info!(records.recounted = recounted, "provisional deadlines recounted");
        }
        Ok(set)
    })
    .await
    .map_err(ApiError::internal)?;
    match result {
        Ok(set) => {
            tracing::info!(
                ruleset.hash = %set.hash,
                ruleset.version = %set.version,
                "rule set reloaded"
            );
            let info = state.rules.info(&set.hash).expect("listed");
            Ok(HttpResponse::Ok().json(info))
        }
        Err(ReloadError::Store(e)) => Err(e.into()),
        Err(ReloadError::Invalid(findings)) => {
            let summary = findings.iter().map(|f| f.headline()).collect::<Vec<_>>().join("\n");
            let fields = findings
                .into_iter()
                .map(|f| FieldError {
                    pointer: format!("{}:{}:{}", f.file, f.line, f.col),
                    code: f.code.into(),
                    detail: format!("{} | {}", f.message, f.source_line.trim()),
                    position: None,
                })
                .collect();
            Err(ApiError::unprocessable("ruleset_invalid", summary).with_fields(fields))
        }
    }
}

/// The measures in force on a date, optionally for one matter.
#[utoipa::path(tag = "rules", security(("bearer" = [])), params(AsOfQuery),
    responses((status = 200, body = MeasureList), (status = 422, body = super::error::Problem)))]
#[get("/v1/measures")]
pub async fn measures(
    state: web::Data<AppState>,
    query: web::Query<AsOfQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = query.as_of.unwrap_or_else(today);
    let set = ruleset_on(&state, as_of)?;
    if let Some(matter) = &query.matter {
        if !set.has_matter(matter) {
            return Err(ApiError::unprocessable(
                "unknown_matter",
                format!("'{matter}' is not a matter"),
            ));
        }
    }
    let measures = set
        .measures
        .iter()
        .filter(|m| m.in_force(as_of))
        .filter(|m| query.matter.as_ref().is_none_or(|q| m.matters.contains(q)))
        .cloned()
        .collect();
    Ok(HttpResponse::Ok().json(MeasureList { ruleset: set.hash.clone(), as_of, measures }))
}

/// The catalog items in force on a date: what providers may report.
#[utoipa::path(tag = "rules", security(("bearer" = [])), params(AsOfQuery),
    responses((status = 200, body = CatalogList), (status = 422, body = super::error::Problem)))]
#[get("/v1/catalog")]
pub async fn catalog(
    state: web::Data<AppState>,
    query: web::Query<AsOfQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = query.as_of.unwrap_or_else(today);
    let set = ruleset_on(&state, as_of)?;
    let items = set.catalog.iter().filter(|i| i.in_force(as_of)).cloned().collect();
    Ok(HttpResponse::Ok().json(CatalogList { ruleset: set.hash.clone(), as_of, items }))
}
