//! A decision record (DESIGN.md "Decisions and the audit trail") and the
//! hash that links it to the one before.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::canonical;
use crate::store::decisions::NewDecision;

/// Who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Requester {
    /// The key's id.
    pub key_id: String,
    /// The key's role.
    pub role: String,
    /// The department it acts for.
    pub department: String,
}

/// Everything needed to explain and replay one decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionRecord {
    /// Decision id (UUID v7).
    pub id: String,
    /// risk_assessment, sanction_check, execution_report, ...
    pub kind: String,
    /// The subject's code.
    pub subject: Option<String>,
    /// Who asked.
    pub requester: Requester,
    /// The matter of a sanction check.
    pub matter: Option<String>,
    /// The purpose the requester gave.
    pub purpose: Option<String>,
    /// The as-of date.
    pub as_of: Option<NaiveDate>,
    /// Hash of the rule set used.
    pub ruleset: Option<String>,
    /// The input facts exactly as evaluated.
    #[schema(value_type = Object)]
    pub input: serde_json::Value,
    /// The output exactly as answered.
    #[schema(value_type = Object)]
    pub output: serde_json::Value,
    /// Each rule that fired, with what it saw and its basis.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: String,
}

impl DecisionRecord {
    /// The canonical text that is hashed and stored.
    pub fn canonical(&self) -> String {
        canonical::encode(&serde_json::to_value(self).expect("a record serialises"))
    }

    /// The row to append.
    pub fn to_row(&self) -> NewDecision {
        NewDecision {
            id: self.id.clone(),
            kind: self.kind.clone(),
            uscc: self.subject.clone(),
            department: self.requester.department.clone(),
            ruleset: self.ruleset.clone(),
            recorded_at: self.recorded_at.clone(),
            body: self.canonical(),
            tier: None,
        }
    }
}

/// SHA-256 of the previous hash, a newline and the canonical body, in hex.
pub fn chain_hash(prev: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body.as_bytes());
    hex::encode(h.finalize())
}

/// SHA-256 of any text, in hex (used to compare outputs in replay).
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
