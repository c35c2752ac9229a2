//! `POST /v1/uscc/validate`: check up to 10,000 codes at once.

use actix_web::{post, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::error::ApiResult;
use super::json::Json;
use crate::domain::{uscc, Uscc, UsccError};

/// Codes to check.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    /// Between 1 and 10,000 codes, as received.
    #[validate(length(min = 1, max = 10000, message = "send between 1 and 10000 codes"))]
    pub codes: Vec<String>,
}

/// The verdict on one code.
#[derive(Serialize, ToSchema)]
pub struct CodeResult {
    /// The code as sent.
    pub code: String,
    /// Whether it is a valid GB 32100 code.
    pub valid: bool,
    /// The code after normalisation (spaces, full-width characters, case).
    pub normalized: String,
    /// Every rule it breaks, with the position.
    pub errors: Vec<UsccError>,
}

/// One result per code, in order.
#[derive(Serialize, ToSchema)]
pub struct ValidateResponse {
    /// The verdicts.
    pub results: Vec<CodeResult>,
}

/// Checks codes against GB 32100-2015: length, character set, authority and
/// category, division, the GB 11714 organisation-code check and the final check.
#[utoipa::path(tag = "subjects", request_body = ValidateRequest, security(("bearer" = [])),
    responses(
        (status = 200, body = ValidateResponse),
        (status = 422, description = "No codes, or more than 10,000", body = super::error::Problem)
    ))]
#[post("/v1/uscc/validate")]
pub async fn validate(Json(body): Json<ValidateRequest>) -> ApiResult<HttpResponse> {
    let results = body
        .codes
        .into_iter()
        .map(|code| {
            let normalized = uscc::normalize(&code);
            let errors = Uscc::parse(&code).err().unwrap_or_default();
            CodeResult { valid: errors.is_empty(), code, normalized, errors }
        })
        .collect();
    Ok(HttpResponse::Ok().json(ValidateResponse { results }))
}
