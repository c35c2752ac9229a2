//! Kinds of public credit record (公共信用信息) and what each must carry.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kind of a catalog item and of the records reported under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// Administrative licence (行政许可).
    License,
    /// Administrative penalty (行政处罚).
    Penalty,
    /// Entry on a serious dishonest subject list (严重失信主体名单).
    SeriousDishonestList,
    /// Entry on the abnormal operations list (经营异常名录).
    AbnormalOperations,
    /// Court enforcement: dishonest judgment debtor (失信被执行人).
    DishonestJudgmentDebtor,
    /// Tax credit grade (纳税信用级别).
    TaxCreditGrade,
    /// Customs credit certification (海关信用认证).
    CustomsCertification,
    /// Credit commitment and its keeping (信用承诺).
    Commitment,
    /// Honour for trustworthiness (诚信荣誉).
    Honour,
    /// Result of a "double random" inspection (抽查检查结果).
    InspectionResult,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 10] = [
        Self::License,
        Self::Penalty,
        Self::SeriousDishonestList,
        Self::AbnormalOperations,
        Self::DishonestJudgmentDebtor,
        Self::TaxCreditGrade,
        Self::CustomsCertification,
        Self::Commitment,
        Self::Honour,
        Self::InspectionResult,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::License => "license",
            Self::Penalty => "penalty",
            Self::SeriousDishonestList => "serious_dishonest_list",
            Self::AbnormalOperations => "abnormal_operations",
            Self::DishonestJudgmentDebtor => "dishonest_judgment_debtor",
            Self::TaxCreditGrade => "tax_credit_grade",
            Self::CustomsCertification => "customs_certification",
            Self::Commitment => "commitment",
            Self::Honour => "honour",
            Self::InspectionResult => "inspection_result",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Attributes every record of this kind must carry (DESIGN.md "Record kinds").
    pub fn required_attributes(self) -> &'static [&'static str] {
        match self {
            Self::License => &["license_type", "valid_from", "valid_to"],
            Self::Penalty => &["penalty_types", "severity"],
            Self::SeriousDishonestList => &["list", "listed_on"],
            Self::AbnormalOperations => &["reason", "listed_on"],
            Self::DishonestJudgmentDebtor => &["court", "case_no", "listed_on"],
            Self::TaxCreditGrade => &["grade", "year"],
            Self::CustomsCertification => &["class"],
            Self::Commitment => &["commitment_type", "fulfilment"],
            Self::Honour => &["title", "valid_to"],
            Self::InspectionResult => &["plan_id", "outcome"],
        }
    }

    /// A finding of serious dishonesty in itself: a serious-list entry or a
    /// court's dishonest-debtor listing (国办发〔2020〕49号 as recalled in DOMAIN.md §11).
    pub fn is_serious_finding(self) -> bool {
        matches!(self, Self::SeriousDishonestList | Self::DishonestJudgmentDebtor)
    }
}
