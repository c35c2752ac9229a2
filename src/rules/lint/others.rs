//! Lints of the catalog, publicity editions, the risk model, spot-check
//! ratios, fixtures and the holiday calendar.

use std::collections::{HashMap, HashSet};

use super::super::compile::{set_start, Parsed};
use super::super::model::{Select, Severity};
use super::super::source::SourceFile;
use super::measures::{dates, jurisdiction};
use super::Out;
use crate::domain::{RecordKind, Tier};

pub(super) fn catalog<'a>(
    parsed: &'a Parsed<'_>,
    out: &mut Out<'_>,
) -> HashMap<&'a str, RecordKind> {
    let mut items = HashMap::new();
    for (file, catalog) in &parsed.catalogs {
        for item in &catalog.item {
            let code = item.code.get_ref().as_str();
            let at = item.code.span().start;
            if items.contains_key(code) {
                out.at(
                    file,
                    at,
                    "duplicate_code",
                    format!("catalog item '{code}' is defined twice"),
                );
            }
            match RecordKind::parse(item.kind.get_ref()) {
                Some(kind) => {
                    items.insert(code, kind);
                }
                None => out.at(
                    file,
                    item.kind.span().start,
                    "unknown_record_kind",
                    format!("{code}: '{}' is not a record kind", item.kind.get_ref()),
                ),
            }
            if item.basis.is_empty() {
                out.at(
                    file,
                    at,
                    "missing_basis",
                    format!("{code}: a catalog item needs the law that lists it"),
                );
            }
            jurisdiction(file, at, code, item.list, &item.jurisdiction, &item.basis, out);
            dates(file, at, code, item.effective_from, item.effective_to, set_start(parsed), out);
        }
    }
    items
}

pub(super) fn publicity(parsed: &Parsed<'_>, out: &mut Out<'_>) {
    let Some((file, publicity)) = &parsed.publicity else {
        return;
    };
    let mut last = None;
    for edition in &publicity.edition {
        let at = edition.effective_from.span().start;
        let date = *edition.effective_from.get_ref();
        if last.is_some_and(|l| date <= l) {
            out.at(
                file,
                at,
                "edition_order",
                "editions are listed oldest first, one per date".into(),
            );
        }
        last = Some(date);
        for severity in [Severity::General, Severity::Serious] {
            if !edition.period.iter().any(|p| p.severity == severity) {
                out.at(
                    file,
                    at,
                    "missing_period",
                    format!("the edition of {date} has no {severity:?} period"),
                );
            }
        }
        for p in &edition.period {
            if p.min_months > p.max_months {
                out.at(
                    file,
                    at,
                    "period_range",
                    format!("the {:?} period of {date} ends before it may be repaired", p.severity),
                );
            }
        }
    }
}

pub(super) fn risk(parsed: &Parsed<'_>, out: &mut Out<'_>) {
    let Some((file, model)) = &parsed.risk else {
        return;
    };
    let ast = parsed.scripts.get("risk/rules.rhai").map(|(_, a)| a);
    let tiers: Vec<Option<Tier>> = model.tier.iter().map(|t| Tier::parse(&t.tier)).collect();
    if tiers != Tier::ALL.map(Some).to_vec() {
        out.at(file, 0, "risk_tiers", "the model lists the tiers A, B, C, D in that order".into());
    }
    if model.tier.windows(2).any(|w| w[0].min_score <= w[1].min_score) {
        out.at(file, 0, "risk_tiers", "each tier's min_score is below the one before".into());
    }
    let mut codes = HashSet::new();
    let has_fn = |name: &str| {
        ast.is_some_and(|a| a.iter_functions().any(|f| f.name == name && f.params.len() == 1))
    };
    for rule in &model.rule {
        let code = rule.code.get_ref();
        if !codes.insert(code.clone()) {
            out.at(
                file,
                rule.code.span().start,
                "duplicate_code",
                format!("risk rule '{code}' is used twice"),
            );
        }
        chooser(file, code, rule.code.span().start, &rule.function, &rule.select, &has_fn, out);
        if rule.max_points.is_some_and(|m| m.signum() != rule.points.signum()) {
            out.at(
                file,
                rule.code.span().start,
                "risk_points",
                format!("{code}: max_points has the sign of points"),
            );
        }
        if rule.explanation.trim().is_empty() || rule.rationale.trim().is_empty() {
            out.at(
                file,
                rule.code.span().start,
                "risk_explanation",
                format!("{code}: every rule explains itself and gives its rationale"),
            );
        }
    }
    for o in &model.overrides {
        let code = o.code.get_ref();
        if !codes.insert(code.clone()) {
            out.at(
                file,
                o.code.span().start,
                "duplicate_code",
                format!("risk override '{code}' is used twice"),
            );
        }
        chooser(file, code, o.code.span().start, &o.function, &o.select, &has_fn, out);
        if Tier::parse(&o.tier).is_none() {
            out.at(
                file,
                o.code.span().start,
                "risk_tiers",
                format!("{code}: '{}' is not a tier", o.tier),
            );
        }
    }
}

/// A risk rule chooses its records by exactly one of a function or a selection.
fn chooser(
    file: &SourceFile,
    code: &str,
    at: usize,
    function: &Option<toml::Spanned<String>>,
    select: &Option<Select>,
    has_fn: &dyn Fn(&str) -> bool,
    out: &mut Out<'_>,
) {
    match (function, select) {
        (Some(f), None) if !has_fn(f.get_ref()) => out.at(
            file,
            f.span().start,
            "unknown_function",
            format!("{code}: no function {}(facts) in risk/rules.rhai", f.get_ref()),
        ),
        (None, Some(s)) if RecordKind::parse(&s.kind).is_none() => out.at(
            file,
            at,
            "unknown_record_kind",
            format!("{code}: '{}' is not a record kind", s.kind),
        ),
        (None, Some(s)) if s.attribute.is_some() == s.any_of.is_empty() => out.at(
            file,
            at,
            "risk_select",
            format!("{code}: a selection by attribute names the attribute and its values (any_of)"),
        ),
        (Some(_), Some(_)) | (None, None) => out.at(
            file,
            at,
            "risk_select",
            format!("{code}: a rule gives either a function or a select, not both or neither"),
        ),
        _ => {}
    }
}

pub(super) fn inspection(parsed: &Parsed<'_>, matters: &HashSet<&str>, out: &mut Out<'_>) {
    let Some((file, inspection)) = &parsed.inspection else {
        return;
    };
    let mut codes = HashSet::new();
    for item in &inspection.item {
        let at = file.text.find(&format!("\"{}\"", item.code)).unwrap_or(0);
        if !codes.insert(item.code.as_str()) {
            out.at(
                file,
                at,
                "duplicate_code",
                format!("inspection item '{}' is used twice", item.code),
            );
        }
        if item.matter.as_deref().is_some_and(|m| !matters.contains(m)) {
            out.at(file, at, "unknown_matter", format!("{}: unknown matter", item.code));
        }
        let ratios: Vec<Option<f64>> =
            Tier::ALL.iter().map(|t| item.ratio.get(t.as_str()).copied()).collect();
        let freqs: Vec<Option<u32>> =
            Tier::ALL.iter().map(|t| item.frequency_per_year.get(t.as_str()).copied()).collect();
        let ordered = ratios.iter().all(|r| r.is_some_and(|r| (0.0..=1.0).contains(&r)))
            && ratios.windows(2).all(|w| w[0] <= w[1])
            && freqs.iter().all(Option::is_some)
            && freqs.windows(2).all(|w| w[0] <= w[1]);
        if !ordered {
            out.at(file, at, "inspection_ratio", format!("{}: ratios (0 to 1) and frequencies for A, B, C, D, with A lowest and D highest", item.code));
        }
    }
}

pub(super) fn fixtures(
    parsed: &Parsed<'_>,
    matters: &HashSet<&str>,
    measures: &HashSet<&str>,
    items: &HashMap<&str, RecordKind>,
    out: &mut Out<'_>,
) {
    for (file, fixture) in &parsed.fixtures {
        let mut ids = HashSet::new();
        for record in &fixture.records {
            let at = file.text.find(&format!("\"{}\"", record.item)).unwrap_or(0);
            if !items.contains_key(record.item.as_str()) {
                out.at(
                    file,
                    at,
                    "unknown_item",
                    format!("record {}: '{}' is not a catalog item", record.id, record.item),
                );
            }
            if !ids.insert(record.id.as_str()) {
                out.at(
                    file,
                    at,
                    "duplicate_code",
                    format!("record id '{}' is used twice", record.id),
                );
            }
        }
        if fixture.matter.as_deref().is_some_and(|m| !matters.contains(m)) {
            out.at(
                file,
                0,
                "unknown_matter",
                format!("'{}' is not a matter", fixture.matter.as_deref().unwrap_or_default()),
            );
        }
        let expect = &fixture.expect;
        for code in expect.measures.iter().flatten().chain(&expect.absent) {
            if !measures.contains(code.as_str()) {
                let at = file.text.find(&format!("\"{code}\"")).unwrap_or(0);
                out.at(file, at, "unknown_measure", format!("'{code}' is not a measure"));
            }
        }
        if expect.tier.as_deref().is_some_and(|t| Tier::parse(t).is_none()) {
            out.at(file, 0, "risk_tiers", "the expected tier is one of A, B, C, D".into());
        }
    }
}

pub(super) fn calendar(parsed: &Parsed<'_>, out: &mut Out<'_>) {
    use chrono::{Datelike, Weekday};

    let mut years: Vec<i32> = Vec::new();
    for (file, year) in &parsed.calendar {
        let named = file.path.trim_start_matches("calendar/").trim_end_matches(".toml");
        if named != year.year.to_string() {
            out.at(file, 0, "calendar_year", format!("{} holds year {}", file.path, year.year));
        }
        years.push(year.year);
        let off: HashSet<_> = year.holiday.iter().flat_map(|h| h.days.iter()).collect();
        for day in year.holiday.iter().flat_map(|h| h.days.iter()).chain(&year.working_days) {
            let early_new_year = day.year() == year.year - 1 && day.month() == 12;
            if day.year() != year.year && !early_new_year {
                let at = file.text.find(&day.to_string()).unwrap_or(0);
                out.at(
                    file,
                    at,
                    "calendar_date",
                    format!("{day} is not in {} nor its New Year's eve", year.year),
                );
            }
        }
        for day in &year.working_days {
            let at = file.text.find(&day.to_string()).unwrap_or(0);
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                out.at(
                    file,
                    at,
                    "calendar_date",
                    format!("{day} is a weekday: a make-up working day falls on a weekend"),
                );
            }
            if off.contains(day) {
                out.at(
                    file,
                    at,
                    "calendar_date",
                    format!("{day} is both a day off and a working day"),
                );
            }
        }
    }
    years.sort_unstable();
    if years.windows(2).any(|w| w[1] != w[0] + 1) {
        if let Some((file, _)) = parsed.calendar.first() {
            out.at(
                file,
                0,
                "calendar_gap",
                format!("the calendar years must follow each other: {years:?}"),
            );
        }
    }
}
