//! The sanction check: which restrictions, management measures and
//! incentives apply to a subject for a matter, each on its basis.
//!
//! Proportionate by construction (过惩相当): the lints refuse metadata that
//! would let a restriction follow a minor or general finding, and the check
//! below tests every output again; an output that breaks the rule is left
//! out and logged as an error.

use chrono::{Months, NaiveDate};
use rhai::Dynamic;
use serde::Serialize;
use utoipa::ToSchema;

use super::facts::{attr, RecordFact};
use super::{EvalError, Facts};
use crate::domain::RecordKind;
use crate::rules::model::{Basis, Category, Duration, DurationKind, ListLevel, Severity, Trigger};
use crate::rules::script;
use crate::rules::set::MeasureDef;
use crate::rules::{shared_engine, RuleSet};

/// A measure that applies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppliedMeasure {
    /// Measure code.
    pub code: String,
    /// Title.
    pub title: String,
    /// restriction, management or incentive.
    pub kind: &'static str,
    /// Group of the national basic list.
    pub category: Category,
    /// national, provincial or city.
    pub list: ListLevel,
    /// Legal bases.
    pub basis: Vec<Basis>,
    /// Implementing agencies.
    pub agencies: Vec<String>,
    /// Whether the caller's own department implements it.
    pub implemented_by_caller: bool,
    /// Ids of the records that brought it.
    pub triggered_by: Vec<String>,
    /// Last day it applies, when fixed; null while a listing stands or per its basis.
    pub until: Option<NaiveDate>,
    /// How its duration is set.
    pub duration: Duration,
}

fn matches(t: &Trigger, r: &RecordFact, as_of: NaiveDate) -> bool {
    let any = |wanted: &[String], value: Option<&str>| {
        wanted.is_empty() || value.is_some_and(|v| wanted.iter().any(|w| w == v))
    };
    if t.kind != r.kind.as_str() {
        return false;
    }
    if let Some(least) = t.severity {
        if r.severity < least {
            return false;
        }
    }
    if !t.penalty_types.is_empty() {
        let types = r.attributes.get("penalty_types").and_then(|v| v.as_array());
        let hit = types.is_some_and(|ts| {
            ts.iter().any(|x| t.penalty_types.iter().any(|w| Some(w.as_str()) == x.as_str()))
        });
        if !hit {
            return false;
        }
    }
    if let Some(years) = t.within_years {
        let from = as_of.checked_sub_months(Months::new(years * 12)).unwrap_or(NaiveDate::MIN);
        if r.decided_on <= from {
            return false;
        }
    }
    any(&t.lists, attr(r, "list"))
        && any(&t.grades, attr(r, "grade"))
        && any(&t.classes, attr(r, "class"))
        && any(&t.fulfilment, attr(r, "fulfilment"))
        && any(&t.commitment_types, attr(r, "commitment_type"))
}

/// Whether a record may bring a restriction of this severity (the run-time
/// twin of the `disproportionate_trigger` lint).
fn admissible(measure: &MeasureDef, r: &RecordFact) -> bool {
    match measure.category {
        Category::RightsReducing | Category::ByOtherOrganisations => match r.kind {
            RecordKind::SeriousDishonestList | RecordKind::DishonestJudgmentDebtor => true,
            RecordKind::Penalty => {
                r.severity == Severity::Serious && r.severity >= measure.severity
            }
            RecordKind::AbnormalOperations => measure.severity == Severity::General,
            _ => false,
        },
        Category::Management => r.kind != RecordKind::Penalty || r.severity >= measure.severity,
        Category::Incentive => true,
    }
}

fn until(measure: &MeasureDef, triggering: &[&RecordFact]) -> Option<NaiveDate> {
    let d = &measure.duration;
    match d.kind {
        DurationKind::Fixed => {
            let months = d.years.unwrap_or(0) * 12 + d.months.unwrap_or(0);
            triggering
                .iter()
                .map(|r| {
                    r.window.from.checked_add_months(Months::new(months)).and_then(|x| x.pred_opt())
                })
                .max()
                .flatten()
        }
        DurationKind::WhileListed => {
            let ends: Vec<Option<NaiveDate>> = triggering.iter().map(|r| r.window.until).collect();
            if ends.iter().any(Option::is_none) {
                None
            } else {
                ends.into_iter().flatten().max()
            }
        }
        DurationKind::PerBasis => None,
    }
}

/// The measures that apply for `matter` on the facts' date. `agency` is the
/// caller's implementing-agency code, to mark the measures it implements.
pub fn check(
    set: &RuleSet,
    facts: &Facts,
    matter: &str,
    agency: Option<&str>,
) -> Result<Vec<AppliedMeasure>, EvalError> {
    let dishonest = facts.dishonesty_active();
    // Built on first need: most checks run no condition at all.
    let dynamic: std::cell::OnceCell<Dynamic> = std::cell::OnceCell::new();
    script::use_calendar(&set.calendar);
    let mut applied = Vec::new();
    for measure in &set.measures {
        if !measure.in_force(facts.as_of) || !measure.matters.iter().any(|m| m == matter) {
            continue;
        }
        if measure.category == Category::Incentive && dishonest {
            continue;
        }
        let mut triggering: Vec<&RecordFact> = facts
            .records
            .iter()
            .filter(|r| measure.triggers.iter().any(|t| matches(t, r, facts.as_of)))
            .collect();
        if let Some(condition) = &measure.condition {
            let facts_value = dynamic.get_or_init(|| facts.to_dynamic());
            triggering = filter_by_condition(set, measure, condition, facts_value, triggering)?;
        }
        if triggering.is_empty() {
            continue;
        }
        if let Some(bad) = triggering.iter().find(|r| !admissible(measure, r)) {
            tracing::error!(
                measure.code = %measure.code, record.id = %bad.id,
                "measure left out: its trigger is not proportionate to the finding"
            );
            continue;
        }
        applied.push(AppliedMeasure {
            code: measure.code.clone(),
            title: measure.title.clone(),
            kind: measure.kind,
            category: measure.category,
            list: measure.list,
            basis: measure.basis.clone(),
            agencies: measure.agencies.clone(),
            implemented_by_caller: agency.is_some_and(|a| measure.agencies.iter().any(|m| m == a)),
            triggered_by: triggering.iter().map(|r| r.id.clone()).collect(),
            until: until(measure, &triggering),
            duration: measure.duration.clone(),
        });
    }
    Ok(applied)
}

fn filter_by_condition<'f>(
    set: &RuleSet,
    measure: &MeasureDef,
    condition: &str,
    dynamic: &Dynamic,
    records: Vec<&'f RecordFact>,
) -> Result<Vec<&'f RecordFact>, EvalError> {
    let Some(ast) = set.scripts.conditions.get(&measure.folder) else {
        return Err(EvalError(format!(
            "rule {}: no conditions.rhai in {}",
            measure.code, measure.folder
        )));
    };
    let mut kept = Vec::new();
    for r in records {
        let record = rhai::serde::to_dynamic(r).unwrap_or_default();
        let outcome =
            script::call(shared_engine(), ast, &measure.code, condition, (dynamic.clone(), record))
                .map_err(EvalError)?;
        if outcome.fired() {
            kept.push(r);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::publicity::Window;
    use crate::rules::model::{DurationKind, Verification};

    fn measure(category: Category, severity: Severity) -> MeasureDef {
        MeasureDef {
            code: "TEST".into(),
            title: String::new(),
            title_en: String::new(),
            kind: crate::rules::set::api_kind(category),
            category,
            list: ListLevel::National,
            jurisdiction: "000000".into(),
            agencies: Vec::new(),
            matters: Vec::new(),
            target: String::new(),
            severity,
            triggers: Vec::new(),
            basis: Vec::new(),
            duration: Duration {
                kind: DurationKind::PerBasis,
                years: None,
                months: None,
                text: None,
            },
            effective_from: None,
            effective_to: None,
            verification: Verification::M,
            note: None,
            condition: None,
            folder: "national".into(),
        }
    }

    fn record(kind: RecordKind, severity: Severity) -> RecordFact {
        let day = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
        RecordFact {
            id: "r".into(),
            item: "X".into(),
            kind,
            list: ListLevel::National,
            decided_on: day,
            severity,
            status: "active".into(),
            attributes: serde_json::Map::new(),
            window: Window { from: day, repair_from: day, until: None, published: true },
        }
    }

    #[test]
    fn the_run_time_check_refuses_what_the_lint_would() {
        let restriction = measure(Category::RightsReducing, Severity::Serious);
        assert!(admissible(
            &restriction,
            &record(RecordKind::SeriousDishonestList, Severity::Serious)
        ));
        assert!(admissible(&restriction, &record(RecordKind::Penalty, Severity::Serious)));
        assert!(!admissible(&restriction, &record(RecordKind::Penalty, Severity::General)));
        assert!(!admissible(&restriction, &record(RecordKind::Penalty, Severity::Minor)));
        assert!(!admissible(
            &restriction,
            &record(RecordKind::AbnormalOperations, Severity::General)
        ));
        let general = measure(Category::RightsReducing, Severity::General);
        assert!(admissible(&general, &record(RecordKind::AbnormalOperations, Severity::General)));
        let management = measure(Category::Management, Severity::Serious);
        assert!(!admissible(&management, &record(RecordKind::Penalty, Severity::General)));
        assert!(admissible(&management, &record(RecordKind::InspectionResult, Severity::None)));
    }
}
