//! The facts a rule sees: the subject and its records known and counting on
//! the as-of date, with the aggregates computed once.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::publicity::{self, Window};
use crate::domain::RecordKind;
use crate::rules::model::{ListLevel, Severity};
use crate::rules::RuleSet;

/// A record as stored or as written in a fixture.
#[derive(Debug, Clone)]
pub struct RecordInput {
    /// Record id.
    pub id: String,
    /// Catalog item code.
    pub item: String,
    /// Decision date.
    pub decided_on: NaiveDate,
    /// Date reported to the credit office.
    pub reported_on: NaiveDate,
    /// Date the decision was revoked, changed or found void.
    pub revoked_on: Option<NaiveDate>,
    /// Date a credit repair was granted.
    pub repaired_on: Option<NaiveDate>,
    /// Attributes.
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

/// The subject as the rules see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubjectFacts {
    /// Kind of organisation.
    pub kind: String,
    /// Division code.
    pub division: String,
    /// Industry.
    pub industry: Option<String>,
    /// Date of establishment.
    pub established_on: Option<NaiveDate>,
}

/// A record that counts on the as-of date.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordFact {
    /// Record id.
    pub id: String,
    /// Catalog item code.
    pub item: String,
    /// Record kind.
    pub kind: RecordKind,
    /// The catalog list the item belongs to.
    pub list: ListLevel,
    /// Decision date.
    pub decided_on: NaiveDate,
    /// Its severity class.
    pub severity: Severity,
    /// Always "active": only counting records are facts.
    pub status: String,
    /// Attributes as reported.
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// Its publicity window.
    pub window: Window,
}

/// The input of an evaluation, exactly as the rules see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Facts {
    /// Subject code.
    pub uscc: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The subject.
    pub subject: SubjectFacts,
    /// Records counting on the date, by decision date then id.
    pub records: Vec<RecordFact>,
    /// Counting records per kind.
    pub counts: BTreeMap<String, usize>,
}

impl Facts {
    /// Keeps the records known on `as_of` (decided and reported by then),
    /// not revoked or repaired by then, and inside their publicity window.
    pub fn build(
        set: &RuleSet,
        uscc: &str,
        as_of: NaiveDate,
        subject: SubjectFacts,
        inputs: &[RecordInput],
    ) -> Self {
        let mut records: Vec<RecordFact> = inputs
            .iter()
            .filter(|r| r.decided_on <= as_of && r.reported_on <= as_of)
            .filter(|r| r.revoked_on.is_none_or(|d| d > as_of))
            .filter(|r| r.repaired_on.is_none_or(|d| d > as_of))
            .filter_map(|r| {
                let item = set.catalog_item_any(&r.item)?;
                let window = publicity::window(set, item.kind, &r.attributes, r.decided_on);
                window.covers(as_of).then(|| RecordFact {
                    id: r.id.clone(),
                    item: r.item.clone(),
                    kind: item.kind,
                    list: item.list,
                    decided_on: r.decided_on,
                    severity: publicity::severity_of(item.kind, &r.attributes),
                    status: "active".into(),
                    attributes: r.attributes.clone(),
                    window,
                })
            })
            .collect();
        records.sort_by(|a, b| (a.decided_on, &a.id).cmp(&(b.decided_on, &b.id)));
        let mut counts = BTreeMap::new();
        for r in &records {
            *counts.entry(r.kind.as_str().to_owned()).or_insert(0) += 1;
        }
        Self { uscc: uscc.to_owned(), as_of, subject, records, counts }
    }

    /// Whether any dishonesty finding counts: a serious list, a dishonest
    /// debtor, an abnormal-operations listing, a general or serious penalty,
    /// a broken commitment, a D tax grade or a dishonest customs class.
    pub fn dishonesty_active(&self) -> bool {
        self.records.iter().any(|r| {
            r.severity >= Severity::General
                || (r.kind == RecordKind::TaxCreditGrade && attr(r, "grade") == Some("D"))
                || (r.kind == RecordKind::CustomsCertification
                    && attr(r, "class") == Some("dishonest"))
        })
    }

    /// The record with this id.
    pub fn record(&self, id: &str) -> Option<&RecordFact> {
        self.records.iter().find(|r| r.id == id)
    }

    /// The facts as the Rhai value the rules receive, built once per
    /// evaluation. Rhai copies every value it passes, so the facts travel as a
    /// handle (a pointer): a rule copies only the records it picks.
    pub fn to_dynamic(&self) -> rhai::Dynamic {
        let records = self
            .records
            .iter()
            .map(|r| (r.kind.as_str(), rhai::serde::to_dynamic(r).unwrap_or_default()))
            .collect();
        let handle = crate::rules::script::FactsHandle::new(
            self.uscc.clone(),
            self.as_of.to_string(),
            rhai::serde::to_dynamic(&self.subject).unwrap_or_default(),
            rhai::serde::to_dynamic(&self.counts).unwrap_or_default(),
            records,
        );
        rhai::Dynamic::from(handle)
    }
}

/// A string attribute of a record.
pub fn attr<'a>(record: &'a RecordFact, name: &str) -> Option<&'a str> {
    record.attributes.get(name).and_then(|v| v.as_str())
}
