//! Bearer-key authentication for `/v1`: 401 for a missing or unknown key, 403
//! for a role the route does not admit. Principals are cached for a short
//! while so that a key is not looked up on every request; a revoked key stops
//! working within [`CACHE_TTL`].

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{http::header, web, FromRequest, HttpMessage, HttpRequest};

use super::access;
use super::error::ApiError;
use super::AppState;
pub use crate::store::keys::Principal;

/// How long a looked-up key is trusted without asking the database again.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// Keys seen recently, by hash of the secret.
#[derive(Default)]
pub struct KeyCache {
    entries: Mutex<HashMap<String, (Option<Principal>, Instant)>>,
}

impl KeyCache {
    fn get(&self, hash: &str) -> Option<Option<Principal>> {
        let entries = self.entries.lock().expect("key cache lock");
        entries.get(hash).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(p, _)| p.clone())
    }

    fn put(&self, hash: String, principal: Option<Principal>) {
        let mut entries = self.entries.lock().expect("key cache lock");
        if entries.len() > 10_000 {
            entries.clear();
        }
        entries.insert(hash, (principal, Instant::now()));
    }
}

/// Middleware for `/v1` routes: finds the principal and checks the route's roles.
pub async fn require_key<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let pattern = req.match_pattern().filter(|p| p.starts_with("/v1/"));
    let Some(pattern) = pattern else {
        // Not an API route, or no such route (the 404 handler answers).
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    match check(&req, &pattern).await {
        Ok(principal) => {
            req.extensions_mut().insert(principal);
            next.call(req).await.map(ServiceResponse::map_into_left_body)
        }
        Err(error) => Ok(req.error_response(error).map_into_right_body()),
    }
}

async fn check(req: &ServiceRequest, pattern: &str) -> Result<Principal, ApiError> {
    let method = req.method().as_str();
    let principal = authenticate(req).await?;
    let route = access::admitted(method, pattern)
        .ok_or_else(|| ApiError::forbidden(format!("{method} {pattern} admits no role")))?;
    if !route.admits(principal.role) {
        return Err(ApiError::forbidden(format!(
            "role '{}' may not call {method} {pattern}",
            principal.role
        )));
    }
    Ok(principal)
}

async fn authenticate(req: &ServiceRequest) -> Result<Principal, ApiError> {
    let secret = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unauthorized("send an API key as 'Authorization: Bearer KEY'"))?
        .to_owned();
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let hash = crate::store::keys::hash_secret(&secret);
    let found = match state.key_cache.get(&hash) {
        Some(cached) => cached,
        None => {
            let found =
                state.store.run(move |conn| crate::store::keys::find(conn, &secret)).await?;
            state.key_cache.put(hash, found.clone());
            found
        }
    };
    found.ok_or_else(|| ApiError::unauthorized("the API key is unknown or revoked"))
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Principal>()
                .cloned()
                .ok_or_else(|| ApiError::unauthorized("no authenticated principal")),
        )
    }
}
