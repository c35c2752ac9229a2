//! `credence rules diff OLD NEW`: the measures, catalog items and rules
//! added, removed and changed between two rule sets.

use std::collections::BTreeMap;

use serde::Serialize;

use super::RuleSet;

fn index<T: Serialize>(
    items: &[T],
    code: impl Fn(&T) -> &str,
) -> BTreeMap<String, serde_json::Value> {
    items
        .iter()
        .map(|i| (code(i).to_owned(), serde_json::to_value(i).unwrap_or_default()))
        .collect()
}

fn compare(
    what: &str,
    old: BTreeMap<String, serde_json::Value>,
    new: BTreeMap<String, serde_json::Value>,
    out: &mut Vec<String>,
) {
    for (code, value) in &new {
        match old.get(code) {
            None => out.push(format!("+ {what} {code}")),
            Some(before) if before != value => {
                let fields: Vec<&str> = value
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .filter(|(k, v)| before.get(k.as_str()) != Some(v))
                            .map(|(k, _)| k.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(format!("~ {what} {code}: {}", fields.join(", ")));
            }
            _ => {}
        }
    }
    for code in old.keys().filter(|c| !new.contains_key(*c)) {
        out.push(format!("- {what} {code}"));
    }
}

/// One line per difference: `+` added, `-` removed, `~` changed (with the fields).
pub fn diff(old: &RuleSet, new: &RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    if old.effective_from != new.effective_from || old.version != new.version {
        out.push(format!(
            "~ version {} ({}) -> {} ({})",
            old.version, old.effective_from, new.version, new.effective_from
        ));
    }
    compare(
        "measure",
        index(&old.measures, |m| &m.code),
        index(&new.measures, |m| &m.code),
        &mut out,
    );
    compare(
        "catalog item",
        index(&old.catalog, |i| &i.code),
        index(&new.catalog, |i| &i.code),
        &mut out,
    );
    compare(
        "risk rule",
        index(&old.risk.rules, |r| &r.code),
        index(&new.risk.rules, |r| &r.code),
        &mut out,
    );
    compare("matter", index(&old.matters, |m| &m.code), index(&new.matters, |m| &m.code), &mut out);
    compare(
        "inspection item",
        index(&old.inspection, |i| &i.code),
        index(&new.inspection, |i| &i.code),
        &mut out,
    );
    let editions = |s: &RuleSet| {
        s.publicity
            .iter()
            .map(|e| (e.effective_from.to_string(), serde_json::to_value(e).unwrap_or_default()))
            .collect()
    };
    compare("publicity edition", editions(old), editions(new), &mut out);
    out
}
