//! The rule files as written: serde types for the TOML metadata of
//! `docs/rule-format.md`. Positions are kept (`Spanned`) where a lint must
//! point at a field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// `ruleset.toml`: what this version is and when it takes effect.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Name of the rule set.
    pub name: String,
    /// Version label shown to users.
    pub version: String,
    /// The date from which this version governs.
    pub effective_from: Spanned<NaiveDate>,
    /// What changed, for people.
    #[serde(default)]
    pub description: String,
}

/// How a citation or a fact was checked (MEASURES.md, DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub enum Verification {
    /// Article text read in a copy of the law.
    #[serde(rename = "V-L")]
    VL,
    /// Read in a secondary source.
    #[serde(rename = "V-S")]
    VS,
    /// Read in chinalawtranslate's table of the 2021 list.
    #[serde(rename = "V-CLT")]
    VClt,
    /// Verified in a public source (DOMAIN.md [V]).
    #[serde(rename = "V")]
    V,
    /// From memory; needs the official text.
    #[serde(rename = "M")]
    M,
    /// Our own inference or design choice.
    #[serde(rename = "I")]
    I,
}

/// The rank of a legal document, for the local-basis lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BasisLevel {
    /// 法律
    Law,
    /// 行政法规
    AdministrativeRegulation,
    /// 司法解释
    JudicialInterpretation,
    /// 部门规章
    DepartmentalRule,
    /// 地方性法规
    LocalRegulation,
    /// 党中央、国务院政策文件
    PolicyDocument,
    /// 规范性文件 (other normative documents)
    NormativeDocument,
}

/// One legal basis: a document and its article.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// The document's title.
    pub document: String,
    /// Its rank.
    pub level: BasisLevel,
    /// Who made it: 000000 national, 130000 Hebei, 130400 Handan.
    #[serde(default = "national")]
    pub jurisdiction: String,
    /// Date of the text cited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// The article, in the document's own numbering.
    #[serde(default)]
    pub article: String,
    /// How the citation was checked.
    pub verification: Verification,
}

fn national() -> String {
    "000000".into()
}

/// The effect of a measure (the groups of the national basic list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Reduces rights or adds obligations (减损权益或增加义务).
    RightsReducing,
    /// A management measure within the body's duties (相关管理措施).
    Management,
    /// Taken by organisations other than public bodies.
    ByOtherOrganisations,
    /// A joint incentive for trustworthiness (守信联合激励).
    Incentive,
}

/// Which list a measure or catalog item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListLevel {
    /// The national basic list or catalog.
    National,
    /// The provincial supplementary list or catalog.
    Provincial,
    /// The city supplementary list or catalog.
    City,
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// No dishonesty at all (incentives).
    None,
    /// 轻微
    Minor,
    /// 一般
    General,
    /// 严重
    Serious,
}

/// How long a measure lasts.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    /// fixed, while_listed or per_basis.
    pub kind: DurationKind,
    /// For fixed: years from the triggering decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u32>,
    /// For fixed: months from the triggering decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    /// For per_basis: the basis's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Kinds of duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DurationKind {
    /// A fixed period from the triggering decision.
    Fixed,
    /// As long as the triggering listing stands.
    WhileListed,
    /// As the basis says, case by case.
    PerBasis,
}

/// What brings a measure: records of a kind, with filters.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The record kind.
    pub kind: String,
    /// For list kinds: the `list` attribute values that count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<String>,
    /// For penalties: the least severity that counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// For penalties: any of these types counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalty_types: Vec<String>,
    /// For tax credit grades.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<String>,
    /// For customs certifications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// For commitments: fulfilment states that count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fulfilment: Vec<String>,
    /// For commitments: types that count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commitment_types: Vec<String>,
    /// Only records decided within this many years before the as-of date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_years: Option<u32>,
}

/// A sanction or incentive measure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Unique code.
    pub code: Spanned<String>,
    /// Title in Chinese.
    pub title: String,
    /// Title in English.
    #[serde(default)]
    pub title_en: String,
    /// Its effect.
    pub category: Spanned<Category>,
    /// Its list.
    pub list: ListLevel,
    /// Its jurisdiction.
    pub jurisdiction: String,
    /// Implementing agencies.
    pub agencies: Vec<Spanned<String>>,
    /// Matters it applies to.
    pub matters: Vec<Spanned<String>>,
    /// Who it targets, in the list's words.
    #[serde(default)]
    pub target: String,
    /// The least severe finding that may bring it.
    pub severity: Severity,
    /// First day in force (defaults to the rule set's).
    #[serde(default)]
    pub effective_from: Option<NaiveDate>,
    /// Last day in force.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// How the measure as a whole was checked.
    pub verification: Verification,
    /// One line on what could not be confirmed.
    #[serde(default)]
    pub note: Option<String>,
    /// A Rhai function in the folder's `conditions.rhai`.
    #[serde(default)]
    pub condition: Option<Spanned<String>>,
    /// How long it lasts.
    pub duration: Duration,
    /// Its legal bases.
    #[serde(default)]
    pub basis: Vec<Basis>,
    /// What brings it.
    #[serde(default)]
    pub triggers: Vec<Spanned<Trigger>>,
}

/// A `measures.toml` file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuresFile {
    /// The measures.
    #[serde(default)]
    pub measure: Vec<Spanned<Measure>>,
}

/// An item of the public credit information catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogItem {
    /// Unique code; what providers send as `item`.
    pub code: Spanned<String>,
    /// Title.
    pub title: String,
    /// One of the national catalog's categories.
    pub category: String,
    /// Its record kind.
    pub kind: Spanned<String>,
    /// Its list.
    pub list: ListLevel,
    /// Its jurisdiction.
    pub jurisdiction: String,
    /// public, authorised_query or government_sharing.
    #[serde(default = "public")]
    pub disclosure: String,
    /// First day in force.
    #[serde(default)]
    pub effective_from: Option<NaiveDate>,
    /// Last day in force.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// How it was checked.
    pub verification: Verification,
    /// One line on what could not be confirmed.
    #[serde(default)]
    pub note: Option<String>,
    /// Attributes required beyond its kind's.
    #[serde(default)]
    pub extra_attributes: Vec<String>,
    /// Its legal bases.
    #[serde(default)]
    pub basis: Vec<Basis>,
}

fn public() -> String {
    "public".into()
}

/// A `catalog.toml` file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// The items.
    #[serde(default)]
    pub item: Vec<CatalogItem>,
}

/// A matter (事项): an occasion for a sanction check.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Matter {
    /// Stable code.
    pub code: String,
    /// Title in Chinese.
    pub title: String,
}

/// `matters.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MattersFile {
    /// The matters.
    #[serde(default)]
    pub matter: Vec<Matter>,
}

/// An implementing agency.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Stable code.
    pub code: String,
    /// Title in Chinese.
    pub title: String,
}

/// `agencies.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgenciesFile {
    /// The agencies.
    #[serde(default)]
    pub agency: Vec<Agency>,
}

/// One publicity period within an edition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// The class of finding.
    pub severity: Severity,
    /// False: not published at all.
    #[serde(default = "yes")]
    pub published: bool,
    /// Earliest repair, in months from the decision.
    #[serde(default)]
    pub min_months: u32,
    /// Latest publication, in months from the decision.
    pub max_months: u32,
}

fn yes() -> bool {
    true
}

/// A dated edition of the publicity rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicityEdition {
    /// Applies to decisions on or after this date.
    pub effective_from: Spanned<NaiveDate>,
    /// Its name.
    #[serde(default)]
    pub title: String,
    /// Its bases.
    #[serde(default)]
    pub basis: Vec<Basis>,
    /// The periods by severity.
    #[serde(default)]
    pub period: Vec<Period>,
}

/// `publicity.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicityFile {
    /// The editions.
    #[serde(default)]
    pub edition: Vec<PublicityEdition>,
}

/// A cut-off of the risk model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierCut {
    /// A, B, C or D.
    pub tier: String,
    /// The least score that gets the tier.
    pub min_score: i64,
}

/// A rule's records chosen by data rather than a Rhai function: the
/// counting records of a kind, optionally only the latest one, optionally
/// only those whose attribute is one of some values.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// The record kind.
    pub kind: String,
    /// Only the latest record of the kind (a grade that a newer one replaces).
    #[serde(default)]
    pub latest: bool,
    /// The attribute to look at.
    #[serde(default)]
    pub attribute: Option<String>,
    /// The values that count (for a list attribute: any element).
    #[serde(default)]
    pub any_of: Vec<String>,
}

/// A scoring rule of the risk model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRule {
    /// Unique code.
    pub code: Spanned<String>,
    /// Title.
    pub title: String,
    /// One sentence in Chinese.
    pub explanation: String,
    /// Why, with its basis or the mark of our inference.
    pub rationale: String,
    /// Points per matching record, or once for a true result.
    pub points: i64,
    /// Cap on the rule's total, same sign as points.
    #[serde(default)]
    pub max_points: Option<i64>,
    /// The Rhai function in `risk/rules.rhai` (or give `select`).
    #[serde(default)]
    pub function: Option<Spanned<String>>,
    /// The records that count, as data (or give `function`).
    #[serde(default)]
    pub select: Option<Select>,
    /// How the rule's basis was checked.
    pub verification: Verification,
}

/// How an override changes the tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideMode {
    /// Exactly this tier.
    Force,
    /// This tier or a riskier one.
    AtLeast,
}

/// An override of the risk model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskOverride {
    /// Unique code.
    pub code: Spanned<String>,
    /// One sentence in Chinese.
    pub explanation: String,
    /// Why.
    pub rationale: String,
    /// The Rhai function in `risk/rules.rhai` (or give `select`).
    #[serde(default)]
    pub function: Option<Spanned<String>>,
    /// The records that count, as data (or give `function`).
    #[serde(default)]
    pub select: Option<Select>,
    /// The tier it sets.
    pub tier: String,
    /// force or at_least.
    pub mode: OverrideMode,
    /// How its basis was checked.
    #[serde(default = "inferred")]
    pub verification: Verification,
}

fn inferred() -> Verification {
    Verification::I
}

/// `risk/model.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskModel {
    /// The starting score.
    pub base_score: i64,
    /// Cut-offs, best tier first.
    #[serde(default)]
    pub tier: Vec<TierCut>,
    /// Scoring rules.
    #[serde(default)]
    pub rule: Vec<RiskRule>,
    /// Overrides.
    #[serde(default, rename = "override")]
    pub overrides: Vec<RiskOverride>,
}

/// A spot-check item with its ratio and frequency per tier.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionItem {
    /// Unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The matter, where it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter: Option<String>,
    /// Its bases.
    #[serde(default)]
    pub basis: Vec<Basis>,
    /// Share drawn per year, by tier.
    pub ratio: std::collections::BTreeMap<String, f64>,
    /// Checks per year, by tier.
    pub frequency_per_year: std::collections::BTreeMap<String, u32>,
}

/// `inspection/ratios.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionFile {
    /// The items.
    #[serde(default)]
    pub item: Vec<InspectionItem>,
}
