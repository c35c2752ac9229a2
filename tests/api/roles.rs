//! The role matrix: every `/v1` route against every role, no key and an
//! unknown key. The table in `credence::http::access` is the expectation;
//! the OpenAPI document proves every registered route is in it.

use std::collections::BTreeSet;

use credence::domain::Role;
use credence::http::access::ROUTES;

use crate::both_backends;
use crate::helpers::TestApp;

/// A concrete path for a pattern: parameters get plausible values.
fn concrete(pattern: &str) -> String {
    pattern
        .replace("{uscc}", "914403001922038216")
        .replace("{id}", "00000000-0000-0000-0000-000000000000")
        .replace("{hash}", "0000000000000000000000000000000000000000000000000000000000000000")
}

both_backends!(every_route_against_every_role, |app: TestApp| {
    let keys: Vec<(Role, String)> = Role::ALL.iter().map(|&r| (r, app.key(r))).collect();
    for route in ROUTES {
        let path = concrete(route.path);
        let body = serde_json::json!({});

        let anonymous = app.call(route.method, &path, None, Some(&body));
        assert_eq!(anonymous.status, 401, "{} {} without a key", route.method, route.path);
        let unknown = app.call(route.method, &path, Some("crd_unknown"), Some(&body));
        assert_eq!(unknown.status, 401, "{} {} with an unknown key", route.method, route.path);

        for (role, key) in &keys {
            let answer = app.call(route.method, &path, Some(key), Some(&body));
            if route.admits(*role) {
                assert!(
                    answer.status != 401 && answer.status != 403,
                    "{role} should be admitted to {} {}: {} {}",
                    route.method,
                    route.path,
                    answer.status,
                    answer.text
                );
            } else {
                assert_eq!(
                    answer.status, 403,
                    "{role} must be refused {} {}",
                    route.method, route.path
                );
                assert_eq!(answer.body["code"], "forbidden");
            }
        }
    }
});

#[test]
fn every_v1_route_in_the_document_is_in_the_access_table() {
    let spec: serde_json::Value =
        serde_json::from_str(&credence::http::openapi::document_json()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let declared: BTreeSet<_> =
        ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    assert_eq!(documented, declared);
}
