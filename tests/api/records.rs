//! Records: ingest, idempotency and corrections, per-record errors,
//! timeliness on the working-day calendar, windows, revocation, reads as of
//! a date, the access log, code cases and personal data.

use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use credence::domain::Role;

const HUAWEI: &str = "914403001922038216";
const ALIBABA: &str = "91330100799655058B";

fn penalty(source_id: &str, decided_on: &str, reported_on: &str) -> Value {
    json!({
        "source_id": source_id, "uscc": HUAWEI, "name": "华为技术有限公司", "item": "NAT-03-PEN",
        "decided_on": decided_on, "reported_on": reported_on, "document_no": "邯市监罚〔2024〕1号",
        "attributes": { "penalty_types": ["罚款"], "severity": "general", "fine_yuan": "10000.00" }
    })
}

fn post(app: &TestApp, key: &str, records: Vec<Value>) -> Vec<Value> {
    let answer = app.call("POST", "/v1/records", Some(key), Some(&json!({ "records": records })));
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["results"].as_array().unwrap().clone()
}

both_backends!(ingest_is_idempotent_and_keeps_corrections, |app: TestApp| {
    let provider = app.key_for(Role::Provider, "130400-market");
    let first = post(&app, &provider, vec![penalty("p-1", "2024-09-26", "2024-10-11")]);
    assert_eq!(first[0]["status"], "created", "{first:?}");
    let id = first[0]["record_id"].as_str().unwrap().to_owned();
    // Thursday 26 September 2024: Sunday 29 September is worked, 1-7 October are off.
    assert_eq!(
        first[0]["timeliness"],
        json!({"deadline": "2024-10-11", "working_days": 7, "late": false, "provisional": false})
    );
    assert_eq!(first[0]["publicity"]["from"], "2024-09-26");
    assert_eq!(first[0]["publicity"]["repair_from"], "2024-12-26");
    assert_eq!(first[0]["publicity"]["until"], "2025-09-25");

    let again = post(&app, &provider, vec![penalty("p-1", "2024-09-26", "2024-10-11")]);
    assert_eq!(again[0]["status"], "unchanged");
    assert_eq!(again[0]["record_id"], id.as_str());

    let mut corrected = penalty("p-1", "2024-09-26", "2024-10-20");
    corrected["attributes"]["fine_yuan"] = json!("12000.00");
    let third = post(&app, &provider, vec![corrected]);
    assert_eq!(third[0]["status"], "corrected");
    assert_eq!(third[0]["record_id"], id.as_str());
    assert_eq!(third[0]["timeliness"]["late"], false, "timeliness stays with the first report");

    let detail = app.call("GET", &format!("/v1/records/{id}"), Some(&provider), None);
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert_eq!(detail.body["version"], 2);
    assert_eq!(detail.body["attributes"]["fine_yuan"], "12000.00");
    let history = detail.body["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0]["changes"]["attributes"]["from"].as_str().unwrap().contains("10000.00"));

    let late = post(&app, &provider, vec![penalty("p-2", "2024-09-26", "2024-10-14")]);
    assert_eq!(late[0]["timeliness"]["late"], true);
    assert_eq!(late[0]["timeliness"]["working_days"], 9, "Saturday 12 October 2024 was worked");

    let other = app.key_for(Role::Provider, "130400-tax");
    let elsewhere = post(&app, &other, vec![penalty("p-1", "2024-09-26", "2024-10-11")]);
    assert_eq!(elsewhere[0]["status"], "created", "source ids are per department");
    let foreign = app.call("GET", &format!("/v1/records/{id}"), Some(&other), None);
    assert_eq!(foreign.status, 403);
});

both_backends!(each_bad_record_is_rejected_alone, |app: TestApp| {
    let provider = app.key(Role::Provider);
    let good = penalty("good", "2024-09-26", "2024-10-11");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut r = penalty("x", "2024-09-26", "2024-10-11");
        f(&mut r);
        r
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("bad code", with(&|r| r["uscc"] = json!("914403001922038217")), "/uscc", "invalid_uscc"),
        (
            "a person's ID number",
            with(&|r| r["uscc"] = json!("11010519491231002X")),
            "/uscc",
            "natural_person_code",
        ),
        ("unknown item", with(&|r| r["item"] = json!("NAT-99-NOTHING")), "/item", "unknown_item"),
        (
            "item not yet in force",
            with(&|r| r["decided_on"] = json!("2020-03-02")),
            "/item",
            "item_not_in_force",
        ),
        (
            "future decision",
            with(&|r| {
                r["decided_on"] = json!("2099-01-01");
                r["reported_on"] = json!("2099-01-02");
            }),
            "/decided_on",
            "future_decision",
        ),
        (
            "reported before decided",
            with(&|r| r["reported_on"] = json!("2024-09-01")),
            "/reported_on",
            "reported_before_decided",
        ),
        (
            "bad date",
            with(&|r| r["decided_on"] = json!("2024-02-30")),
            "/decided_on",
            "invalid_date",
        ),
        (
            "missing field",
            with(&|r| {
                r.as_object_mut().unwrap().remove("document_no");
            }),
            "/document_no",
            "missing_field",
        ),
        (
            "missing attribute",
            with(&|r| {
                r["attributes"].as_object_mut().unwrap().remove("severity");
            }),
            "/attributes/severity",
            "missing_attribute",
        ),
        (
            "mistyped attribute",
            with(&|r| r["attributes"]["severity"] = json!("grave")),
            "/attributes/severity",
            "invalid_attribute",
        ),
        (
            "float amount",
            with(&|r| r["attributes"]["fine_yuan"] = json!(10000.5)),
            "/attributes/fine_yuan",
            "amount_not_decimal_string",
        ),
        (
            "unknown penalty type",
            with(&|r| r["attributes"]["penalty_types"] = json!(["打板子"])),
            "/attributes/penalty_types/0",
            "invalid_attribute",
        ),
        (
            "bad ID number",
            with(&|r| r["attributes"]["legal_representative_id"] = json!("110105194912310021")),
            "/attributes/legal_representative_id",
            "invalid_id_number",
        ),
        ("not an object", json!("a record"), "", "invalid_record"),
    ];
    let mut batch = vec![good];
    batch.extend(cases.iter().enumerate().map(|(i, (_, r, _, _))| {
        let mut r = r.clone();
        if r.is_object() {
            r["source_id"] = json!(format!("bad-{i}"));
        }
        r
    }));
    let results = post(&app, &provider, batch);
    assert_eq!(results[0]["status"], "created", "the good record is stored: {:?}", results[0]);
    for (i, (label, _, pointer, code)) in cases.iter().enumerate() {
        let r = &results[i + 1];
        assert_eq!(r["status"], "rejected", "{label}: {r}");
        let errors = r["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["pointer"] == *pointer && e["code"] == *code),
            "{label}: {r}"
        );
    }
    assert!(!results.iter().any(|r| r.to_string().contains("19491231")), "no ID number is echoed");

    let twice = post(
        &app,
        &provider,
        vec![
            penalty("same", "2024-09-26", "2024-10-11"),
            penalty("same", "2024-09-26", "2024-10-11"),
        ],
    );
    assert_eq!(twice[0]["status"], "created");
    assert_eq!(twice[1]["errors"][0]["code"], "duplicate_source_id");

    let too_many: Vec<Value> =
        (0..5001).map(|i| penalty(&format!("m-{i}"), "2024-09-26", "2024-10-11")).collect();
    let answer =
        app.call("POST", "/v1/records", Some(&provider), Some(&json!({ "records": too_many })));
    assert_eq!(answer.status, 422, "{}", &answer.text[..200.min(answer.text.len())]);
    assert_eq!(answer.body["errors"][0]["pointer"], "/records");

    let read = app.call("GET", &format!("/v1/subjects/{HUAWEI}/records"), Some(&provider), None);
    let stored = read.body["records"].as_array().unwrap();
    assert_eq!(stored.len(), 2, "only the good and the first 'same' were stored");
});

both_backends!(identity_numbers_are_masked_and_hashed, |app: TestApp| {
    let provider = app.key(Role::Provider);
    let mut r = penalty("pii", "2024-09-26", "2024-10-11");
    r["attributes"]["legal_representative_id"] = json!("11010519491231002X");
    let results = post(&app, &provider, vec![r]);
    assert_eq!(results[0]["status"], "created", "{results:?}");
    let read = app.call("GET", &format!("/v1/subjects/{HUAWEI}/records"), Some(&provider), None);
    let attributes = &read.body["records"][0]["attributes"];
    assert_eq!(attributes["legal_representative_id"], "110105********002X");
    assert_eq!(attributes["legal_representative_id_hash"].as_str().unwrap().len(), 64);
    assert!(!read.text.contains("11010519491231002X"));
});

both_backends!(reads_as_of_a_date_with_status_and_revocation, |app: TestApp| {
    let provider = app.key(Role::Provider);
    let regulator = app.key(Role::Regulator);
    let results = post(&app, &provider, vec![penalty("r-1", "2024-09-26", "2024-10-11")]);
    let id = results[0]["record_id"].as_str().unwrap().to_owned();
    let path = format!("/v1/subjects/{HUAWEI}/records");

    let before = app.call("GET", &format!("{path}?as_of=2024-10-10"), Some(&regulator), None);
    assert!(
        before.body["records"].as_array().unwrap().is_empty(),
        "not yet reported on 10 October"
    );
    let known = app.call("GET", &format!("{path}?as_of=2024-12-01"), Some(&regulator), None);
    assert_eq!(known.body["records"][0]["status"], "active");
    let later = app.call("GET", &format!("{path}?as_of=2025-10-01"), Some(&regulator), None);
    assert_eq!(later.body["records"][0]["status"], "expired", "a general penalty's year is over");

    let body = json!({ "decided_on": "2025-01-10", "reason": "行政复议决定撤销原处罚" });
    let other = app.key_for(Role::Provider, "130400-other");
    assert_eq!(
        app.call("POST", &format!("/v1/records/{id}/revoke"), Some(&other), Some(&body)).status,
        403
    );
    let revoked =
        app.call("POST", &format!("/v1/records/{id}/revoke"), Some(&provider), Some(&body));
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert_eq!(revoked.body["revocation"]["deadline"], "2025-01-13");
    assert_eq!(revoked.body["revocation"]["late"], true, "reported long after three days");
    assert_eq!(
        app.call("POST", &format!("/v1/records/{id}/revoke"), Some(&provider), Some(&body)).status,
        409
    );
    let early = json!({ "decided_on": "2024-01-01", "reason": "x" });
    let other_record = post(&app, &provider, vec![penalty("r-2", "2024-09-26", "2024-10-11")]);
    let other_id = other_record[0]["record_id"].as_str().unwrap();
    assert_eq!(
        app.call("POST", &format!("/v1/records/{other_id}/revoke"), Some(&provider), Some(&early))
            .status,
        422
    );

    let mid = app.call("GET", &format!("{path}?as_of=2025-01-09"), Some(&regulator), None);
    let r1 =
        mid.body["records"].as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(r1["status"], "active", "counts until the revocation");
    let after = app.call("GET", &format!("{path}?as_of=2025-01-10"), Some(&regulator), None);
    let r1 =
        after.body["records"].as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(r1["status"], "revoked", "nothing is deleted");

    let with_purpose = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(&regulator)
        .header("x-purpose", "财政补贴审核")
        .send()
        .unwrap();
    assert_eq!(with_purpose.status(), 200);
    let mut conn = app.store.conn().unwrap();
    use diesel::prelude::*;
    let logged: Vec<(String, Option<String>)> =
        diesel::sql_query("SELECT role, purpose FROM access_log ORDER BY accessed_at")
            .load::<AccessRow>(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|r| (r.role, r.purpose))
            .collect();
    assert!(logged.len() >= 5, "{logged:?}");
    assert!(
        logged.contains(&("regulator".to_owned(), Some("财政补贴审核".to_owned()))),
        "{logged:?}"
    );
});

#[derive(diesel::QueryableByName)]
struct AccessRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    role: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    purpose: Option<String>,
}

both_backends!(duplicate_and_wrong_codes_open_cases_that_corrections_close, |app: TestApp| {
    let admin = app.key(Role::Admin);
    let provider = app.key(Role::Provider);
    let put = app.call(
        "PUT",
        &format!("/v1/subjects/{HUAWEI}"),
        Some(&admin),
        Some(&json!({"name": "华为技术有限公司", "kind": "enterprise"})),
    );
    assert_eq!(put.status, 201);

    let mut wrong_name = penalty("c-1", "2024-09-26", "2024-10-11");
    wrong_name["name"] = json!("华为技术公司");
    let mut two_codes = penalty("c-2", "2024-09-26", "2024-10-11");
    two_codes["uscc"] = json!(ALIBABA);
    let results = post(&app, &provider, vec![wrong_name, two_codes]);
    assert!(
        results.iter().all(|r| r["status"] == "created"),
        "judged on their merits: {results:?}"
    );

    let open = app.call("GET", "/v1/uscc/conflicts", Some(&provider), None);
    let cases = open.body["conflicts"].as_array().unwrap();
    let kinds: Vec<&str> = cases.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"name_mismatch"), "{cases:?}");
    assert!(kinds.contains(&"name_under_two_codes"), "{cases:?}");

    let fixed = penalty("c-1", "2024-09-26", "2024-10-11");
    assert_eq!(post(&app, &provider, vec![fixed])[0]["status"], "corrected");
    let open = app.call("GET", "/v1/uscc/conflicts", Some(&provider), None);
    let left: Vec<&str> = open.body["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(!left.contains(&"name_mismatch"), "the correction closed it: {left:?}");

    let individual_code = credence::domain::Uscc::from_parts("92", "130402", "MA0A1B2C").unwrap();
    let mut individual = penalty("c-3", "2024-09-26", "2024-10-11");
    individual["uscc"] = json!(individual_code.as_str());
    individual["name"] = json!("邯郸市某某商贸有限公司");
    assert_eq!(post(&app, &provider, vec![individual])[0]["status"], "created");
    let open = app.call("GET", "/v1/uscc/conflicts", Some(&provider), None);
    let category = open.body["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["kind"] == "category_mismatch" && c["uscc"] == individual_code.as_str());
    assert!(category, "an individual business's code on a company: {}", open.text);
});

#[test]
fn provisional_deadlines_are_recounted_when_the_year_is_published() {
    let (_dir, rules) = crate::rules::rules_copy();
    let year = rules.join("calendar/2026.toml");
    let kept = std::fs::read(&year).unwrap();
    std::fs::remove_file(&year).unwrap();
    let folder = rules.clone();
    let app = TestApp::spawn_with(Backend::Sqlite, move |s| s.rules_dir = folder).unwrap();
    let provider = app.key(Role::Provider);
    let policy = app.key(Role::Policy);

    let first = post(&app, &provider, vec![penalty("prov", "2026-09-24", "2026-10-09")]);
    assert_eq!(first[0]["timeliness"]["provisional"], true, "{first:?}");
    assert_eq!(first[0]["timeliness"]["late"], true, "on weekdays alone 9 October is late");

    std::fs::write(&year, kept).unwrap();
    crate::rules::set_effective_from(&rules, "2026-12-01");
    let reload = app.call("POST", "/v1/rulesets/reload", Some(&policy), None);
    assert_eq!(reload.status, 200, "{}", reload.text);
    let id = first[0]["record_id"].as_str().unwrap();
    let read = app.call("GET", &format!("/v1/records/{id}"), Some(&provider), None);
    assert_eq!(read.body["timeliness"]["provisional"], false, "{}", read.text);
    // Thursday 24 September 2026: 25, 28, 29, 30, then the National Day holiday, then Saturday 10 October is worked.
    assert_eq!(read.body["timeliness"]["late"], false, "{}", read.text);
}
