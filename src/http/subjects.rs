//! `PUT` and `GET /v1/subjects/{uscc}`: the register of credit subjects.

use actix_web::{get, put, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::error::{ApiError, ApiResult, FieldError};
use super::json::Json;
use super::AppState;
use crate::domain::{Subject, SubjectKind, SubjectStatus, Uscc};
use crate::store;

/// A subject as sent by an administrator.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    /// Registered name.
    #[validate(length(min = 1, max = 200, message = "a name has 1 to 200 characters"))]
    pub name: String,
    /// Kind of organisation.
    pub kind: SubjectKind,
    /// Six-digit division code; defaults to the code's positions 3-8.
    #[validate(custom(function = "six_digits"))]
    pub division: Option<String>,
    /// Industry (GB/T 4754 section letter or class code).
    #[validate(length(min = 1, max = 10, message = "an industry code has 1 to 10 characters"))]
    pub industry: Option<String>,
    /// Date of establishment, `YYYY-MM-DD`.
    pub established_on: Option<NaiveDate>,
    /// Register status; defaults to active.
    pub status: Option<SubjectStatus>,
}

fn six_digits(value: &str) -> Result<(), validator::ValidationError> {
    if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("division_code")
            .with_message("a division code has six digits (GB/T 2260)".into()))
    }
}

/// A subject as answered.
#[derive(Serialize, ToSchema)]
pub struct SubjectView {
    /// Unified social credit code.
    pub uscc: String,
    /// Registered name.
    pub name: String,
    /// Kind of organisation.
    pub kind: SubjectKind,
    /// Six-digit division code.
    pub division: String,
    /// Industry code.
    pub industry: Option<String>,
    /// Date of establishment.
    pub established_on: Option<NaiveDate>,
    /// Register status.
    pub status: SubjectStatus,
}

impl From<Subject> for SubjectView {
    fn from(s: Subject) -> Self {
        Self {
            uscc: s.uscc.to_string(),
            name: s.name,
            kind: s.kind,
            division: s.division,
            industry: s.industry,
            established_on: s.established_on,
            status: s.status,
        }
    }
}

/// Parses a code from the path, or answers 422 naming the position.
pub fn path_uscc(raw: &str) -> Result<Uscc, ApiError> {
    Uscc::parse(raw).map_err(|errors| {
        let detail = errors.iter().map(|e| e.detail.clone()).collect::<Vec<_>>().join("; ");
        let fields = errors
            .into_iter()
            .map(|e| FieldError {
                pointer: "/path/uscc".into(),
                code: e.code.into(),
                detail: e.detail,
                position: e.position,
            })
            .collect();
        ApiError::unprocessable("invalid_uscc", format!("'{raw}' is not a valid code: {detail}"))
            .with_fields(fields)
    })
}

/// Stores a subject (created or replaced).
#[utoipa::path(tag = "subjects", request_body = SubjectInput, security(("bearer" = [])),
    params(("uscc" = String, Path, description = "Unified social credit code")),
    responses(
        (status = 201, description = "Created", body = SubjectView),
        (status = 200, description = "Replaced", body = SubjectView),
        (status = 422, description = "Bad code or body", body = super::error::Problem)
    ))]
#[put("/v1/subjects/{uscc}")]
pub async fn put_subject(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Json(body): Json<SubjectInput>,
) -> ApiResult<HttpResponse> {
    let uscc = path_uscc(&path)?;
    let subject = Subject {
        division: body.division.unwrap_or_else(|| uscc.division().to_owned()),
        uscc,
        name: body.name.trim().to_owned(),
        kind: body.kind,
        industry: body.industry,
        established_on: body.established_on,
        status: body.status.unwrap_or_default(),
    };

    let stored = subject.clone();
    let created = state.store.run(move |conn| store::subjects::upsert(conn, &stored)).await?;

    let view = SubjectView::from(subject);
    Ok(if created { HttpResponse::Created().json(view) } else { HttpResponse::Ok().json(view) })
}

/// Reads a subject.
#[utoipa::path(tag = "subjects", security(("bearer" = [])),
    params(("uscc" = String, Path, description = "Unified social credit code")),
    responses(
        (status = 200, body = SubjectView),
        (status = 404, description = "No such subject", body = super::error::Problem),
        (status = 422, description = "Bad code", body = super::error::Problem)
    ))]
#[get("/v1/subjects/{uscc}")]
pub async fn get_subject(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let uscc = path_uscc(&path)?;
    let key = uscc.clone();
    let subject = state.store.run(move |conn| store::subjects::get(conn, &key)).await?;
    let subject = subject
        .ok_or_else(|| ApiError::not_found("subject_not_found", format!("no subject {uscc}")))?;
    Ok(HttpResponse::Ok().json(SubjectView::from(subject)))
}
