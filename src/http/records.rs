//! Records: `POST /v1/records`, `GET /v1/records/{id}`,
//! `POST /v1/records/{id}/revoke`, `GET /v1/subjects/{uscc}/records`,
//! `GET /v1/uscc/conflicts`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::auth::Principal;
use super::error::{ApiError, ApiResult};
use super::json::{BulkJson, Json};
use super::subjects::path_uscc;
use super::AppState;
use crate::domain::Role;
use crate::records::{self, view, IngestResult, RecordView, Sender};
use crate::rules::registry::today;
use crate::store;

/// Records to ingest.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestRequest {
    /// 1 to 5,000 records: `source_id`, `uscc`, `name`, `item`, `decided_on`,
    /// `reported_on` (defaults to today), `document_no`, `attributes`.
    #[validate(length(min = 1, max = 5000, message = "send between 1 and 5000 records per call"))]
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Value>,
}

/// One result per record, in order.
#[derive(Serialize, ToSchema)]
pub struct IngestResponse {
    /// The results.
    pub results: Vec<IngestResult>,
}

/// Reports records of the caller's department. Each record is judged alone:
/// valid ones are stored even when others are rejected. A resend of the same
/// `(department, source_id)` with the same content is `unchanged`; with other
/// content it is a correction (`corrected`) whose history is kept.
#[utoipa::path(tag = "records", request_body = IngestRequest, security(("bearer" = [])),
    responses((status = 200, body = IngestResponse), (status = 422, body = super::error::Problem)))]
#[post("/v1/records")]
pub async fn ingest(
    state: web::Data<AppState>,
    principal: Principal,
    BulkJson(body): BulkJson<IngestRequest>,
) -> ApiResult<HttpResponse> {
    let sender =
        Sender { key_id: principal.key_id.clone(), department: principal.department.clone() };
    let worker = state.clone();
    let results = state
        .store
        .run(move |conn| records::ingest(conn, &worker.rules, &sender, &body.records, today()))
        .await?;
    let created = results.iter().filter(|r| r.status == "created").count();
    let rejected = results.iter().filter(|r| r.status == "rejected").count();
    tracing::info!(
        records.received = results.len(),
        records.created = created,
        records.rejected = rejected,
        "records ingested"
    );
    Ok(HttpResponse::Ok().json(IngestResponse { results }))
}

/// The as-of date of a read.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// `YYYY-MM-DD`; today when absent.
    pub as_of: Option<NaiveDate>,
}

/// A subject's records as known on a date.
#[derive(Serialize, ToSchema)]
pub struct SubjectRecords {
    /// Subject code.
    pub uscc: String,
    /// The date.
    pub as_of: NaiveDate,
    /// Records known on that date, with their status then.
    pub records: Vec<RecordView>,
}

/// The purpose a caller gives in `X-Purpose` (UTF-8 accepted), at most 200 characters.
fn purpose(req: &HttpRequest) -> Option<String> {
    let raw = req.headers().get("x-purpose")?;
    let text = std::str::from_utf8(raw.as_bytes()).ok()?.trim();
    (!text.is_empty()).then(|| text.chars().take(200).collect())
}

/// What was known about a subject on a date. Every read is written to the
/// access log with the caller and the purpose given in `X-Purpose`. A
/// provider sees only its own department's records.
#[utoipa::path(tag = "records", security(("bearer" = [])), params(("uscc" = String, Path), AsOf,
        ("X-Purpose" = Option<String>, Header, description = "Why the caller reads these records")),
    responses((status = 200, body = SubjectRecords), (status = 422, body = super::error::Problem)))]
#[get("/v1/subjects/{uscc}/records")]
pub async fn subject_records(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<AsOf>,
) -> ApiResult<HttpResponse> {
    let uscc = path_uscc(&path)?;
    let as_of = query.as_of.unwrap_or_else(today);
    let purpose = purpose(&req);
    let code = uscc.to_string();
    let who = principal.clone();
    let rows = state
        .store
        .run(move |conn| {
            store::records::log_access(conn, &who, &code, purpose.as_deref(), "records")?;
            store::records::for_subject(conn, &code)
        })
        .await?;
    let own_only = principal.role == Role::Provider;
    let records = rows
        .iter()
        .filter(|r| !own_only || r.department == principal.department)
        .filter_map(|r| view::status_on(r, as_of).map(|s| view::view(r, s)))
        .collect();
    Ok(HttpResponse::Ok().json(SubjectRecords { uscc: uscc.to_string(), as_of, records }))
}

/// A record with its correction history.
#[derive(Serialize, ToSchema)]
pub struct RecordDetail {
    /// The record as of today.
    #[serde(flatten)]
    pub record: RecordView,
    /// Each correction: version, who, when, what changed.
    pub history: Vec<HistoryEntry>,
}

/// One correction.
#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    /// The version it produced.
    pub version: i32,
    /// The key that sent it.
    pub changed_by: String,
    /// When.
    pub changed_at: String,
    /// Field: {from, to}.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

async fn load_record(state: &AppState, id: String) -> Result<store::records::RecordRow, ApiError> {
    let key = id.clone();
    state
        .store
        .run(move |conn| store::records::get(conn, &key))
        .await?
        .ok_or_else(|| ApiError::not_found("record_not_found", format!("no record {id}")))
}

fn own(principal: &Principal, row: &store::records::RecordRow) -> Result<(), ApiError> {
    if principal.role == Role::Provider && principal.department != row.department {
        return Err(ApiError::forbidden("a provider works only on its own department's records"));
    }
    Ok(())
}

/// One record and its correction history.
#[utoipa::path(tag = "records", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = RecordDetail), (status = 404, body = super::error::Problem)))]
#[get("/v1/records/{id}")]
pub async fn record(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = load_record(&state, id.into_inner()).await?;
    own(&principal, &row)?;
    let who = principal.clone();
    let (code, record_id) = (row.uscc.clone(), row.id.clone());
    let history = state
        .store
        .run(move |conn| {
            store::records::log_access(conn, &who, &code, None, "record")?;
            store::records::history(conn, &record_id)
        })
        .await?;
    let status = view::status_on(&row, today()).unwrap_or("active");
    let history = history
        .into_iter()
        .map(|(version, changed_by, changed_at, changes)| HistoryEntry {
            version,
            changed_by,
            changed_at,
            changes: serde_json::from_str(&changes).unwrap_or_default(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(RecordDetail { record: view::view(&row, status), history }))
}

/// A revocation as reported.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// The day the decision was changed, revoked or found void.
    pub decided_on: NaiveDate,
    /// Why.
    #[validate(length(min = 1, max = 500, message = "a reason has 1 to 500 characters"))]
    pub reason: String,
}

/// The decision behind a record was changed, revoked or found void: the
/// record stops counting from that day, the withdrawal's own timeliness
/// (3 days, 行政处罚法 Art. 48) is recorded, and nothing is deleted.
#[utoipa::path(tag = "records", request_body = RevokeRequest, security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = RecordView), (status = 404, body = super::error::Problem),
        (status = 409, body = super::error::Problem),
        (status = 422, body = super::error::Problem)))]
#[post("/v1/records/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Json(body): Json<RevokeRequest>,
) -> ApiResult<HttpResponse> {
    let row = load_record(&state, id.into_inner()).await?;
    own(&principal, &row)?;
    if row.revoked_on.is_some() {
        return Err(ApiError::conflict("already_revoked", "the record was revoked before"));
    }
    let today = today();
    let decided: NaiveDate = row.decided_on.parse().map_err(ApiError::internal)?;
    if body.decided_on < decided {
        return Err(ApiError::unprocessable(
            "revoked_before_decided",
            "a decision cannot be revoked before it was made",
        ));
    }
    if body.decided_on > today {
        return Err(ApiError::unprocessable(
            "future_revocation",
            format!("{} is after today", body.decided_on),
        ));
    }
    let deadline = body.decided_on + chrono::Days::new(records::WITHDRAWAL_DAYS);
    let late = today > deadline;
    let record_id = row.id.clone();
    let (on, reason) = (body.decided_on.to_string(), body.reason.clone());
    let updated = state
        .store
        .run(move |conn| {
            store::records::revoke(
                conn,
                &record_id,
                &on,
                &reason,
                &today.to_string(),
                &deadline.to_string(),
                late,
            )?;
            store::records::get(conn, &record_id)
        })
        .await?
        .ok_or_else(|| ApiError::internal("revoked record vanished"))?;
    tracing::info!(record.id = %updated.id, revoke.late = late, "record revoked");
    let status = view::status_on(&updated, today).unwrap_or("revoked");
    Ok(HttpResponse::Ok().json(view::view(&updated, status)))
}

/// An open duplicate or wrong code case.
#[derive(Serialize, ToSchema)]
pub struct Conflict {
    /// Case id.
    pub id: String,
    /// name_mismatch, name_under_two_codes or category_mismatch.
    pub kind: String,
    /// The code the record was sent under.
    pub uscc: String,
    /// The name it was sent with.
    pub name: String,
    /// The registered name, the other code, or what the category contradicts.
    pub other: String,
    /// The record that raised it.
    pub record_id: String,
    /// The department that sent it, which corrects it.
    pub department: String,
    /// When it was opened.
    pub opened_at: String,
}

/// Open cases.
#[derive(Serialize, ToSchema)]
pub struct ConflictList {
    /// Oldest first.
    pub conflicts: Vec<Conflict>,
}

/// Open duplicate or wrong code cases (重错码) for the check-feedback-correct
/// loop; a correction of the record closes its cases. A provider sees its own.
#[utoipa::path(tag = "records", security(("bearer" = [])),
    responses((status = 200, body = ConflictList)))]
#[get("/v1/uscc/conflicts")]
pub async fn conflicts(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    let department = (principal.role == Role::Provider).then(|| principal.department.clone());
    let rows = state
        .store
        .run(move |conn| store::records::open_conflicts(conn, department.as_deref(), 1000))
        .await?;
    let conflicts = rows
        .into_iter()
        .map(|c| Conflict {
            id: c.id,
            kind: c.kind,
            uscc: c.uscc,
            name: c.name,
            other: c.other,
            record_id: c.record_id,
            department: c.department,
            opened_at: c.opened_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ConflictList { conflicts }))
}
