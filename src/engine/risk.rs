//! The credit-risk tier: a transparent points model with overrides, from
//! `risk/model.toml` and `risk/rules.rhai`.

use rhai::Dynamic;
use serde::Serialize;
use utoipa::ToSchema;

use super::facts::{Facts, RecordFact};
use super::EvalError;
use crate::domain::Tier;
use crate::rules::model::{OverrideMode, Select};
use crate::rules::script::{self, Outcome};
use crate::rules::set::Chooser;
use crate::rules::{shared_engine, RuleSet};

/// One rule that fired, with its points and the records behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reason {
    /// The rule's code.
    pub rule: String,
    /// One sentence in Chinese.
    pub detail: String,
    /// Points added (negative: deducted); 0 for an override.
    pub points: i64,
    /// Ids of the records behind it.
    pub records: Vec<String>,
}

/// The tier, the score and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Assessment {
    /// The tier after overrides.
    pub tier: Tier,
    /// The score before overrides.
    pub score: i64,
    /// Every rule and override that fired, in model order.
    pub reasons: Vec<Reason>,
}

fn records_of(outcome: &Outcome) -> Vec<String> {
    match outcome {
        Outcome::Flag(_) => Vec::new(),
        Outcome::Records(ids) => ids.clone(),
    }
}

/// The ids of the counting records a selection chooses, in facts order.
fn select(facts: &Facts, s: &Select) -> Vec<String> {
    let of_kind = facts.records.iter().filter(|r| r.kind.as_str() == s.kind);
    let chosen: Vec<&RecordFact> = if s.latest {
        // The first record of the latest decision date, as records are ordered by date then id.
        let latest = of_kind.clone().map(|r| r.decided_on).max();
        of_kind.filter(|r| Some(r.decided_on) == latest).take(1).collect()
    } else {
        of_kind.collect()
    };
    chosen
        .into_iter()
        .filter(|r| match &s.attribute {
            None => true,
            Some(name) => match r.attributes.get(name) {
                Some(serde_json::Value::String(v)) => s.any_of.contains(v),
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .any(|i| i.as_str().is_some_and(|v| s.any_of.iter().any(|w| w == v))),
                _ => false,
            },
        })
        .map(|r| r.id.clone())
        .collect()
}

/// Runs every rule and override: selections in Rust, functions in one Rhai
/// call when that succeeds, else one by one so that the error names the rule.
fn outcomes(set: &RuleSet, facts: &Facts) -> Result<Vec<Outcome>, EvalError> {
    let named: Vec<(&str, &Chooser)> = set
        .risk
        .rules
        .iter()
        .map(|r| (r.code.as_str(), &r.chooser))
        .chain(set.risk.overrides.iter().map(|o| (o.code.as_str(), &o.chooser)))
        .collect();
    let functions: Vec<(&str, &str)> = named
        .iter()
        .filter_map(|(code, c)| match c {
            Chooser::Function(f) => Some((*code, f.as_str())),
            Chooser::Select(_) => None,
        })
        .collect();
    let mut scripted = if functions.is_empty() {
        Vec::new()
    } else {
        run_functions(set, &facts.to_dynamic(), &functions)?
    }
    .into_iter();
    Ok(named
        .iter()
        .map(|(_, chooser)| match chooser {
            Chooser::Select(s) => Outcome::Records(select(facts, s)),
            Chooser::Function(_) => scripted.next().expect("one outcome per function"),
        })
        .collect())
}

fn run_functions(
    set: &RuleSet,
    dynamic: &Dynamic,
    functions: &[(&str, &str)],
) -> Result<Vec<Outcome>, EvalError> {
    let engine = shared_engine();
    let ast = &set.scripts.risk;
    if let Ok(all) =
        script::call_raw(engine, ast, "risk model", script::RISK_BATCH, (dynamic.clone(),))
    {
        if let Some(values) = all.try_cast::<rhai::Array>() {
            if values.len() == functions.len() {
                return functions
                    .iter()
                    .zip(values)
                    .map(|((code, function), value)| script::outcome_of(code, function, value))
                    .collect::<Result<_, _>>()
                    .map_err(EvalError);
            }
        }
    }
    functions
        .iter()
        .map(|(code, function)| script::call(engine, ast, code, function, (dynamic.clone(),)))
        .collect::<Result<_, _>>()
        .map_err(EvalError)
}

/// Scores the facts and applies the overrides.
pub fn assess(set: &RuleSet, facts: &Facts) -> Result<Assessment, EvalError> {
    script::use_calendar(&set.calendar);
    let results = outcomes(set, facts)?;
    let (rule_results, override_results) = results.split_at(set.risk.rules.len());
    let mut score = set.risk.base_score;
    let mut reasons = Vec::new();

    for (rule, outcome) in set.risk.rules.iter().zip(rule_results) {
        if !outcome.fired() {
            continue;
        }
        let records = records_of(outcome);
        let times = records.len().max(1) as i64;
        let mut points = rule.points.saturating_mul(times);
        if let Some(cap) = rule.max_points {
            points = if cap < 0 { points.max(cap) } else { points.min(cap) };
        }
        score += points;
        reasons.push(Reason {
            rule: rule.code.clone(),
            detail: rule.explanation.clone(),
            points,
            records,
        });
    }

    let mut tier =
        set.risk.tiers.iter().find(|(_, min)| score >= *min).map_or(Tier::D, |(t, _)| *t);
    let mut forced: Option<Tier> = None;
    for (o, outcome) in set.risk.overrides.iter().zip(override_results) {
        if !outcome.fired() {
            continue;
        }
        match o.mode {
            OverrideMode::Force => forced = Some(forced.map_or(o.tier, |f| f.max(o.tier))),
            OverrideMode::AtLeast => tier = tier.max(o.tier),
        }
        reasons.push(Reason {
            rule: o.code.clone(),
            detail: o.explanation.clone(),
            points: 0,
            records: records_of(outcome),
        });
    }
    if let Some(f) = forced {
        tier = f;
    }
    Ok(Assessment { tier, score, reasons })
}
