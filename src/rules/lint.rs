//! The lints that refuse a rule set (DESIGN.md "Rule sets"): missing or
//! insufficient legal bases, disproportionate triggers, duplicate codes,
//! unknown matters and agencies, broken references, bad dates and ratios.
//! Rhai syntax errors and the same-day rule are checked where they arise
//! (`compile.rs`, the registry).

use std::collections::{HashMap, HashSet};

use super::compile::{encloses, set_start, Parsed};
use super::diagnostic::Diagnostic;
use super::model::{
    Basis, BasisLevel, Category, DurationKind, ListLevel, Measure, Severity, Trigger,
};
use super::source::SourceFile;
use crate::domain::{RecordKind, Tier};

/// Matters every rule set must define (DESIGN.md "Matters").
pub const REQUIRED_MATTERS: [&str; 12] = [
    "government_procurement",
    "bidding",
    "fiscal_subsidy",
    "administrative_license",
    "market_entry",
    "financing",
    "honours",
    "public_office",
    "land_supply",
    "customs_clearance",
    "tax_service",
    "project_approval",
];

struct Out<'o> {
    list: &'o mut Vec<Diagnostic>,
}

impl Out<'_> {
    fn at(&mut self, file: &SourceFile, offset: usize, code: &'static str, message: String) {
        self.list.push(Diagnostic::at(&file.path, &file.text, offset, code, message));
    }
}

/// Runs every lint.
pub fn run(parsed: &Parsed<'_>, list: &mut Vec<Diagnostic>) {
    let mut out = Out { list };
    required_files(parsed, &mut out);
    let matters = names(
        parsed
            .matters
            .as_ref()
            .map(|(f, m)| (*f, m.matter.iter().map(|x| x.code.as_str()).collect())),
        &mut out,
    );
    let agencies = names(
        parsed
            .agencies
            .as_ref()
            .map(|(f, a)| (*f, a.agency.iter().map(|x| x.code.as_str()).collect())),
        &mut out,
    );
    if let Some((file, _)) = &parsed.matters {
        for required in REQUIRED_MATTERS {
            if !matters.contains(required) {
                out.at(
                    file,
                    0,
                    "missing_matter",
                    format!("the matter '{required}' must be defined"),
                );
            }
        }
    }
    let measure_codes = measures(parsed, &matters, &agencies, &mut out);
    let items = catalog(parsed, &mut out);
    publicity(parsed, &mut out);
    risk(parsed, &mut out);
    inspection(parsed, &matters, &mut out);
    fixtures(parsed, &matters, &measure_codes, &items, &mut out);
    calendar(parsed, &mut out);
}

fn required_files(parsed: &Parsed<'_>, out: &mut Out<'_>) {
    let present = [
        ("ruleset.toml", parsed.manifest.is_some()),
        ("national/matters.toml", parsed.matters.is_some()),
        ("national/agencies.toml", parsed.agencies.is_some()),
        ("national/publicity.toml", parsed.publicity.is_some()),
        ("risk/model.toml", parsed.risk.is_some()),
        ("risk/rules.rhai", parsed.scripts.contains_key("risk/rules.rhai")),
        ("calendar/YYYY.toml", !parsed.calendar.is_empty()),
    ];
    for (path, ok) in present {
        if !ok {
            out.list.push(Diagnostic::at_line(
                path,
                "",
                1,
                1,
                "missing_file",
                format!("{path} is missing or does not parse"),
            ));
        }
    }
}

/// Collects codes, reporting duplicates.
fn names<'a>(source: Option<(&SourceFile, Vec<&'a str>)>, out: &mut Out<'_>) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    if let Some((file, codes)) = source {
        for code in codes {
            if !seen.insert(code) {
                let offset = file.text.find(&format!("\"{code}\"")).unwrap_or(0);
                out.at(file, offset, "duplicate_code", format!("'{code}' is defined twice"));
            }
        }
    }
    seen
}

fn measures<'a>(
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

fn jurisdiction(
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

fn dates(
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
pub fn admissible_for_restriction(kind: RecordKind, t: &Trigger, severity: Severity) -> bool {
    match kind {
        RecordKind::SeriousDishonestList | RecordKind::DishonestJudgmentDebtor => true,
        RecordKind::Penalty => t.severity == Some(Severity::Serious),
        RecordKind::AbnormalOperations => severity == Severity::General,
        _ => false,
    }
}

fn admissible_for_incentive(kind: RecordKind, t: &Trigger) -> bool {
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

fn catalog<'a>(parsed: &'a Parsed<'_>, out: &mut Out<'_>) -> HashMap<&'a str, RecordKind> {
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

fn publicity(parsed: &Parsed<'_>, out: &mut Out<'_>) {
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

fn risk(parsed: &Parsed<'_>, out: &mut Out<'_>) {
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
        if !has_fn(rule.function.get_ref()) {
            out.at(
                file,
                rule.function.span().start,
                "unknown_function",
                format!(
                    "{code}: no function {}(facts) in risk/rules.rhai",
                    rule.function.get_ref()
                ),
            );
        }
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
        if !has_fn(o.function.get_ref()) {
            out.at(
                file,
                o.function.span().start,
                "unknown_function",
                format!("{code}: no function {}(facts) in risk/rules.rhai", o.function.get_ref()),
            );
        }
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

fn inspection(parsed: &Parsed<'_>, matters: &HashSet<&str>, out: &mut Out<'_>) {
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

fn fixtures(
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

fn calendar(parsed: &Parsed<'_>, out: &mut Out<'_>) {
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
