//! The roles an API key can carry (DESIGN.md "Security").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a principal may do; each `/v1` route admits a fixed set of roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A regulator in a department: sanction checks, risk assessments, reads.
    Regulator,
    /// A data-providing department: writes, corrects and revokes its own records.
    Provider,
    /// Policy staff of the credit office: rule sets, measures, catalog.
    Policy,
    /// A "double random, one public" planner: risk tiers and inspection plans.
    Planner,
    /// Credit office staff handling repairs and objections.
    Caseworker,
    /// Reads everything, changes nothing.
    Auditor,
    /// Everything, plus subjects and keys.
    Admin,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 7] = [
        Role::Regulator,
        Role::Provider,
        Role::Policy,
        Role::Planner,
        Role::Caseworker,
        Role::Auditor,
        Role::Admin,
    ];

    /// The role's stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Regulator => "regulator",
            Role::Provider => "provider",
            Role::Policy => "policy",
            Role::Planner => "planner",
            Role::Caseworker => "caseworker",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown role '{s}'; one of {}", names.join(", "))
        })
    }
}
