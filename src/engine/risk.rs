//! The credit-risk tier: a transparent points model with overrides, from
//! `risk/model.toml` and `risk/rules.rhai`.

use rhai::Dynamic;
use serde::Serialize;
use utoipa::ToSchema;

use super::EvalError;
use crate::domain::Tier;
use crate::rules::model::OverrideMode;
use crate::rules::script::{self, Outcome};
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

/// Scores the facts (as built by [`super::Facts::to_dynamic`]) and applies the overrides.
pub fn assess(set: &RuleSet, dynamic: &Dynamic) -> Result<Assessment, EvalError> {
    let engine = shared_engine();
    script::use_calendar(&set.calendar);
    let ast = &set.scripts.risk;
    let mut score = set.risk.base_score;
    let mut reasons = Vec::new();

    for rule in &set.risk.rules {
        let outcome = script::call(engine, ast, &rule.code, &rule.function, (dynamic.clone(),))
            .map_err(EvalError)?;
        if !outcome.fired() {
            continue;
        }
        let records = records_of(&outcome);
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
    for o in &set.risk.overrides {
        let outcome = script::call(engine, ast, &o.code, &o.function, (dynamic.clone(),))
            .map_err(EvalError)?;
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
            records: records_of(&outcome),
        });
    }
    if let Some(f) = forced {
        tier = f;
    }
    Ok(Assessment { tier, score, reasons })
}
