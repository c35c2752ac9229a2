//! Bad input, table-driven: each case answers its status and stable code,
//! never a 500.

use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use credence::domain::Role;

both_backends!(bodies_and_paths, |app: TestApp| {
    let key = app.key(Role::Admin);
    let json = "application/json";
    type Case =
        (&'static str, &'static str, &'static str, &'static str, Vec<u8>, u16, &'static str);
    let cases: Vec<Case> = vec![
        (
            "malformed JSON",
            "POST",
            "/v1/uscc/validate",
            json,
            b"{\"codes\": [".to_vec(),
            400,
            "malformed_json",
        ),
        (
            "trailing garbage",
            "POST",
            "/v1/uscc/validate",
            json,
            b"{\"codes\": []} x".to_vec(),
            400,
            "malformed_json",
        ),
        (
            "wrong type",
            "POST",
            "/v1/uscc/validate",
            json,
            br#"{"codes": [1]}"#.to_vec(),
            422,
            "invalid_body",
        ),
        ("missing field", "POST", "/v1/uscc/validate", json, b"{}".to_vec(), 422, "invalid_body"),
        (
            "unknown field",
            "POST",
            "/v1/uscc/validate",
            json,
            br#"{"codes": ["x"], "extra": 1}"#.to_vec(),
            422,
            "invalid_body",
        ),
        (
            "no codes",
            "POST",
            "/v1/uscc/validate",
            json,
            br#"{"codes": []}"#.to_vec(),
            422,
            "validation_failed",
        ),
        (
            "not JSON",
            "POST",
            "/v1/uscc/validate",
            "text/plain",
            b"codes".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "bad code in path",
            "GET",
            "/v1/subjects/914403001922038217",
            json,
            vec![],
            422,
            "invalid_uscc",
        ),
        (
            "bad kind",
            "PUT",
            "/v1/subjects/914403001922038216",
            json,
            br#"{"name": "x", "kind": "firm"}"#.to_vec(),
            422,
            "invalid_body",
        ),
        (
            "empty name",
            "PUT",
            "/v1/subjects/914403001922038216",
            json,
            br#"{"name": "", "kind": "enterprise"}"#.to_vec(),
            422,
            "validation_failed",
        ),
        (
            "bad date",
            "PUT",
            "/v1/subjects/914403001922038216",
            json,
            br#"{"name": "x", "kind": "enterprise", "established_on": "2020-13-01"}"#.to_vec(),
            422,
            "invalid_body",
        ),
        ("unknown route", "GET", "/v1/nothing", json, vec![], 404, "not_found"),
    ];
    for (label, method, path, ctype, body, status, code) in cases {
        let answer = app.call_raw(method, path, &key, ctype, body);
        assert_eq!(answer.status, status, "{label}: {}", answer.text);
        assert_eq!(answer.body["code"], code, "{label}: {}", answer.text);
        assert_eq!(answer.headers["content-type"], "application/problem+json", "{label}");
    }

    let missing = app.call_raw("POST", "/v1/uscc/validate", &key, json, b"{}".to_vec());
    assert_eq!(missing.body["errors"][0]["pointer"], "/codes", "{}", missing.text);
    let wrong =
        app.call_raw("POST", "/v1/uscc/validate", &key, json, br#"{"codes": ["a", 2]}"#.to_vec());
    assert_eq!(wrong.body["errors"][0]["pointer"], "/codes/1", "{}", wrong.text);
});

#[test]
fn oversize_bodies_answer_413_under_a_configured_cap() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.body_limit_bytes = 1000).unwrap();
    let key = app.key(Role::Admin);
    let codes: Vec<String> = (0..200).map(|_| "914403001922038216".to_string()).collect();
    let answer =
        app.call("POST", "/v1/uscc/validate", Some(&key), Some(&json!({ "codes": codes })));
    assert_eq!(answer.status, 413, "{}", answer.text);
    assert_eq!(answer.body["code"], "body_too_large");

    // Chunked, with no Content-Length: the cap holds while reading.
    let body = serde_json::to_vec(&json!({ "codes": codes })).unwrap();
    let stream = std::io::Cursor::new(body);
    let response = app
        .client
        .post(format!("{}/v1/uscc/validate", app.base))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(reqwest::blocking::Body::new(stream))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);

    let small = app.call(
        "POST",
        "/v1/uscc/validate",
        Some(&key),
        Some(&json!({ "codes": ["914403001922038216"] })),
    );
    assert_eq!(small.status, 200);
}
