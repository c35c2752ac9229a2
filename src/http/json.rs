//! The JSON body extractor: a size cap, then deserialisation that names the
//! field that broke (as a JSON pointer), then `validator` rules.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use super::error::{ApiError, FieldError};

/// The configured body caps, in bytes (app data).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit {
    /// Every body but bulk ones.
    pub default: usize,
    /// Bulk bodies (record batches of up to 5,000).
    pub bulk: usize,
}

/// A JSON body that has been read within the cap, parsed and validated.
#[derive(Debug)]
pub struct Json<T>(pub T);

/// The same, under the bulk cap.
#[derive(Debug)]
pub struct BulkJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<web::Data<BodyLimit>>().map_or(1024 * 1024, |l| l.default);
        let read = read_json::<T>(req, payload, limit);
        Box::pin(async move { read.await.map(Json) })
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for BulkJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<web::Data<BodyLimit>>().map_or(16 * 1024 * 1024, |l| l.bulk);
        let read = read_json::<T>(req, payload, limit);
        Box::pin(async move { read.await.map(BulkJson) })
    }
}

fn read_json<T: DeserializeOwned + Validate + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> impl Future<Output = Result<T, ApiError>> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    async move {
        if !is_json {
            return Err(ApiError::unsupported_media_type());
        }
        if declared.is_some_and(|n| n > limit) {
            return Err(ApiError::too_large(limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::bad_request("unreadable_body", e.to_string()))?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        let value = parse::<T>(&body)?;
        value.validate().map_err(validation_error)?;
        Ok(value)
    }
}

/// Deserialises a body; syntax errors are 400, content errors 422 with a pointer.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut pointer = pointer_of(e.path());
        let inner = e.into_inner();
        if let Some(field) = missing_field(&inner.to_string()) {
            pointer = format!("{}/{field}", pointer.trim_end_matches('/'));
        }
        match inner.classify() {
            serde_json::error::Category::Data => {
                let detail = inner.to_string();
                ApiError::unprocessable("invalid_body", format!("{pointer}: {detail}")).with_fields(
                    vec![FieldError { pointer, code: "invalid".into(), detail, position: None }],
                )
            }
            _ => ApiError::bad_request(
                "malformed_json",
                format!("the body is not valid JSON: {inner}"),
            ),
        }
    })?;
    de.end().map_err(|e| ApiError::bad_request("malformed_json", e.to_string()))?;
    Ok(value)
}

/// serde names a missing field only in its message: "missing field `name`".
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest[..rest.find('`')?].to_owned())
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { variant } => out.push_str(&format!("/{variant}")),
            Segment::Unknown => out.push_str("/?"),
        }
    }
    if out.is_empty() {
        "/".into()
    } else {
        out
    }
}

/// Turns `validator` errors into field errors with pointers.
pub fn validation_error(errors: ValidationErrors) -> ApiError {
    let mut fields = Vec::new();
    collect(&errors, String::new(), &mut fields);
    let detail = fields
        .iter()
        .map(|f| format!("{}: {}", f.pointer, f.detail))
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::unprocessable("validation_failed", detail).with_fields(fields)
}

fn collect(errors: &ValidationErrors, prefix: String, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let pointer = format!("{prefix}/{field}");
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| FieldError {
                pointer: pointer.clone(),
                code: e.code.to_string(),
                detail: e.message.as_ref().map_or_else(|| e.code.to_string(), |m| m.to_string()),
                position: None,
            })),
            ValidationErrorsKind::Struct(inner) => collect(inner, pointer, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, format!("{pointer}/{index}"), out);
                }
            }
        }
    }
}
