//! Credit-risk tiers (企业信用风险分类): A low, B general, C higher, D high
//! (国市监信发〔2022〕6号, DOMAIN.md §3.1).

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A credit-risk tier; the order is by risk, A lowest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
pub enum Tier {
    /// 信用风险低
    A,
    /// 信用风险一般
    B,
    /// 信用风险较高
    C,
    /// 信用风险高
    D,
}

impl Tier {
    /// Every tier, lowest risk first.
    pub const ALL: [Tier; 4] = [Tier::A, Tier::B, Tier::C, Tier::D];

    /// Parses "A".."D".
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
            Tier::D => "D",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
