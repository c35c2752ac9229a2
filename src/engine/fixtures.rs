//! Runs the fixtures of a rule set (`credence rules test`): each fixture's
//! facts through the risk model and, when it names a matter, the sanction
//! check, compared with what it expects.

use std::collections::BTreeSet;

use super::facts::{Facts, RecordInput, SubjectFacts};
use super::{risk, sanctions};
use crate::rules::fixture::{toml_to_json, Fixture};
use crate::rules::RuleSet;

/// The result of one fixture.
#[derive(Debug, Clone)]
pub struct FixtureResult {
    /// The fixture's file.
    pub file: String,
    /// Its name.
    pub name: String,
    /// Differences from the expectation; empty when it passed.
    pub diffs: Vec<String>,
}

impl FixtureResult {
    /// Whether the fixture passed.
    pub fn passed(&self) -> bool {
        self.diffs.is_empty()
    }
}

/// The facts of a fixture.
pub fn facts_of(set: &RuleSet, fixture: &Fixture) -> Facts {
    let inputs: Vec<RecordInput> = fixture
        .records
        .iter()
        .map(|r| RecordInput {
            id: r.id.clone(),
            item: r.item.clone(),
            decided_on: r.decided_on,
            reported_on: r.reported_on.unwrap_or(r.decided_on),
            revoked_on: r.revoked_on,
            repaired_on: r.repaired_on,
            attributes: r.attributes.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect(),
        })
        .collect();
    let subject = SubjectFacts {
        kind: fixture.subject.kind.clone(),
        division: fixture.subject.division.clone(),
        industry: fixture.subject.industry.clone(),
        established_on: fixture.subject.established_on,
    };
    Facts::build(set, "fixture", fixture.as_of, subject, &inputs)
}

/// Runs one fixture.
pub fn run_one(set: &RuleSet, fixture: &Fixture) -> FixtureResult {
    let facts = facts_of(set, fixture);
    let expect = &fixture.expect;
    let mut diffs = Vec::new();

    let assessment = risk::assess(set, &facts);
    let measures =
        fixture.matter.as_deref().map(|matter| sanctions::check(set, &facts, matter, None));
    let error = match (&assessment, &measures) {
        (Err(e), _) | (_, Some(Err(e))) => Some(e.to_string()),
        _ => None,
    };
    match (&expect.error, &error) {
        (Some(want), Some(got)) if !got.contains(want.as_str()) => {
            diffs.push(format!("error: expected one containing '{want}', got '{got}'"))
        }
        (Some(want), None) => diffs.push(format!("error: expected '{want}', got an answer")),
        (None, Some(got)) => diffs.push(format!("error: {got}")),
        _ => {}
    }

    if let (Some(want), Ok(a)) = (&expect.tier, &assessment) {
        if a.tier.as_str() != want {
            let why: Vec<String> =
                a.reasons.iter().map(|r| format!("{} {:+}", r.rule, r.points)).collect();
            diffs.push(format!(
                "tier: expected {want}, got {} (score {}; {})",
                a.tier,
                a.score,
                why.join(", ")
            ));
        }
    }
    if let Some(Ok(applied)) = &measures {
        let got: BTreeSet<&str> = applied.iter().map(|m| m.code.as_str()).collect();
        if let Some(want) = &expect.measures {
            let want: BTreeSet<&str> = want.iter().map(String::as_str).collect();
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            if !missing.is_empty() {
                diffs.push(format!("measures: expected but absent: {missing:?}"));
            }
            if !extra.is_empty() {
                diffs.push(format!("measures: present but not expected: {extra:?}"));
            }
        }
        for code in &expect.absent {
            if got.contains(code.as_str()) {
                diffs.push(format!("measures: {code} applies but must not"));
            }
        }
    } else if expect.measures.is_some() && fixture.matter.is_none() {
        diffs.push("measures: expected, but the fixture names no matter".into());
    }
    FixtureResult { file: fixture.file.clone(), name: fixture.name.clone(), diffs }
}

/// Runs every fixture of the set.
pub fn run_all(set: &RuleSet) -> Vec<FixtureResult> {
    set.fixtures.iter().map(|f| run_one(set, f)).collect()
}
