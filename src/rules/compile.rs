//! From files to a [`RuleSet`]: parse every file, compile the Rhai, run the
//! lints, and report every finding together.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rhai::AST;
use serde::de::DeserializeOwned;

use super::calendar::{Calendar, YearFile};
use super::diagnostic::Diagnostic;
use super::fixture::Fixture;
use super::lint;
use super::model::{
    AgenciesFile, CatalogFile, InspectionFile, Manifest, MattersFile, MeasuresFile, PublicityFile,
    RiskModel,
};
use super::set::{
    api_kind, shared_engine, CatalogDef, Chooser, MeasureDef, OverrideDef, PublicityDef, RiskDef,
    RiskRuleDef, RuleSet, Scripts,
};
use super::source::{SourceFile, Sources};
use crate::domain::{RecordKind, Tier};

/// Everything parsed from the files, before lints (fields are per file role).
#[derive(Default)]
pub(crate) struct Parsed<'a> {
    pub(crate) manifest: Option<(&'a SourceFile, Manifest)>,
    pub(crate) matters: Option<(&'a SourceFile, MattersFile)>,
    pub(crate) agencies: Option<(&'a SourceFile, AgenciesFile)>,
    pub(crate) measures: Vec<(&'a SourceFile, String, MeasuresFile)>,
    pub(crate) catalogs: Vec<(&'a SourceFile, CatalogFile)>,
    pub(crate) publicity: Option<(&'a SourceFile, PublicityFile)>,
    pub(crate) risk: Option<(&'a SourceFile, RiskModel)>,
    pub(crate) inspection: Option<(&'a SourceFile, InspectionFile)>,
    pub(crate) fixtures: Vec<(&'a SourceFile, Fixture)>,
    pub(crate) calendar: Vec<(&'a SourceFile, YearFile)>,
    pub(crate) scripts: HashMap<String, (&'a SourceFile, AST)>,
}

fn parse_toml<T: DeserializeOwned>(file: &SourceFile, out: &mut Vec<Diagnostic>) -> Option<T> {
    match toml::from_str::<T>(&file.text) {
        Ok(v) => Some(v),
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().to_owned();
            out.push(Diagnostic::at(&file.path, &file.text, offset, "toml", message));
            None
        }
    }
}

fn compile_script(file: &SourceFile, out: &mut Vec<Diagnostic>) -> Option<AST> {
    match shared_engine().compile(&file.text) {
        Ok(ast) => Some(ast),
        Err(e) => {
            let line = e.1.line().unwrap_or(1);
            let col = e.1.position().unwrap_or(1);
            let message = format!("Rhai does not compile: {}", e.0);
            out.push(Diagnostic::at_line(
                &file.path,
                &file.text,
                line,
                col,
                "rhai_syntax",
                message,
            ));
            None
        }
    }
}

/// Reads each file by its place in the folder.
fn parse<'a>(sources: &'a Sources, out: &mut Vec<Diagnostic>) -> Parsed<'a> {
    let mut parsed = Parsed::default();
    for file in &sources.files {
        let parts: Vec<&str> = file.path.split('/').collect();
        match parts.as_slice() {
            ["ruleset.toml"] => parsed.manifest = parse_toml(file, out).map(|v| (file, v)),
            ["national", "matters.toml"] => {
                parsed.matters = parse_toml(file, out).map(|v| (file, v))
            }
            ["national", "agencies.toml"] => {
                parsed.agencies = parse_toml(file, out).map(|v| (file, v))
            }
            ["national", "publicity.toml"] => {
                parsed.publicity = parse_toml(file, out).map(|v| (file, v))
            }
            [folder, "measures.toml"] => {
                if let Some(v) = parse_toml(file, out) {
                    parsed.measures.push((file, folder.to_string(), v));
                }
            }
            [_, "catalog.toml"] => {
                if let Some(v) = parse_toml(file, out) {
                    parsed.catalogs.push((file, v));
                }
            }
            ["risk", "model.toml"] => parsed.risk = parse_toml(file, out).map(|v| (file, v)),
            ["inspection", "ratios.toml"] => {
                parsed.inspection = parse_toml(file, out).map(|v| (file, v))
            }
            ["tests", name] if name.ends_with(".toml") => {
                if let Some(mut fixture) = parse_toml::<Fixture>(file, out) {
                    fixture.file = file.path.clone();
                    parsed.fixtures.push((file, fixture));
                }
            }
            ["calendar", name] if name.ends_with(".toml") => {
                if let Some(year) = parse_toml::<YearFile>(file, out) {
                    parsed.calendar.push((file, year));
                }
            }
            ["risk", "rules.rhai"] | [_, "conditions.rhai"] => {
                if let Some(ast) = compile_script(file, out) {
                    parsed.scripts.insert(file.path.clone(), (file, ast));
                }
            }
            _ => out.push(Diagnostic::at(
                &file.path,
                &file.text,
                0,
                "unknown_file",
                "this file has no place in a rule set (see docs/rule-format.md)".into(),
            )),
        }
    }
    parsed
}

/// Compiles and lints a rule set; every finding is reported at once.
pub fn compile(sources: Sources) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let parsed = parse(&sources, &mut out);
    lint::run(&parsed, &mut out);
    if !out.is_empty() {
        return Err(out);
    }
    Ok(build(&parsed, sources.hash(), Arc::new(sources.clone())))
}

/// Builds the set from linted files (every lookup below was checked by the lints).
fn build(parsed: &Parsed<'_>, hash: String, sources: Arc<Sources>) -> RuleSet {
    let (_, manifest) = parsed.manifest.as_ref().expect("linted: manifest present");
    let start = *manifest.effective_from.get_ref();
    let measures = parsed
        .measures
        .iter()
        .flat_map(|(_, folder, file)| file.measure.iter().map(move |m| (folder, m.get_ref())))
        .map(|(folder, m)| MeasureDef {
            code: m.code.get_ref().clone(),
            title: m.title.clone(),
            title_en: m.title_en.clone(),
            kind: api_kind(*m.category.get_ref()),
            category: *m.category.get_ref(),
            list: m.list,
            jurisdiction: m.jurisdiction.clone(),
            agencies: m.agencies.iter().map(|a| a.get_ref().clone()).collect(),
            matters: m.matters.iter().map(|a| a.get_ref().clone()).collect(),
            target: m.target.clone(),
            severity: m.severity,
            triggers: m.triggers.iter().map(|t| t.get_ref().clone()).collect(),
            basis: m.basis.clone(),
            duration: m.duration.clone(),
            effective_from: m.effective_from,
            effective_to: m.effective_to,
            verification: m.verification,
            note: m.note.clone(),
            condition: m.condition.as_ref().map(|c| c.get_ref().clone()),
            folder: folder.clone(),
        })
        .collect();
    let catalog = parsed
        .catalogs
        .iter()
        .flat_map(|(_, file)| file.item.iter())
        .map(|i| CatalogDef {
            code: i.code.get_ref().clone(),
            title: i.title.clone(),
            category: i.category.clone(),
            kind: RecordKind::parse(i.kind.get_ref()).expect("linted: kind"),
            list: i.list,
            jurisdiction: i.jurisdiction.clone(),
            disclosure: i.disclosure.clone(),
            basis: i.basis.clone(),
            extra_attributes: i.extra_attributes.clone(),
            effective_from: i.effective_from,
            effective_to: i.effective_to,
            verification: i.verification,
            note: i.note.clone(),
        })
        .collect();
    let mut publicity: Vec<PublicityDef> = parsed
        .publicity
        .iter()
        .flat_map(|(_, f)| f.edition.iter())
        .map(|e| PublicityDef {
            effective_from: *e.effective_from.get_ref(),
            title: e.title.clone(),
            basis: e.basis.clone(),
            periods: e.period.clone(),
        })
        .collect();
    publicity.sort_by_key(|e| e.effective_from);

    let (_, model) = parsed.risk.as_ref().expect("linted: risk model present");
    let risk = RiskDef {
        base_score: model.base_score,
        tiers: model
            .tier
            .iter()
            .map(|t| (Tier::parse(&t.tier).expect("linted: tier"), t.min_score))
            .collect(),
        rules: model
            .rule
            .iter()
            .map(|r| RiskRuleDef {
                code: r.code.get_ref().clone(),
                title: r.title.clone(),
                explanation: r.explanation.clone(),
                rationale: r.rationale.clone(),
                points: r.points,
                max_points: r.max_points,
                chooser: chooser(&r.function, &r.select),
                verification: r.verification,
            })
            .collect(),
        overrides: model
            .overrides
            .iter()
            .map(|o| OverrideDef {
                code: o.code.get_ref().clone(),
                explanation: o.explanation.clone(),
                rationale: o.rationale.clone(),
                chooser: chooser(&o.function, &o.select),
                tier: Tier::parse(&o.tier).expect("linted: tier"),
                mode: o.mode,
            })
            .collect(),
    };

    let functions: Vec<&str> = risk
        .rules
        .iter()
        .map(|r| &r.chooser)
        .chain(risk.overrides.iter().map(|o| &o.chooser))
        .filter_map(|c| match c {
            Chooser::Function(f) => Some(f.as_str()),
            Chooser::Select(_) => None,
        })
        .collect();
    let risk_ast = &parsed.scripts.get("risk/rules.rhai").expect("linted: risk script").1;
    let scripts = Scripts {
        risk: super::script::with_batch(shared_engine(), risk_ast, &functions)
            .expect("linted: every function exists, so the batch compiles"),
        conditions: parsed
            .scripts
            .iter()
            .filter_map(|(path, (_, ast))| {
                path.strip_suffix("/conditions.rhai").map(|folder| (folder.to_owned(), ast.clone()))
            })
            .collect(),
    };

    RuleSet {
        hash,
        name: manifest.name.clone(),
        version: manifest.version.clone(),
        effective_from: start,
        description: manifest.description.clone(),
        matters: parsed.matters.as_ref().map(|(_, m)| m.matter.clone()).unwrap_or_default(),
        agencies: parsed.agencies.as_ref().map(|(_, a)| a.agency.clone()).unwrap_or_default(),
        measures,
        catalog,
        publicity,
        risk,
        inspection: parsed.inspection.as_ref().map(|(_, i)| i.item.clone()).unwrap_or_default(),
        fixtures: parsed.fixtures.iter().map(|(_, f)| f.clone()).collect(),
        calendar: Arc::new(Calendar::from_years(
            &parsed.calendar.iter().map(|(_, y)| y.clone()).collect::<Vec<_>>(),
        )),
        sources,
        scripts,
    }
}

fn chooser(
    function: &Option<toml::Spanned<String>>,
    select: &Option<super::model::Select>,
) -> Chooser {
    match (function, select) {
        (Some(f), _) => Chooser::Function(f.get_ref().clone()),
        (None, Some(s)) => Chooser::Select(s.clone()),
        (None, None) => unreachable!("linted: a rule has a function or a select"),
    }
}

/// Whether `outer` is `inner` or encloses it (000000 > 130000 > 130400 > 130402).
pub fn encloses(outer: &str, inner: &str) -> bool {
    if outer == inner || outer == "000000" {
        return true;
    }
    if outer.len() != 6 || inner.len() != 6 {
        return false;
    }
    if outer.ends_with("0000") {
        return inner[..2] == outer[..2];
    }
    if outer.ends_with("00") {
        return inner[..4] == outer[..4];
    }
    false
}

/// The earliest date a measure or item may carry: the set's own date.
pub(crate) fn set_start(parsed: &Parsed<'_>) -> Option<NaiveDate> {
    parsed.manifest.as_ref().map(|(_, m)| *m.effective_from.get_ref())
}
