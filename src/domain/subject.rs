//! A credit subject (信用主体): an organisation identified by its code.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Uscc;

/// What kind of organisation a subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A company or other enterprise (企业).
    Enterprise,
    /// An individual business (个体工商户).
    IndividualBusiness,
    /// A farmers' specialised cooperative (农民专业合作社).
    FarmerCooperative,
    /// A public institution (事业单位).
    PublicInstitution,
    /// A social organisation (社会组织).
    SocialOrganisation,
    /// A government organ (机关).
    GovernmentOrgan,
    /// Any other organisation.
    Other,
}

impl SubjectKind {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enterprise => "enterprise",
            Self::IndividualBusiness => "individual_business",
            Self::FarmerCooperative => "farmer_cooperative",
            Self::PublicInstitution => "public_institution",
            Self::SocialOrganisation => "social_organisation",
            Self::GovernmentOrgan => "government_organ",
            Self::Other => "other",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }

    /// The kind a code's authority and category (positions 1-2) imply, where
    /// they imply one: 91 enterprise, 92 individual business, 93 cooperative.
    pub fn implied_by(code: &Uscc) -> Option<Self> {
        match &code.as_str()[..2] {
            "91" => Some(Self::Enterprise),
            "92" => Some(Self::IndividualBusiness),
            "93" => Some(Self::FarmerCooperative),
            _ => None,
        }
    }
}

/// Whether the subject still exists in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectStatus {
    /// In business (存续).
    #[default]
    Active,
    /// Deregistered (注销).
    Deregistered,
    /// Business licence revoked (吊销).
    Revoked,
}

impl SubjectStatus {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Deregistered => "deregistered",
            Self::Revoked => "revoked",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }
}

/// A registered subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Its unified social credit code.
    pub uscc: Uscc,
    /// Registered name.
    pub name: String,
    /// Kind of organisation.
    pub kind: SubjectKind,
    /// Six-digit administrative division (GB/T 2260) where it is registered.
    pub division: String,
    /// Industry code (GB/T 4754 section letter or class), when known.
    pub industry: Option<String>,
    /// Date of establishment, when known.
    pub established_on: Option<NaiveDate>,
    /// Register status.
    pub status: SubjectStatus,
}
