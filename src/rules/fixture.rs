//! Fixtures under `rules/tests/`: input facts in, expected tier, measures or
//! error out. `credence rules test` runs them and shows a diff per failure.

use chrono::NaiveDate;
use serde::Deserialize;

/// The subject of a fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureSubject {
    /// Kind of organisation.
    #[serde(default = "enterprise")]
    pub kind: String,
    /// Division code.
    #[serde(default = "handan")]
    pub division: String,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// Date of establishment.
    #[serde(default)]
    pub established_on: Option<NaiveDate>,
}

fn enterprise() -> String {
    "enterprise".into()
}

fn handan() -> String {
    "130402".into()
}

/// A record of a fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureRecord {
    /// Id the expectations may name.
    pub id: String,
    /// Catalog item code.
    pub item: String,
    /// Decision date.
    pub decided_on: NaiveDate,
    /// Date reported (defaults to the decision date).
    #[serde(default)]
    pub reported_on: Option<NaiveDate>,
    /// Date revoked, if it was.
    #[serde(default)]
    pub revoked_on: Option<NaiveDate>,
    /// Date repaired, if it was.
    #[serde(default)]
    pub repaired_on: Option<NaiveDate>,
    /// Attributes.
    #[serde(default)]
    pub attributes: toml::Table,
}

/// What the fixture expects.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The tier.
    #[serde(default)]
    pub tier: Option<String>,
    /// Exactly these measures apply.
    #[serde(default)]
    pub measures: Option<Vec<String>>,
    /// These measures must not apply.
    #[serde(default)]
    pub absent: Vec<String>,
    /// An error code is expected instead of an answer.
    #[serde(default)]
    pub error: Option<String>,
}

/// A fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// The file it came from.
    #[serde(skip)]
    pub file: String,
    /// What it shows.
    pub name: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The matter of a sanction check, if any.
    #[serde(default)]
    pub matter: Option<String>,
    /// The subject.
    pub subject: FixtureSubject,
    /// Its records.
    #[serde(default)]
    pub records: Vec<FixtureRecord>,
    /// The expectation.
    pub expect: Expect,
}

/// Converts TOML attributes to JSON; TOML dates become `YYYY-MM-DD` strings.
pub fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect())
        }
    }
}
