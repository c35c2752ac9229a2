//! The HTTP layer: actix handlers, auth, errors and the OpenAPI document. It
//! holds no SQL and no rule logic.

pub mod access;
pub mod auth;
mod decisions;
pub mod error;
pub mod json;
pub mod metrics;
pub mod openapi;
mod records;
pub mod request_log;
mod rulesets;
pub mod server;
mod service;
mod subjects;
mod tiers;
mod uscc;

use actix_web::{web, HttpResponse};

use crate::rules::Registry;
use crate::store::Store;

/// What every handler may use.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The rule sets, with the active one.
    pub rules: Registry,
    /// Prometheus metrics.
    pub metrics: metrics::Metrics,
    /// The durable decision writer.
    pub log: crate::audit::DecisionLog,
    /// Recently seen API keys.
    pub key_cache: auth::KeyCache,
}

/// Registers every route; `/v1` routes are guarded by [`auth::require_key`].
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(service::healthz)
        .service(service::readyz)
        .service(service::metrics)
        .service(openapi::swagger_ui())
        .service(uscc::validate)
        .service(subjects::put_subject)
        .service(subjects::get_subject)
        .service(records::ingest)
        .service(records::record)
        .service(records::revoke)
        .service(records::subject_records)
        .service(records::conflicts)
        .service(decisions::risk_assessment)
        .service(decisions::sanction_check)
        .service(decisions::list_decisions)
        .service(decisions::get_decision)
        .service(decisions::replay)
        .service(decisions::execution)
        .service(decisions::verify)
        .service(tiers::risk_tiers)
        .service(rulesets::list)
        .service(rulesets::reload)
        .service(rulesets::detail)
        .service(rulesets::measures)
        .service(rulesets::catalog)
        .default_service(web::to(not_found));
}

async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    error::ApiError::not_found("not_found", format!("no route {} {}", req.method(), req.path()))
        .error_response()
}
