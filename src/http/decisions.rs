//! Decisions: `POST /v1/risk-assessments`, `POST /v1/sanction-checks`,
//! `GET /v1/decisions/{id}`, `GET /v1/decisions`, `POST /v1/decisions/{id}/replay`,
//! `POST /v1/decisions/{id}/execution`, `GET /v1/audit/verify`.
//! Every answer is sent only after its decision record is committed.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::auth::Principal;
use super::error::{ApiError, ApiResult, FieldError};
use super::json::Json;
use super::rulesets::ruleset_on;
use super::AppState;
use crate::audit::record::sha256_hex;
use crate::audit::{canonical, DecisionRecord, LogError, Requester};
use crate::domain::{Role, Uscc};
use crate::engine::decide::{self, Evaluated, RISK_ASSESSMENT, SANCTION_CHECK};
use crate::engine::Facts;
use crate::rules::registry::today;
use crate::store;

/// A risk assessment request.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskRequest {
    /// Unified social credit code.
    pub uscc: String,
    /// `YYYY-MM-DD`; today when absent.
    pub as_of: Option<NaiveDate>,
    /// Why the caller asks (kept in the decision record).
    #[validate(length(max = 200))]
    pub purpose: Option<String>,
}

/// A sanction check request.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionRequest {
    /// Unified social credit code.
    pub uscc: String,
    /// The matter (事项) the caller is deciding, e.g. `government_procurement`.
    #[validate(length(min = 1, max = 64))]
    pub matter: String,
    /// `YYYY-MM-DD`; today when absent.
    pub as_of: Option<NaiveDate>,
    /// Why the caller asks.
    #[validate(length(max = 200))]
    pub purpose: Option<String>,
}

fn body_uscc(raw: &str) -> Result<Uscc, ApiError> {
    Uscc::parse(raw).map_err(|errors| {
        let fields = errors
            .into_iter()
            .map(|e| FieldError {
                pointer: "/uscc".into(),
                code: e.code.into(),
                detail: e.detail,
                position: e.position,
            })
            .collect();
        ApiError::unprocessable("invalid_uscc", format!("'{raw}' is not a valid code"))
            .with_fields(fields)
    })
}

fn log_error(e: LogError) -> ApiError {
    match e {
        LogError::Overloaded => ApiError::unavailable(
            "decision_log_busy",
            "too many decisions are waiting to be recorded",
            1,
        ),
        LogError::Failed(cause) => {
            tracing::error!(error.cause = %cause, "decision not recorded");
            ApiError::unavailable(
                "decision_log_unavailable",
                "the decision could not be recorded",
                2,
            )
        }
    }
}

/// Facts of a subject as of a date, read from the store.
async fn facts_of(
    state: &AppState,
    set: &crate::rules::RuleSet,
    uscc: &Uscc,
    as_of: NaiveDate,
) -> Result<Facts, ApiError> {
    let code = uscc.clone();
    let (subject, rows) = state
        .store
        .run(move |conn| {
            Ok((
                store::subjects::get(conn, &code)?,
                store::records::for_subject(conn, code.as_str())?,
            ))
        })
        .await?;
    let subject = decide::subject_facts(uscc, subject.as_ref());
    Ok(Facts::build(set, uscc.as_str(), as_of, subject, &decide::inputs(&rows)))
}

struct Asked<'a> {
    kind: &'static str,
    principal: &'a Principal,
    matter: Option<String>,
    purpose: Option<String>,
    as_of: NaiveDate,
    ruleset: String,
}

/// Records a decision and answers with its output and id.
async fn record(
    state: &AppState,
    asked: Asked<'_>,
    evaluated: Evaluated,
) -> ApiResult<HttpResponse> {
    let id = uuid::Uuid::now_v7().to_string();
    let facts = evaluated.facts;
    let record = DecisionRecord {
        id: id.clone(),
        kind: asked.kind.to_owned(),
        subject: Some(facts.uscc.clone()),
        requester: Requester {
            key_id: asked.principal.key_id.clone(),
            role: asked.principal.role.as_str().to_owned(),
            department: asked.principal.department.clone(),
        },
        matter: asked.matter,
        purpose: asked.purpose,
        as_of: Some(asked.as_of),
        ruleset: Some(asked.ruleset),
        input: serde_json::to_value(&facts).map_err(ApiError::internal)?,
        output: evaluated.output.clone(),
        explanation: evaluated.explanation,
        recorded_at: store::now_text(),
    };
    let mut row = record.to_row();
    if asked.kind == RISK_ASSESSMENT {
        row.tier = decide::tier_row(&record, &facts);
    }
    let committed = state.log.append_row(row).await.map_err(log_error)?;
    tracing::info!(
        decision.id = %id,
        decision.kind = asked.kind,
        decision.seq = committed.seq,
        "decision recorded"
    );
    let mut answer = evaluated.output;
    answer["decision_id"] = Value::String(id);
    Ok(HttpResponse::Ok().json(answer))
}

/// The credit-risk tier of a subject as of a date, with its score and the
/// reasons behind it. Recorded as a decision.
#[utoipa::path(tag = "decisions", request_body = RiskRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "decision_id, uscc, tier, score, reasons, ruleset, as_of"),
        (status = 422, body = super::error::Problem),
        (status = 503, body = super::error::Problem)
    ))]
#[post("/v1/risk-assessments")]
pub async fn risk_assessment(
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<RiskRequest>,
) -> ApiResult<HttpResponse> {
    let uscc = body_uscc(&body.uscc)?;
    let as_of = body.as_of.unwrap_or_else(today);
    let set = ruleset_on(&state, as_of)?;
    let facts = facts_of(&state, &set, &uscc, as_of).await?;
    let evaluated = decide::risk_assessment(&set, facts).map_err(|e| ApiError::rule_failed(e.0))?;
    let asked = Asked {
        kind: RISK_ASSESSMENT,
        principal: &principal,
        matter: None,
        purpose: body.purpose,
        as_of,
        ruleset: set.hash.clone(),
    };
    record(&state, asked, evaluated).await
}

/// The restrictions, management measures and incentives that apply to a
/// subject for a matter, each with its legal basis, list, implementing
/// agencies, triggering records and end date; those the caller's own
/// department implements are marked. Recorded as a decision.
#[utoipa::path(tag = "decisions", request_body = SanctionRequest, security(("bearer" = [])),
    responses((status = 200, description = "decision_id, uscc, matter, measures, ruleset, as_of"),
        (status = 422, body = super::error::Problem),
        (status = 503, body = super::error::Problem)
    ))]
#[post("/v1/sanction-checks")]
pub async fn sanction_check(
    state: web::Data<AppState>,
    principal: Principal,
    Json(body): Json<SanctionRequest>,
) -> ApiResult<HttpResponse> {
    let uscc = body_uscc(&body.uscc)?;
    let as_of = body.as_of.unwrap_or_else(today);
    let set = ruleset_on(&state, as_of)?;
    if !set.has_matter(&body.matter) {
        return Err(ApiError::unprocessable(
            "unknown_matter",
            format!("'{}' is not a matter of rule set {}", body.matter, set.version),
        ));
    }
    let facts = facts_of(&state, &set, &uscc, as_of).await?;
    let agency = decide::agency_of(&principal.department);
    let evaluated = decide::sanction_check(&set, facts, &body.matter, agency)
        .map_err(|e| ApiError::rule_failed(e.0))?;
    let asked = Asked {
        kind: SANCTION_CHECK,
        principal: &principal,
        matter: Some(body.matter),
        purpose: body.purpose,
        as_of,
        ruleset: set.hash.clone(),
    };
    record(&state, asked, evaluated).await
}

/// A stored decision with its place in the chain.
#[derive(Serialize, ToSchema)]
pub struct DecisionView {
    /// Position in the chain.
    pub seq: i64,
    /// This record's chain hash.
    pub hash: String,
    /// The previous record's hash.
    pub prev_hash: String,
    /// The record.
    #[serde(flatten)]
    pub record: DecisionRecord,
}

async fn load(
    state: &AppState,
    id: String,
) -> Result<(store::decisions::StoredDecision, DecisionRecord), ApiError> {
    let key = id.clone();
    let row =
        state.store.run(move |conn| store::decisions::get(conn, &key)).await?.ok_or_else(|| {
            ApiError::not_found("decision_not_found", format!("no decision {id}"))
        })?;
    let record: DecisionRecord = serde_json::from_str(&row.body).map_err(ApiError::internal)?;
    Ok((row, record))
}

fn readable(principal: &Principal, record: &DecisionRecord) -> Result<(), ApiError> {
    if principal.role == Role::Regulator && principal.department != record.requester.department {
        return Err(ApiError::forbidden("a regulator reads its own department's decisions"));
    }
    Ok(())
}

/// One decision: what was known, which rules and bases produced it, and its chain links.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = DecisionView), (status = 404, body = super::error::Problem)))]
#[get("/v1/decisions/{id}")]
pub async fn get_decision(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (row, record) = load(&state, id.into_inner()).await?;
    readable(&principal, &record)?;
    Ok(HttpResponse::Ok().json(DecisionView {
        seq: row.seq,
        hash: row.hash,
        prev_hash: row.prev_hash,
        record,
    }))
}

/// Filters of the decision list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionQuery {
    /// Subject code.
    pub uscc: Option<String>,
    /// Decision kind.
    pub kind: Option<String>,
    /// Recorded on or after this day (China Standard Time).
    pub from: Option<NaiveDate>,
    /// Recorded on or before this day.
    pub to: Option<NaiveDate>,
    /// At most this many (1-500, default 100).
    pub limit: Option<i64>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A page of decisions.
#[derive(Serialize, ToSchema)]
pub struct DecisionPage {
    /// Newest first.
    pub decisions: Vec<DecisionSummary>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One line of the decision list.
#[derive(Serialize, ToSchema)]
pub struct DecisionSummary {
    /// Decision id.
    pub id: String,
    /// Position in the chain.
    pub seq: i64,
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
}

/// Midnight China Standard Time of `day`, as stored instants are written (UTC).
fn cst_midnight(day: NaiveDate) -> String {
    let utc = day.and_hms_opt(0, 0, 0).expect("midnight") - chrono::Duration::hours(8);
    utc.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Decisions, newest first, filtered and paged with an opaque cursor.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), params(DecisionQuery),
    responses((status = 200, body = DecisionPage), (status = 400, body = super::error::Problem)))]
#[get("/v1/decisions")]
pub async fn list_decisions(
    state: web::Data<AppState>,
    query: web::Query<DecisionQuery>,
) -> ApiResult<HttpResponse> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_request("invalid_query", "limit is between 1 and 500"));
    }
    let before_seq = match &query.cursor {
        Some(c) => Some(i64::from_str_radix(c, 16).map_err(|_| {
            ApiError::bad_request("invalid_cursor", "the cursor is not one this service gave")
        })?),
        None => None,
    };
    let uscc = match &query.uscc {
        Some(raw) => Some(body_uscc(raw)?.to_string()),
        None => None,
    };
    let filter = store::decisions::Filter {
        uscc,
        kind: query.kind.clone(),
        from: query.from.map(cst_midnight),
        to: query.to.and_then(|d| d.succ_opt()).map(cst_midnight),
        before_seq,
    };
    let rows = state.store.run(move |conn| store::decisions::list(conn, &filter, limit)).await?;
    let next_cursor =
        (rows.len() as i64 == limit).then(|| rows.last().map(|r| format!("{:x}", r.seq))).flatten();
    let decisions = rows
        .into_iter()
        .map(|r| DecisionSummary {
            id: r.id,
            seq: r.seq,
            kind: r.kind,
            uscc: r.uscc,
            department: r.department,
            ruleset: r.ruleset,
            recorded_at: r.recorded_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(DecisionPage { decisions, next_cursor }))
}

/// The verdict of a replay.
#[derive(Serialize, ToSchema)]
pub struct ReplayResult {
    /// True only when the replayed output equals the stored one byte for byte.
    pub identical: bool,
    /// SHA-256 of the stored output (canonical form).
    pub stored_hash: String,
    /// SHA-256 of the replayed output.
    pub replayed_hash: String,
    /// The decision.
    pub decision_id: String,
    /// The rule set it was replayed on (the stored one).
    pub ruleset: String,
}

/// Re-evaluates a decision with its stored inputs and its stored rule version.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, body = ReplayResult),
        (status = 404, body = super::error::Problem),
        (status = 422, body = super::error::Problem)
    ))]
#[post("/v1/decisions/{id}/replay")]
pub async fn replay(state: web::Data<AppState>, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (_, record) = load(&state, id.into_inner()).await?;
    let hash = record.ruleset.clone().unwrap_or_default();
    let set = state.rules.by_hash(&hash).ok_or_else(|| {
        ApiError::unprocessable("ruleset_unavailable", format!("rule set {hash} is not loaded"))
    })?;
    let replayed = decide::replay(&set, &record)
        .map_err(|e| ApiError::unprocessable("not_replayable", e.0))?;
    let stored_hash = sha256_hex(&canonical::encode(&record.output));
    let replayed_hash = sha256_hex(&canonical::encode(&replayed));
    Ok(HttpResponse::Ok().json(ReplayResult {
        identical: stored_hash == replayed_hash,
        stored_hash,
        replayed_hash,
        decision_id: record.id,
        ruleset: hash,
    }))
}

/// Walks the whole chain; names the first record that does not hold.
#[utoipa::path(tag = "decisions", security(("bearer" = [])),
    responses((status = 200, body = crate::audit::verify::Verdict)))]
#[get("/v1/audit/verify")]
pub async fn verify(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let verdict = state.store.run(crate::audit::verify::verify).await?;
    if !verdict.ok {
        tracing::error!(audit.first_bad = ?verdict.first_bad, "the decision chain does not verify");
    }
    Ok(HttpResponse::Ok().json(verdict))
}

/// How the department applied one measure.
#[derive(Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureExecution {
    /// The measure's code, as answered by the check.
    pub code: String,
    /// Whether it was applied.
    pub applied: bool,
    /// How, or why not.
    #[validate(length(max = 1000))]
    pub note: Option<String>,
}

/// The department's report on a sanction check (联合奖惩案例).
#[derive(Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutionReport {
    /// Whether the department acted on the check at all.
    pub applied: bool,
    /// Per measure.
    #[validate(nested)]
    pub measures: Vec<MeasureExecution>,
    /// The case in the department's words.
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}

/// Records how the requesting department applied the measures of a sanction
/// check. The report is itself a decision record in the chain.
#[utoipa::path(tag = "decisions", request_body = ExecutionReport, security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 201, description = "execution_id, decision_id"),
        (status = 404, body = super::error::Problem),
        (status = 422, body = super::error::Problem)))]
#[post("/v1/decisions/{id}/execution")]
pub async fn execution(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    Json(body): Json<ExecutionReport>,
) -> ApiResult<HttpResponse> {
    let (_, checked) = load(&state, id.into_inner()).await?;
    if checked.kind != SANCTION_CHECK {
        return Err(ApiError::unprocessable(
            "not_a_sanction_check",
            "execution is reported on sanction checks",
        ));
    }
    if principal.role != Role::Admin && principal.department != checked.requester.department {
        return Err(ApiError::forbidden("the department that asked reports the execution"));
    }
    let answered: Vec<&str> = checked.output["measures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["code"].as_str())
        .collect();
    if let Some(unknown) = body.measures.iter().find(|m| !answered.contains(&m.code.as_str())) {
        return Err(ApiError::unprocessable(
            "unknown_measure",
            format!("{} was not among the measures of this check", unknown.code),
        ));
    }
    let report = serde_json::to_value(&body).map_err(ApiError::internal)?;
    let record = DecisionRecord {
        id: uuid::Uuid::now_v7().to_string(),
        kind: "execution_report".into(),
        subject: checked.subject.clone(),
        requester: Requester {
            key_id: principal.key_id.clone(),
            role: principal.role.as_str().into(),
            department: principal.department.clone(),
        },
        matter: checked.matter.clone(),
        purpose: None,
        as_of: Some(today()),
        ruleset: checked.ruleset.clone(),
        input: json!({ "decision_id": checked.id, "report": report }),
        output: report,
        explanation: Value::Array(Vec::new()),
        recorded_at: store::now_text(),
    };
    state.log.append(&record).await.map_err(log_error)?;
    Ok(HttpResponse::Created().json(json!({
        "execution_id": record.id,
        "decision_id": checked.id,
        "recorded_at": record.recorded_at,
    })))
}
