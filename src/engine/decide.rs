//! Decisions as the API answers and records them: the risk assessment and
//! the sanction check over the facts of a date, each with its output and its
//! explanation, and their replay from a stored record.

use std::time::Instant;

use serde_json::{json, Value};

use super::facts::{Facts, RecordInput, SubjectFacts};
use super::{risk, sanctions, EvalError};
use crate::audit::DecisionRecord;
use crate::domain::{Subject, SubjectKind, Uscc};
use crate::rules::RuleSet;
use crate::store::records::RecordRow;

/// The decision kinds that evaluate rules.
pub const RISK_ASSESSMENT: &str = "risk_assessment";
/// A sanction and incentive check for a matter.
pub const SANCTION_CHECK: &str = "sanction_check";

/// What an evaluation produced.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The facts exactly as evaluated.
    pub facts: Facts,
    /// The answer, without the decision id.
    pub output: Value,
    /// Each rule that fired, with what it saw and its basis.
    pub explanation: Value,
}

/// The subject as the rules see it; an unregistered subject is described
/// by its code alone.
pub fn subject_facts(uscc: &Uscc, subject: Option<&Subject>) -> SubjectFacts {
    match subject {
        Some(s) => SubjectFacts {
            kind: s.kind.as_str().to_owned(),
            division: s.division.clone(),
            industry: s.industry.clone(),
            established_on: s.established_on,
        },
        None => SubjectFacts {
            kind: SubjectKind::implied_by(uscc).map_or("other", SubjectKind::as_str).to_owned(),
            division: uscc.division().to_owned(),
            industry: None,
            established_on: None,
        },
    }
}

/// Stored records as evaluation inputs.
pub fn inputs(rows: &[RecordRow]) -> Vec<RecordInput> {
    rows.iter()
        .filter_map(|r| {
            Some(RecordInput {
                id: r.id.clone(),
                item: r.item.clone(),
                decided_on: r.decided_on.parse().ok()?,
                reported_on: r.reported_on.parse().ok()?,
                revoked_on: r.revoked_on.as_deref().and_then(|d| d.parse().ok()),
                repaired_on: r.repaired_on.as_deref().and_then(|d| d.parse().ok()),
                attributes: serde_json::from_str(&r.attributes).ok()?,
            })
        })
        .collect()
}

fn record_refs(facts: &Facts, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| facts.record(id))
        .map(|r| {
            json!({
                "id": r.id, "item": r.item, "kind": r.kind,
                "decided_on": r.decided_on, "severity": r.severity,
            })
        })
        .collect()
}

/// The credit-risk tier of the facts.
pub fn risk_assessment(set: &RuleSet, facts: Facts) -> Result<Evaluated, EvalError> {
    let started = Instant::now();
    let assessment = risk::assess(set, &facts)?;
    let explanation: Vec<Value> = assessment
        .reasons
        .iter()
        .map(|reason| {
            let rule = set.risk.rules.iter().find(|r| r.code == reason.rule);
            let over = set.risk.overrides.iter().find(|o| o.code == reason.rule);
            json!({
                "rule": reason.rule,
                "points": reason.points,
                "detail": reason.detail,
                "rationale": rule.map(|r| &r.rationale).or(over.map(|o| &o.rationale)),
                "verification": rule.map(|r| r.verification),
                "records": record_refs(&facts, &reason.records),
            })
        })
        .collect();
    let output = json!({
        "uscc": facts.uscc, "as_of": facts.as_of,
        "ruleset": set.hash, "ruleset_version": set.version,
        "tier": assessment.tier, "score": assessment.score, "reasons": assessment.reasons,
    });
    tracing::debug!(eval.duration_us = started.elapsed().as_micros() as u64, "risk assessed");
    Ok(Evaluated { facts, output, explanation: Value::Array(explanation) })
}

/// The measures that apply for `matter`; `agency` marks the caller's own.
pub fn sanction_check(
    set: &RuleSet,
    facts: Facts,
    matter: &str,
    agency: Option<&str>,
) -> Result<Evaluated, EvalError> {
    let started = Instant::now();
    let measures = sanctions::check(set, &facts, matter, agency)?;
    let explanation: Vec<Value> = measures
        .iter()
        .map(|m| {
            let def = set.measures.iter().find(|d| d.code == m.code);
            json!({
                "measure": m.code,
                "category": m.category,
                "severity": def.map(|d| d.severity),
                "triggers": def.map(|d| d.triggers.clone()),
                "condition": def.and_then(|d| d.condition.clone()),
                "basis": m.basis,
                "verification": def.map(|d| d.verification),
                "records": record_refs(&facts, &m.triggered_by),
            })
        })
        .collect();
    let output = json!({
        "uscc": facts.uscc, "matter": matter, "as_of": facts.as_of, "ruleset": set.hash,
        "ruleset_version": set.version, "measures": measures,
    });
    tracing::debug!(eval.duration_us = started.elapsed().as_micros() as u64, "sanctions checked");
    Ok(Evaluated { facts, output, explanation: Value::Array(explanation) })
}

/// The implementing-agency part of a department code `DIVISION-AGENCY`.
pub fn agency_of(department: &str) -> Option<&str> {
    department.split_once('-').map(|(_, agency)| agency).filter(|a| !a.is_empty())
}

/// Re-evaluates a stored decision with its stored inputs on `set`.
pub fn replay(set: &RuleSet, record: &DecisionRecord) -> Result<Value, EvalError> {
    let facts: Facts = serde_json::from_value(record.input.clone())
        .map_err(|e| EvalError(format!("the stored input cannot be read: {e}")))?;
    match record.kind.as_str() {
        RISK_ASSESSMENT => Ok(risk_assessment(set, facts)?.output),
        SANCTION_CHECK => {
            let matter = record.matter.as_deref().unwrap_or_default();
            Ok(sanction_check(set, facts, matter, agency_of(&record.requester.department))?.output)
        }
        other => {
            Err(EvalError(format!("a {other} decision evaluates no rules and cannot be replayed")))
        }
    }
}

/// The planners' tier row of a recorded risk assessment.
pub fn tier_row(record: &DecisionRecord, facts: &Facts) -> Option<crate::store::tiers::TierRow> {
    Some(crate::store::tiers::TierRow {
        uscc: facts.uscc.clone(),
        tier: record.output["tier"].as_str()?.to_owned(),
        score: record.output["score"].as_i64()?,
        division: facts.subject.division.clone(),
        industry: facts.subject.industry.clone(),
        decision_id: record.id.clone(),
        ruleset: record.ruleset.clone()?,
        as_of: facts.as_of.to_string(),
        classified_at: record.recorded_at.clone(),
    })
}
