//! A compiled rule set: its metadata resolved, its scripts compiled once, and
//! the lookups evaluation needs.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rhai::{Engine, AST};
use serde::Serialize;
use utoipa::ToSchema;

use super::fixture::Fixture;
use super::model::{
    Agency, Basis, Category, Duration, InspectionItem, ListLevel, Matter, OverrideMode, Period,
    Severity, Trigger, Verification,
};
use super::source::Sources;
use crate::domain::{RecordKind, Tier};

/// The one engine, shared by every rule set and thread.
pub fn shared_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(super::script::engine)
}

/// A measure as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeasureDef {
    /// Unique code.
    pub code: String,
    /// Title in Chinese.
    pub title: String,
    /// Title in English.
    pub title_en: String,
    /// restriction, management or incentive.
    pub kind: &'static str,
    /// The group of the national basic list it belongs to.
    pub category: Category,
    /// national, provincial or city.
    pub list: ListLevel,
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// Implementing agencies (codes).
    pub agencies: Vec<String>,
    /// Matters (codes).
    pub matters: Vec<String>,
    /// Who it targets.
    pub target: String,
    /// The least severe finding that may bring it.
    pub severity: Severity,
    /// What brings it.
    pub triggers: Vec<Trigger>,
    /// Legal bases.
    pub basis: Vec<Basis>,
    /// Duration.
    pub duration: Duration,
    /// First day in force; null: whenever its version governs.
    pub effective_from: Option<NaiveDate>,
    /// Last day in force.
    pub effective_to: Option<NaiveDate>,
    /// How the measure was checked.
    pub verification: Verification,
    /// What could not be confirmed.
    pub note: Option<String>,
    /// Rhai condition, if any.
    #[serde(skip)]
    pub condition: Option<String>,
    /// The folder whose `conditions.rhai` holds the condition.
    #[serde(skip)]
    pub folder: String,
}

impl MeasureDef {
    /// Whether the measure is in force on `day`.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.effective_from.is_none_or(|from| from <= day)
            && self.effective_to.is_none_or(|to| day <= to)
    }
}

/// The API name of a category.
pub fn api_kind(category: Category) -> &'static str {
    match category {
        Category::RightsReducing | Category::ByOtherOrganisations => "restriction",
        Category::Management => "management",
        Category::Incentive => "incentive",
    }
}

/// A catalog item as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogDef {
    /// Unique code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Category of the national catalog.
    pub category: String,
    /// Record kind.
    pub kind: RecordKind,
    /// national, provincial or city.
    pub list: ListLevel,
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// Disclosure attribute.
    pub disclosure: String,
    /// Legal bases.
    pub basis: Vec<Basis>,
    /// Attributes beyond the kind's.
    pub extra_attributes: Vec<String>,
    /// First day in force; null: whenever its version governs.
    pub effective_from: Option<NaiveDate>,
    /// Last day in force.
    pub effective_to: Option<NaiveDate>,
    /// How it was checked.
    pub verification: Verification,
    /// What could not be confirmed.
    pub note: Option<String>,
}

impl CatalogDef {
    /// Whether the item is in force on `day`.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.effective_from.is_none_or(|from| from <= day)
            && self.effective_to.is_none_or(|to| day <= to)
    }
}

/// A dated edition of the publicity periods.
#[derive(Debug, Clone, Serialize)]
pub struct PublicityDef {
    /// Applies to decisions on or after this date.
    pub effective_from: NaiveDate,
    /// Its name.
    pub title: String,
    /// Its bases.
    pub basis: Vec<Basis>,
    /// Periods by severity.
    pub periods: Vec<Period>,
}

/// A scoring rule.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRuleDef {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// One sentence in Chinese.
    pub explanation: String,
    /// Why.
    pub rationale: String,
    /// Points per record, or once.
    pub points: i64,
    /// Cap.
    pub max_points: Option<i64>,
    /// What chooses its records: a Rhai function or a data selection.
    pub chooser: Chooser,
    /// How it was checked.
    pub verification: Verification,
}

/// What chooses a risk rule's records.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chooser {
    /// A function of `risk/rules.rhai`.
    Function(String),
    /// A selection by kind and attribute, evaluated without Rhai.
    Select(super::model::Select),
}

/// An override.
#[derive(Debug, Clone)]
pub struct OverrideDef {
    /// Code.
    pub code: String,
    /// One sentence in Chinese.
    pub explanation: String,
    /// Why.
    pub rationale: String,
    /// What chooses its records.
    pub chooser: Chooser,
    /// The tier it sets.
    pub tier: Tier,
    /// force or at_least.
    pub mode: OverrideMode,
}

/// The risk model.
#[derive(Debug, Clone)]
pub struct RiskDef {
    /// Starting score.
    pub base_score: i64,
    /// Cut-offs, best first.
    pub tiers: Vec<(Tier, i64)>,
    /// Scoring rules.
    pub rules: Vec<RiskRuleDef>,
    /// Overrides.
    pub overrides: Vec<OverrideDef>,
}

/// Compiled scripts.
pub struct Scripts {
    /// `risk/rules.rhai`.
    pub risk: AST,
    /// `<folder>/conditions.rhai`, by folder.
    pub conditions: HashMap<String, AST>,
}

/// A compiled, linted rule set.
pub struct RuleSet {
    /// SHA-256 of the canonical content.
    pub hash: String,
    /// Name.
    pub name: String,
    /// Version label.
    pub version: String,
    /// The date from which it governs.
    pub effective_from: NaiveDate,
    /// Description.
    pub description: String,
    /// Matters.
    pub matters: Vec<Matter>,
    /// Agencies.
    pub agencies: Vec<Agency>,
    /// Measures of every list.
    pub measures: Vec<MeasureDef>,
    /// Catalog items of every list.
    pub catalog: Vec<CatalogDef>,
    /// Publicity editions, oldest first.
    pub publicity: Vec<PublicityDef>,
    /// The risk model.
    pub risk: RiskDef,
    /// Spot-check items.
    pub inspection: Vec<InspectionItem>,
    /// Fixtures from `tests/`.
    pub fixtures: Vec<Fixture>,
    /// The working-day calendar.
    pub calendar: Arc<super::calendar::Calendar>,
    /// The files it was compiled from.
    pub sources: Arc<Sources>,
    /// Its compiled scripts.
    pub scripts: Scripts,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet").field("hash", &self.hash).field("version", &self.version).finish()
    }
}

impl RuleSet {
    /// The catalog item with this code in force on `day`.
    pub fn catalog_item(&self, code: &str, day: NaiveDate) -> Option<&CatalogDef> {
        self.catalog.iter().find(|i| i.code == code && i.in_force(day))
    }

    /// The catalog item with this code, whenever in force.
    pub fn catalog_item_any(&self, code: &str) -> Option<&CatalogDef> {
        self.catalog.iter().find(|i| i.code == code)
    }

    /// The publicity edition for a decision made on `decided_on`. A decision
    /// older than the first edition we hold gets the first edition: the
    /// earliest periods we know are the best reading we have of the older rules.
    pub fn publicity_for(&self, decided_on: NaiveDate) -> Option<&PublicityDef> {
        self.publicity
            .iter()
            .rev()
            .find(|e| e.effective_from <= decided_on)
            .or(self.publicity.first())
    }

    /// Whether `code` is a matter of this set.
    pub fn has_matter(&self, code: &str) -> bool {
        self.matters.iter().any(|m| m.code == code)
    }
}
