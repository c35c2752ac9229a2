//! `POST /v1/uscc/validate`.

use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;
use credence::domain::Role;

both_backends!(validates_and_normalises, |app: TestApp| {
    let key = app.key(Role::Regulator);
    let codes = json!({ "codes": [
        "914403001922038216", "91330100799655058B", "91110000710925462X",
        "91520000214434146R", "91110108551385082Q", " ９１３３０１００７９９６５５０５８ｂ ",
        "91350203M0001QAY9B", "9144030019220382", "91440300192203821I",
    ]});
    let answer = app.call("POST", "/v1/uscc/validate", Some(&key), Some(&codes));
    assert_eq!(answer.status, 200, "{}", answer.text);
    let results = answer.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 9);
    for r in &results[..6] {
        assert_eq!(r["valid"], true, "{r}");
    }
    assert_eq!(results[5]["normalized"], "91330100799655058B");
    assert_eq!(results[6]["errors"][0]["position"], 18);
    assert_eq!(results[6]["errors"][0]["code"], "check_character");
    assert_eq!(results[7]["errors"][0]["code"], "length");
    assert_eq!(results[8]["errors"][0]["position"], 18);
    assert_eq!(results[8]["errors"][0]["code"], "character_set");
});

both_backends!(takes_ten_thousand_codes_and_no_more, |app: TestApp| {
    let key = app.key(Role::Provider);
    let many: Vec<&str> = vec!["914403001922038216"; 10_000];
    let answer = app.call("POST", "/v1/uscc/validate", Some(&key), Some(&json!({ "codes": many })));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["results"].as_array().unwrap().len(), 10_000);

    let too_many: Vec<&str> = vec!["914403001922038216"; 10_001];
    let answer =
        app.call("POST", "/v1/uscc/validate", Some(&key), Some(&json!({ "codes": too_many })));
    assert_eq!(answer.status, 422);
    assert_eq!(answer.body["errors"][0]["pointer"], "/codes");
});
