//! Rule sets: the shipped set, a broken copy's findings, the REST reads,
//! reloads (same day refused, concurrent load unharmed, hostile rules).

use std::path::{Path, PathBuf};

use credence::domain::Role;
use credence::rules::{load_dir, Diagnostic};
use serde_json::json;

use crate::both_backends;
use crate::helpers::{shipped_rules, Backend, TestApp};

/// A copy of the shipped rules in a temporary folder.
pub fn rules_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("rules");
    copy_dir(&shipped_rules(), &target);
    (dir, target)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// Appends text to a file and answers the 1-based line where it starts.
fn append(file: &Path, text: &str) -> usize {
    let before = std::fs::read_to_string(file).unwrap();
    let line = before.lines().count() + 2;
    std::fs::write(file, format!("{before}\n{text}")).unwrap();
    line
}

/// Sets the rule set's effective date.
pub fn set_effective_from(rules: &Path, date: &str) {
    let path = rules.join("ruleset.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("effective_from = \"").unwrap() + "effective_from = \"".len();
    let updated = format!("{}{date}{}", &text[..start], &text[start + 10..]);
    std::fs::write(path, updated).unwrap();
}

#[test]
fn the_shipped_rules_check_and_pass_their_fixtures() {
    let set = load_dir(&shipped_rules()).unwrap_or_else(|findings| {
        panic!("{}", findings.iter().map(Diagnostic::to_string).collect::<Vec<_>>().join("\n"))
    });
    let national =
        set.measures.iter().filter(|m| m.list == credence::rules::model::ListLevel::National);
    assert!(national.count() >= 30, "at least 30 national measures");
    for kind in credence::domain::RecordKind::ALL {
        assert!(set.catalog.iter().any(|i| i.kind == kind), "a catalog item of kind {kind:?}");
    }
    let failures: Vec<_> =
        credence::engine::fixtures::run_all(&set).into_iter().filter(|r| !r.passed()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(set.fixtures.len() >= 20);
}

#[test]
fn the_commands_check_and_test_the_shipped_rules() {
    let bin = env!("CARGO_BIN_EXE_credence");
    for command in ["check", "test"] {
        let out = std::process::Command::new(bin)
            .args(["rules", command, shipped_rules().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "rules {command}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

const BROKEN_NATIONAL: &str = r#"
[[measure]]
code = "BROKEN-NO-BASIS"
title = "无依据的措施"
category = "rights_reducing"
list = "national"
jurisdiction = "000000"
agencies = ["nobody_at_all"]
matters = ["no_such_matter"]
severity = "general"
verification = "M"
[measure.duration]
kind = "fixed"
years = 1
[[measure.triggers]]
kind = "penalty"
severity = "general"
"#;

const BROKEN_CITY: &str = r#"
[[measure]]
code = "HD-BROKEN-RULE-ONLY"
title = "仅依据部门规章的市级措施"
category = "management"
list = "city"
jurisdiction = "130400"
agencies = ["finance"]
matters = ["fiscal_subsidy"]
severity = "serious"
verification = "M"
[measure.duration]
kind = "while_listed"
[[measure.basis]]
document = "某部门规章"
level = "departmental_rule"
article = "第一条"
verification = "M"
[[measure.triggers]]
kind = "serious_dishonest_list"

[[measure]]
code = "HD-ALLOWED-PROVINCIAL-BASIS"
title = "依据省条例的市级措施"
category = "management"
list = "city"
jurisdiction = "130400"
agencies = ["finance"]
matters = ["fiscal_subsidy"]
severity = "serious"
verification = "M"
[measure.duration]
kind = "while_listed"
[[measure.basis]]
document = "河北省社会信用信息条例"
level = "local_regulation"
jurisdiction = "130000"
article = "（条款待核）"
verification = "M"
[[measure.triggers]]
kind = "serious_dishonest_list"

[[measure]]
code = "HD-BROKEN-OTHER-PROVINCE"
title = "依据外省条例的市级措施"
category = "management"
list = "city"
jurisdiction = "130400"
agencies = ["finance"]
matters = ["fiscal_subsidy"]
severity = "serious"
verification = "M"
[measure.duration]
kind = "while_listed"
[[measure.basis]]
document = "深圳经济特区社会信用条例"
level = "local_regulation"
jurisdiction = "440300"
article = "第七十条"
verification = "V-L"
[[measure.triggers]]
kind = "serious_dishonest_list"
"#;

#[test]
fn a_broken_copy_gets_every_finding_with_its_place() {
    let (_dir, rules) = rules_copy();
    let national = rules.join("national/measures.toml");
    let first_code = {
        let text = std::fs::read_to_string(&national).unwrap();
        let start = text.find("code = \"").unwrap() + 8;
        text[start..start + text[start..].find('"').unwrap()].to_owned()
    };
    let national_line = append(&national, BROKEN_NATIONAL);
    let duplicate = BROKEN_NATIONAL.replace("BROKEN-NO-BASIS", &first_code);
    append(&national, &duplicate);
    append(&rules.join("handan/measures.toml"), BROKEN_CITY);
    let rhai_line = append(&rules.join("risk/rules.rhai"), "fn broken(facts) { let x = ; }");

    let findings = load_dir(&rules).expect_err("the broken copy is refused");
    let has = |file: &str, code: &str, text: &str| {
        findings.iter().any(|f| f.file == file && f.code == code && f.message.contains(text))
    };
    let report = findings.iter().map(Diagnostic::headline).collect::<Vec<_>>().join("\n");
    assert!(has("national/measures.toml", "missing_basis", "BROKEN-NO-BASIS"), "{report}");
    assert!(has("national/measures.toml", "unknown_matter", "no_such_matter"), "{report}");
    assert!(has("national/measures.toml", "unknown_agency", "nobody_at_all"), "{report}");
    assert!(
        has("national/measures.toml", "disproportionate_trigger", "BROKEN-NO-BASIS"),
        "{report}"
    );
    assert!(has("national/measures.toml", "duplicate_code", &first_code), "{report}");
    assert!(has("handan/measures.toml", "local_basis", "HD-BROKEN-RULE-ONLY"), "{report}");
    assert!(has("handan/measures.toml", "local_basis", "HD-BROKEN-OTHER-PROVINCE"), "{report}");
    assert!(!report.contains("HD-ALLOWED-PROVINCIAL-BASIS"), "{report}");
    assert!(has("risk/rules.rhai", "rhai_syntax", "Rhai"), "{report}");

    let matter = findings.iter().find(|f| f.code == "unknown_matter").unwrap();
    assert!(matter.line > national_line, "{matter:?}");
    assert!(matter.source_line.contains("no_such_matter"), "the offending line is shown");
    let rhai = findings.iter().find(|f| f.code == "rhai_syntax").unwrap();
    assert_eq!(rhai.line, rhai_line, "{rhai:?}");
    assert!(rhai.to_string().contains("fn broken"), "{rhai}");
}

both_backends!(rule_reads_over_rest, |app: TestApp| {
    let policy = app.key(Role::Policy);
    let regulator = app.key(Role::Regulator);

    let sets = app.call("GET", "/v1/rulesets", Some(&policy), None);
    assert_eq!(sets.status, 200, "{}", sets.text);
    let first = &sets.body["rulesets"][0];
    assert_eq!(first["active"], true);
    assert_eq!(first["effective_from"], "2019-01-01");
    let hash = first["hash"].as_str().unwrap().to_owned();

    let detail = app.call("GET", &format!("/v1/rulesets/{hash}"), Some(&policy), None);
    assert_eq!(detail.status, 200);
    assert!(detail.body["files"].as_array().unwrap().iter().any(|f| f["path"] == "ruleset.toml"));
    let missing = app.call("GET", "/v1/rulesets/feed", Some(&policy), None);
    assert_eq!(missing.status, 404);

    let all = app.call("GET", "/v1/measures", Some(&regulator), None);
    assert_eq!(all.status, 200);
    assert_eq!(all.body["ruleset"], hash.as_str());
    let procurement =
        app.call("GET", "/v1/measures?matter=government_procurement", Some(&regulator), None);
    let listed = procurement.body["measures"].as_array().unwrap();
    assert!(!listed.is_empty() && listed.len() < all.body["measures"].as_array().unwrap().len());
    for m in listed {
        assert!(m["matters"].as_array().unwrap().contains(&json!("government_procurement")));
        assert!(!m["basis"].as_array().unwrap().is_empty());
    }
    let unknown = app.call("GET", "/v1/measures?matter=astrology", Some(&regulator), None);
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.body["code"], "unknown_matter");
    let too_early = app.call("GET", "/v1/catalog?as_of=2018-06-01", Some(&regulator), None);
    assert_eq!(too_early.status, 422);
    assert_eq!(too_early.body["code"], "no_ruleset_for_date");
    let bad_date = app.call("GET", "/v1/catalog?as_of=2018-13-01", Some(&regulator), None);
    assert_eq!(bad_date.status, 400);

    let catalog =
        app.call("GET", "/v1/catalog?as_of=2026-03-02", Some(&app.key(Role::Provider)), None);
    assert_eq!(catalog.status, 200);
    assert!(catalog.body["items"].as_array().unwrap().iter().any(|i| i["kind"] == "penalty"));
});

#[test]
fn a_reload_on_the_same_day_is_refused_and_a_later_one_governs_from_its_date() {
    let (_dir, rules) = rules_copy();
    let folder = rules.clone();
    let app = TestApp::spawn_with(Backend::Sqlite, move |s| s.rules_dir = folder).unwrap();
    let policy = app.key(Role::Policy);

    let same = app.call("POST", "/v1/rulesets/reload", Some(&policy), None);
    assert_eq!(same.status, 200, "reloading unchanged files is harmless: {}", same.text);
    let first = same.body["hash"].as_str().unwrap().to_owned();

    let manifest = rules.join("ruleset.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("version = \"", "version = \"edited-")).unwrap();
    let refused = app.call("POST", "/v1/rulesets/reload", Some(&policy), None);
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["code"], "same_effective_date");
    assert!(refused.body["errors"][0]["pointer"].as_str().unwrap().starts_with("ruleset.toml:"));

    set_effective_from(&rules, "2025-01-01");
    let later = app.call("POST", "/v1/rulesets/reload", Some(&policy), None);
    assert_eq!(later.status, 200, "{}", later.text);
    let second = later.body["hash"].as_str().unwrap().to_owned();
    assert_ne!(first, second);

    let regulator = app.key(Role::Regulator);
    let old = app.call("GET", "/v1/measures?as_of=2024-12-31", Some(&regulator), None);
    assert_eq!(
        old.body["ruleset"],
        first.as_str(),
        "the superseded version keeps the dates before"
    );
    let new = app.call("GET", "/v1/measures?as_of=2025-01-01", Some(&regulator), None);
    assert_eq!(new.body["ruleset"], second.as_str());
    let sets = app.call("GET", "/v1/rulesets", Some(&policy), None).body;
    assert_eq!(sets["rulesets"][0]["effective_to"], "2024-12-31");
    assert_eq!(sets["rulesets"][1]["active"], true);
}

#[test]
fn a_failing_or_hostile_folder_answers_422_and_the_version_in_force_stays() {
    let (_dir, rules) = rules_copy();
    let folder = rules.clone();
    let app = TestApp::spawn_with(Backend::Sqlite, move |s| s.rules_dir = folder).unwrap();
    let policy = app.key(Role::Policy);
    let before = app.call("GET", "/v1/rulesets", Some(&policy), None).body;
    set_effective_from(&rules, "2025-06-01");

    let script = rules.join("risk/rules.rhai");
    let original = std::fs::read_to_string(&script).unwrap();
    let model = std::fs::read_to_string(rules.join("risk/model.toml")).unwrap();
    let start = model.find("function = \"").unwrap() + 12;
    let function = &model[start..start + model[start..].find('"').unwrap()];
    let code_start = model[..start].rfind("code = \"").unwrap() + 8;
    let rule_code = &model[code_start..code_start + model[code_start..].find('"').unwrap()];

    let hostile = [
        ("endless loop", "loop { }"),
        ("deep recursion", "runaway_again(facts)"),
        ("huge string", "let s = \"x\"; loop { s += s; }"),
    ];
    for (label, body) in hostile {
        let renamed = original.replacen(&format!("fn {function}("), "fn replaced_original(", 1);
        let text = format!(
            "{renamed}\nfn {function}(facts) {{ {body} }}\nfn runaway_again(facts) {{ runaway_again(facts) }}\n"
        );
        std::fs::write(&script, text).unwrap();
        let answer = app.call("POST", "/v1/rulesets/reload", Some(&policy), None);
        assert_eq!(answer.status, 422, "{label}: {}", answer.text);
        assert!(
            answer.text.contains(rule_code),
            "{label}: the error names the rule: {}",
            answer.text
        );
        assert_eq!(app.call("GET", "/healthz", None, None).status, 200);
    }
    let after = app.call("GET", "/v1/rulesets", Some(&policy), None).body;
    assert_eq!(before, after, "the version in force stays");
}

#[test]
fn a_reload_under_concurrent_load_fails_no_request() {
    let (_dir, rules) = rules_copy();
    let folder = rules.clone();
    let app = TestApp::spawn_with(Backend::Sqlite, move |s| {
        s.rules_dir = folder;
        s.pool_size = 8;
    })
    .unwrap();
    let policy = app.key(Role::Policy);
    let regulator = app.key(Role::Regulator);
    let stop = std::sync::atomic::AtomicBool::new(false);

    std::thread::scope(|scope| {
        let readers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut statuses = Vec::new();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let a =
                            app.call("GET", "/v1/measures?matter=bidding", Some(&regulator), None);
                        statuses.push(a.status);
                    }
                    statuses
                })
            })
            .collect();
        for (i, date) in ["2024-01-01", "2024-02-01", "2024-03-01"].iter().enumerate() {
            set_effective_from(&rules, date);
            let answer = app.call("POST", "/v1/rulesets/reload", Some(&policy), None);
            assert_eq!(answer.status, 200, "reload {i}: {}", answer.text);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let statuses: Vec<u16> = readers.into_iter().flat_map(|r| r.join().unwrap()).collect();
        assert!(statuses.len() > 4, "the readers ran");
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    });
}

#[test]
fn every_measure_and_risk_rule_fires_in_one_fixture_and_not_in_another() {
    let set = load_dir(&shipped_rules()).unwrap();
    let mut fired = std::collections::HashSet::new();
    let mut silent = std::collections::HashSet::new();
    for fixture in &set.fixtures {
        let facts = credence::engine::fixtures::facts_of(&set, fixture);
        let assessment = credence::engine::risk::assess(&set, &facts).unwrap();
        let reasons: Vec<&str> = assessment.reasons.iter().map(|r| r.rule.as_str()).collect();
        let codes = set
            .risk
            .rules
            .iter()
            .map(|r| &r.code)
            .chain(set.risk.overrides.iter().map(|o| &o.code));
        for code in codes {
            if reasons.contains(&code.as_str()) {
                fired.insert(code.clone())
            } else {
                silent.insert(code.clone())
            };
        }
        let Some(matter) = &fixture.matter else { continue };
        let applied = credence::engine::sanctions::check(&set, &facts, matter, None).unwrap();
        for m in set.measures.iter().filter(|m| m.matters.contains(matter)) {
            if applied.iter().any(|a| a.code == m.code) {
                fired.insert(m.code.clone())
            } else {
                silent.insert(m.code.clone())
            };
        }
    }
    for code in set.measures.iter().map(|m| &m.code).chain(set.risk.rules.iter().map(|r| &r.code)) {
        assert!(fired.contains(code), "{code} fires in no fixture");
        assert!(silent.contains(code), "{code} stays silent in no fixture of its matter");
    }
    for o in &set.risk.overrides {
        assert!(fired.contains(&o.code) && silent.contains(&o.code), "override {}", o.code);
    }
}

#[test]
fn rules_diff_names_what_changed() {
    let (_dir, rules) = rules_copy();
    let path = rules.join("national/measures.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("title = \"").unwrap() + 9;
    std::fs::write(&path, format!("{}修订：{}", &text[..start], &text[start..])).unwrap();
    let city =
        BROKEN_CITY.split("\n\n").find(|m| m.contains("HD-ALLOWED-PROVINCIAL-BASIS")).unwrap();
    append(&rules.join("handan/measures.toml"), city);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(["rules", "diff", shipped_rules().to_str().unwrap(), rules.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("+ measure HD-ALLOWED-PROVINCIAL-BASIS"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("~ measure NAT-") && l.contains("title")),
        "{stdout}"
    );
}
