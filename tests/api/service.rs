//! Health, readiness, metrics, the OpenAPI document and request ids.

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(health_and_metrics, |app: TestApp| {
    assert_eq!(app.call("GET", "/healthz", None, None).status, 200);

    let ready = app.call("GET", "/readyz", None, None);
    assert_eq!(ready.body["database"], true, "{}", ready.text);
    let has_rules = !ready.body["ruleset"].is_null();
    assert_eq!(ready.status, if has_rules { 200 } else { 503 }, "{}", ready.text);

    let metrics = app.call("GET", "/metrics", None, None);
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.text.contains(
            r#"credence_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{}",
        metrics.text
    );
    assert!(metrics.text.contains("credence_http_request_duration_seconds_bucket"));
    assert!(metrics.text.contains(r#"credence_db_pool_connections{state="max"} 4"#));
});

both_backends!(request_id_is_kept_or_made, |app: TestApp| {
    let response = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "abc-123")
        .send()
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
    let response = app.client.get(format!("{}/healthz", app.base)).send().unwrap();
    assert_eq!(response.headers()["x-request-id"].len(), 36);
    // Spaces are legal in a header but not in a request id: the service makes its own.
    let response = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "bad id")
        .send()
        .unwrap();
    let echoed = response.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(echoed, "bad id");
    assert_eq!(echoed.len(), 36);
});

both_backends!(openapi_and_docs_are_served, |app: TestApp| {
    let spec = app.call("GET", "/openapi.json", None, None);
    assert_eq!(spec.status, 200);
    assert!(spec.body["openapi"].as_str().unwrap().starts_with("3."));
    assert!(spec.body["paths"]["/v1/uscc/validate"].is_object());
    let docs = app.client.get(format!("{}/docs/", app.base)).send().unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().unwrap().contains("swagger"), "Swagger UI is served from vendored assets");
});

#[test]
fn committed_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = credence::http::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}
