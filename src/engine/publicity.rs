//! Publicity windows (公示期): from when a record counts, from when it may be
//! repaired, and until when it is published, from the edition of the
//! publicity rules in force on its decision date.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::RecordKind;
use crate::rules::model::Severity;
use crate::rules::RuleSet;

/// A record's publicity window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Window {
    /// First day published.
    pub from: NaiveDate,
    /// Earliest day a repair may be granted.
    pub repair_from: NaiveDate,
    /// Last day published; none while a listing stands until it is removed.
    pub until: Option<NaiveDate>,
    /// False when the rules say the record is not published at all
    /// (a minor penalty under the 2026 credit repair rules).
    pub published: bool,
}

impl Window {
    /// Whether the record counts on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.published && self.from <= day && self.until.is_none_or(|u| day <= u)
    }
}

fn attr<'a>(
    attributes: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'a str> {
    attributes.get(name).and_then(|v| v.as_str())
}

/// The severity class of a record for its publicity period.
pub fn severity_of(
    kind: RecordKind,
    attributes: &serde_json::Map<String, serde_json::Value>,
) -> Severity {
    match kind {
        RecordKind::Penalty => match attr(attributes, "severity") {
            Some("serious") => Severity::Serious,
            Some("minor") => Severity::Minor,
            _ => Severity::General,
        },
        RecordKind::SeriousDishonestList | RecordKind::DishonestJudgmentDebtor => Severity::Serious,
        RecordKind::AbnormalOperations => Severity::General,
        RecordKind::Commitment if attr(attributes, "fulfilment") == Some("broken") => {
            Severity::General
        }
        _ => Severity::None,
    }
}

fn date(attributes: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<NaiveDate> {
    attr(attributes, name).and_then(|s| s.parse().ok())
}

/// The window of one record.
///
/// Penalties and broken commitments follow the dated publicity periods of
/// `national/publicity.toml`, counted from the decision (the 2026 rules count
/// from publication, which we take to be the decision date because the
/// publication date is not reported: an approximation). Serious-list entries
/// follow the serious period. A dishonest-debtor or abnormal-operations
/// listing stands until it is removed (revoked or repaired). Licences and
/// honours run to their `valid_to`; a tax grade holds for 12 months from its
/// grading decision (our reading: until the next annual evaluation). Other
/// kinds have no end.
pub fn window(
    set: &RuleSet,
    kind: RecordKind,
    attributes: &serde_json::Map<String, serde_json::Value>,
    decided_on: NaiveDate,
) -> Window {
    let from = match kind {
        RecordKind::SeriousDishonestList
        | RecordKind::DishonestJudgmentDebtor
        | RecordKind::AbnormalOperations => date(attributes, "listed_on").unwrap_or(decided_on),
        _ => decided_on,
    };
    let open = Window { from, repair_from: from, until: None, published: true };
    let severity = severity_of(kind, attributes);
    match kind {
        RecordKind::Penalty | RecordKind::Commitment | RecordKind::SeriousDishonestList
            if severity > Severity::None =>
        {
            let Some(period) = set
                .publicity_for(decided_on)
                .and_then(|e| e.periods.iter().find(|p| p.severity == severity))
            else {
                return open;
            };
            Window {
                from,
                repair_from: add_months(from, period.min_months),
                until: Some(add_months(from, period.max_months).pred_opt().unwrap_or(from)),
                published: period.published,
            }
        }
        RecordKind::License | RecordKind::Honour => {
            Window { until: date(attributes, "valid_to"), ..open }
        }
        RecordKind::TaxCreditGrade => Window { until: add_months(from, 12).pred_opt(), ..open },
        _ => open,
    }
}

fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}
