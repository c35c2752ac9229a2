//! Liveness, readiness and metrics.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;

/// Readiness, with what is missing.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// True when the database answers and a rule set is active.
    pub ready: bool,
    /// Whether the database answered.
    pub database: bool,
    /// The hash of the active rule set, if any.
    pub ruleset: Option<String>,
}

/// Liveness: 200 while the process lives.
#[utoipa::path(tag = "service", responses((status = 200, description = "The process is alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: 200 only when the database answers and a rule set is active.
#[utoipa::path(tag = "service", responses(
    (status = 200, description = "Ready", body = Readiness),
    (status = 503, description = "Not ready: no database or no active rule set", body = Readiness)
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = state.store.ping().await;
    let ruleset = state.rules.active().map(|r| r.hash.clone());
    let ready = database && ruleset.is_some();
    let body = Readiness { ready, database, ruleset };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Prometheus text exposition.
#[utoipa::path(tag = "service",
    responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let text = state.metrics.render(state.store.pool_state(), state.store.pool_max());
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text)
}
