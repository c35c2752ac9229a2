//! Lints of measures: bases, jurisdictions, dates, durations and
//! proportionality (过惩相当).

use std::collections::HashSet;

use super::super::compile::{encloses, set_start, Parsed};
use super::super::model::{
    Basis, BasisLevel, Category, DurationKind, ListLevel, Measure, Severity, Trigger,
};
use super::super::source::SourceFile;
use super::Out;
use crate::domain::RecordKind;

pub(super) fn measures<'a>(
    parsed: &'a Parsed<'_>,
    matters: &HashSet<&str>,
    agencies: &HashSet<&str>,
    out: &mut Out<'_>,
) -> HashSet<&'a str> {
    let mut codes = HashSet::new();
    for (file, folder, measures) in &parsed.measures {
        let conditions = parsed.scripts.get(&format!("{folder}/conditions.rhai"));
        for spanned in &measures.measure {
            let m = spanned.get_ref();
            let at = spanned.span().start;
            let code = m.code.get_ref().as_str();
            if !codes.insert(code) {
                out.at(
                    file,
                    m.code.span().start,
                    "duplicate_code",
                    format!("measure code '{code}' is used twice"),
                );
            }
            for matter in &m.matters {
                if !matters.contains(matter.get_ref().as_str()) {
                    out.at(
                        file,
                        matter.span().start,
                        "unknown_matter",
                        format!("{code}: '{}' is not in national/matters.toml", matter.get_ref()),
                    );
                }
            }
            for agency in &m.agencies {
                if !agencies.contains(agency.get_ref().as_str()) {
                    out.at(
                        file,
                        agency.span().start,
                        "unknown_agency",
                        format!("{code}: '{}' is not in national/agencies.toml", agency.get_ref()),
                    );
                }
            }
            if m.matters.is_empty() {
                out.at(
                    file,
                    at,
                    "no_matter",
                    format!("{code}: a measure names the matters it applies to"),
                );
            }
            if m.basis.is_empty() {
                out.at(
                    file,
                    at,
                    "missing_basis",
                    format!("{code}: a measure needs a legal basis (document and article)"),
                );
            }
            for basis in &m.basis {
                if basis.document.trim().is_empty() || basis.article.trim().is_empty() {
                    out.at(
                        file,
                        at,
                        "missing_basis",
                        format!("{code}: every basis names a document and an article"),
                    );
                }
            }
            jurisdiction(file, at, code, m.list, &m.jurisdiction, &m.basis, out);
            dates(file, at, code, m.effective_from, m.effective_to, set_start(parsed), out);
            duration(file, at, m, out);
            proportionality(file, m, out);
            if let Some(condition) = &m.condition {
                let name = condition.get_ref();
                let found = conditions.is_some_and(|(_, ast)| {
                    ast.iter_functions().any(|f| f.name == name && f.params.len() == 2)
                });
                if !found {
                    out.at(
                        file,
                        condition.span().start,
                        "unknown_function",
                        format!(
                            "{code}: no function {name}(facts, record) in {folder}/conditions.rhai"
                        ),
                    );
                }
            }
        }
    }
    codes
}

pub(super) fn jurisdiction(
    file: &SourceFile,
    at: usize,
    code: &str,
    list: ListLevel,
    jurisdiction: &str,
    bases: &[Basis],
    out: &mut Out<'_>,
) {
    let fits = match list {
        ListLevel::National => jurisdiction == "000000",
        ListLevel::Provincial => {
            jurisdiction.len() == 6 && jurisdiction.ends_with("0000") && jurisdiction != "000000"
        }
        ListLevel::City => {
            jurisdiction.len() == 6
                && jurisdiction.ends_with("00")
                && !jurisdiction.ends_with("0000")
        }
    };
    if !fits {
        out.at(
            file,
            at,
            "jurisdiction",
            format!("{code}: jurisdiction '{jurisdiction}' does not fit a {list:?} list"),
        );
    }
    if list == ListLevel::National {
        return;
    }
    let local_basis = bases.iter().any(|b| match b.level {
        BasisLevel::LocalRegulation => encloses(&b.jurisdiction, jurisdiction),
        BasisLevel::Law | BasisLevel::AdministrativeRegulation => b.jurisdiction == "000000",
        _ => false,
    });
    if !local_basis {
        out.at(
            file,
            at,
            "local_basis",
            format!(
                "{code}: a {list:?} item needs a local regulation of {jurisdiction} or an enclosing \
                 jurisdiction, or a national law or administrative regulation, among its bases"
            ),
        );
    }
}

pub(super) fn dates(
    file: &SourceFile,
    at: usize,
    code: &str,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    start: Option<chrono::NaiveDate>,
    out: &mut Out<'_>,
) {
    let from = from.or(start);
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            out.at(
                file,
                at,
                "effective_dates",
                format!("{code}: effective_to {to} is before effective_from {from}"),
            );
        }
    }
}

fn duration(file: &SourceFile, at: usize, m: &Measure, out: &mut Out<'_>) {
    let d = &m.duration;
    let ok = match d.kind {
        DurationKind::Fixed => d.years.is_some() || d.months.is_some(),
        DurationKind::PerBasis => d.text.as_deref().is_some_and(|t| !t.trim().is_empty()),
        DurationKind::WhileListed => true,
    };
    if !ok {
        out.at(
            file,
            at,
            "duration",
            format!(
                "{}: a fixed duration needs years or months, a per_basis one its text",
                m.code.get_ref()
            ),
        );
    }
}

/// 过惩相当: a rights-reducing measure only on a serious finding or a
/// legal-effect decision of the severity it names; incentives only on good
/// credit; penalties as severe as the measure requires.
fn proportionality(file: &SourceFile, m: &Measure, out: &mut Out<'_>) {
    let code = m.code.get_ref();
    let category = *m.category.get_ref();
    let restricts = matches!(category, Category::RightsReducing | Category::ByOtherOrganisations);
    if m.triggers.is_empty() {
        out.at(
            file,
            m.category.span().start,
            "no_trigger",
            format!("{code}: a measure names what brings it"),
        );
    }
    if restricts && m.severity < Severity::General {
        out.at(
            file,
            m.category.span().start,
            "disproportionate_severity",
            format!("{code}: a restriction may not follow a minor finding"),
        );
    }
    if category == Category::Incentive && m.severity != Severity::None {
        out.at(
            file,
            m.category.span().start,
            "incentive_severity",
            format!("{code}: an incentive has severity = \"none\""),
        );
    }
    for spanned in &m.triggers {
        let t = spanned.get_ref();
        let at = spanned.span().start;
        let Some(kind) = RecordKind::parse(&t.kind) else {
            out.at(
                file,
                at,
                "unknown_record_kind",
                format!("{code}: '{}' is not a record kind", t.kind),
            );
            continue;
        };
        if kind == RecordKind::Penalty {
            match t.severity {
                None => out.at(
                    file,
                    at,
                    "trigger_severity",
                    format!("{code}: a penalty trigger states its least severity"),
                ),
                Some(s) if s < m.severity => out.at(
                    file,
                    at,
                    "disproportionate_trigger",
                    format!(
                        "{code}: a {s:?} penalty may not bring a measure meant for {:?} findings",
                        m.severity
                    ),
                ),
                _ => {}
            }
        }
        if restricts && !admissible_for_restriction(kind, t, m.severity) {
            out.at(
                file,
                at,
                "disproportionate_trigger",
                format!(
                "{code}: a restriction fires only on a serious dishonest list entry, a dishonest \
                 judgment debtor, a serious penalty, or (for a measure of general severity) an \
                 abnormal-operations listing; not on '{}'", t.kind),
            );
        }
        if category == Category::Incentive && !admissible_for_incentive(kind, t) {
            out.at(file, at, "incentive_trigger", format!("{code}: an incentive fires only on an A tax grade, advanced customs certification, an honour or a kept commitment"));
        }
    }
}

/// Whether a trigger may bring a rights-reducing measure of this severity.
fn admissible_for_restriction(kind: RecordKind, t: &Trigger, severity: Severity) -> bool {
    match kind {
        RecordKind::SeriousDishonestList | RecordKind::DishonestJudgmentDebtor => true,
        RecordKind::Penalty => t.severity == Some(Severity::Serious),
        RecordKind::AbnormalOperations => severity == Severity::General,
        _ => false,
    }
}

pub(super) fn admissible_for_incentive(kind: RecordKind, t: &Trigger) -> bool {
    match kind {
        RecordKind::TaxCreditGrade => !t.grades.is_empty() && t.grades.iter().all(|g| g == "A"),
        RecordKind::CustomsCertification => {
            !t.classes.is_empty() && t.classes.iter().all(|c| c == "advanced")
        }
        RecordKind::Honour => true,
        RecordKind::Commitment => {
            !t.fulfilment.is_empty() && t.fulfilment.iter().all(|f| f == "kept")
        }
        _ => false,
    }
}
