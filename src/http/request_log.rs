//! Per-request telemetry: a request id (an incoming `X-Request-Id` is kept
//! and echoed), a span, one log line with method, route, status, duration and
//! principal, and the request metrics. Bodies and keys are never logged.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use tracing::Instrument;

use super::auth::Principal;
use super::AppState;

/// The request-id header.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let ok = !value.is_empty()
        && value.len() <= 128
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    ok.then(|| value.to_owned())
}

/// The outermost middleware.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let method = req.method().as_str().to_owned();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let span = tracing::info_span!(
        "request",
        request.id = %request_id,
        http.method = %method,
        http.route = %route
    );

    let mut response = match next.call(req).instrument(span.clone()).await {
        Ok(response) => response,
        Err(error) => {
            let status = error.as_response_error().status_code().as_u16();
            record(
                &span,
                &method,
                &route,
                status,
                started,
                None,
                state.as_ref().map(|s| s.get_ref()),
            );
            return Err(error);
        }
    };
    let status = response.status().as_u16();
    let principal = response.request().extensions().get::<Principal>().cloned();
    record(
        &span,
        &method,
        &route,
        status,
        started,
        principal.as_ref(),
        state.as_ref().map(|s| s.get_ref()),
    );
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID.clone(), v);
    }
    Ok(response)
}

fn record(
    span: &tracing::Span,
    method: &str,
    route: &str,
    status: u16,
    started: Instant,
    principal: Option<&Principal>,
    state: Option<&AppState>,
) {
    let elapsed = started.elapsed();
    if let Some(state) = state {
        state.metrics.observe(method, route, status, elapsed.as_secs_f64());
    }
    let duration_ms = elapsed.as_secs_f64() * 1000.0;
    let _entered = span.enter();
    match principal {
        Some(p) => tracing::info!(
            http.status = status,
            duration_ms,
            principal.key_id = %p.key_id,
            principal.role = %p.role,
            principal.department = %p.department,
            "request finished"
        ),
        None => tracing::info!(http.status = status, duration_ms, "request finished"),
    }
}
