//! `PUT` and `GET /v1/subjects/{uscc}`.

use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;
use credence::domain::Role;

both_backends!(put_then_get, |app: TestApp| {
    let admin = app.key(Role::Admin);
    let reader = app.key(Role::Regulator);
    let path = "/v1/subjects/914403001922038216";
    let body = json!({ "name": "华为技术有限公司", "kind": "enterprise", "industry": "C",
                       "established_on": "1987-09-15" });

    let created = app.call("PUT", path, Some(&admin), Some(&body));
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["division"], "440300", "division defaults to the code's");

    let read = app.call("GET", path, Some(&reader), None);
    assert_eq!(read.status, 200);
    assert_eq!(read.body["name"], "华为技术有限公司");
    assert_eq!(read.body["established_on"], "1987-09-15");
    assert_eq!(read.body["status"], "active");

    let renamed = json!({ "name": "华为技术有限公司（更名）", "kind": "enterprise", "status": "deregistered" });
    let replaced = app.call("PUT", path, Some(&admin), Some(&renamed));
    assert_eq!(replaced.status, 200);
    let read = app.call("GET", path, Some(&reader), None);
    assert_eq!(read.body["status"], "deregistered");
    assert!(read.body["industry"].is_null());

    // Lower case and full-width forms address the same subject.
    let read = app.call("GET", "/v1/subjects/91440300192203821６", Some(&reader), None);
    assert_eq!(read.status, 200, "{}", read.text);
});

both_backends!(bad_and_unknown_codes, |app: TestApp| {
    let reader = app.key(Role::Caseworker);
    let bad = app.call("GET", "/v1/subjects/914403001922038217", Some(&reader), None);
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["errors"][0]["position"], 18);
    assert_eq!(bad.body["errors"][0]["pointer"], "/path/uscc");

    let missing = app.call("GET", "/v1/subjects/91330100799655058B", Some(&reader), None);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["code"], "subject_not_found");
});
