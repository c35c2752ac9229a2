//! The lints that refuse a rule set (DESIGN.md "Rule sets"): missing or
//! insufficient legal bases, disproportionate triggers, duplicate codes,
//! unknown matters and agencies, broken references, bad dates and ratios.
//! Rhai syntax errors and the same-day rule are checked where they arise
//! (`compile.rs`, the registry). The measure lints are in `measures.rs`,
//! the rest in `others.rs`.

mod measures;
mod others;

use std::collections::HashSet;

use super::compile::Parsed;
use super::diagnostic::Diagnostic;
use super::source::SourceFile;

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

pub(super) struct Out<'o> {
    pub(super) list: &'o mut Vec<Diagnostic>,
}

impl Out<'_> {
    pub(super) fn at(
        &mut self,
        file: &SourceFile,
        offset: usize,
        code: &'static str,
        message: String,
    ) {
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
    let measure_codes = measures::measures(parsed, &matters, &agencies, &mut out);
    let items = others::catalog(parsed, &mut out);
    others::publicity(parsed, &mut out);
    others::risk(parsed, &mut out);
    others::inspection(parsed, &matters, &mut out);
    others::fixtures(parsed, &matters, &measure_codes, &items, &mut out);
    others::calendar(parsed, &mut out);
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
