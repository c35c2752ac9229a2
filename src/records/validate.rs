//! One reported record, checked field by field: the code, the catalog item
//! in force on the decision date, the dates, and the attributes its kind and
//! item require. Every problem is reported with a JSON pointer; a record with
//! any problem is rejected alone.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::domain::id_number::{looks_like_person, IdNumber};
use crate::domain::{RecordKind, Uscc};
use crate::rules::RuleSet;

/// Penalty types of 行政处罚法 (2021) Art. 9, in its words.
pub const PENALTY_TYPES: [&str; 14] = [
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
];

/// Attributes that hold a natural person's identity number.
pub const ID_NUMBER_ATTRIBUTES: [&str; 1] = ["legal_representative_id"];

/// One problem with one record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RecordError {
    /// JSON pointer inside the record (`/attributes/severity`).
    pub pointer: String,
    /// Stable snake_case code.
    pub code: String,
    /// What is wrong.
    pub detail: String,
}

fn err(pointer: impl Into<String>, code: &str, detail: impl Into<String>) -> RecordError {
    RecordError { pointer: pointer.into(), code: code.into(), detail: detail.into() }
}

/// A record that passed every check, before storage.
#[derive(Debug, Clone)]
pub struct CheckedRecord {
    /// The provider's own id.
    pub source_id: String,
    /// The subject's code.
    pub uscc: Uscc,
    /// The subject's name as reported.
    pub name: String,
    /// Catalog item code.
    pub item: String,
    /// Its kind.
    pub kind: RecordKind,
    /// Decision date.
    pub decided_on: NaiveDate,
    /// Report date.
    pub reported_on: NaiveDate,
    /// The decision's document number.
    pub document_no: String,
    /// Attributes, identity numbers replaced by their masked form and keyed hash.
    pub attributes: Map<String, Value>,
}

fn text(record: &Map<String, Value>, field: &str, errors: &mut Vec<RecordError>) -> Option<String> {
    match record.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            errors.push(err(format!("/{field}"), "missing_field", format!("{field} is required")));
            None
        }
        Some(_) => {
            errors.push(err(format!("/{field}"), "invalid_field", format!("{field} is a string")));
            None
        }
    }
}

fn date_field(
    value: Option<&Value>,
    pointer: &str,
    errors: &mut Vec<RecordError>,
) -> Option<NaiveDate> {
    match value {
        Some(Value::String(s)) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(err(
                    pointer,
                    "invalid_date",
                    format!("'{s}' is not a date YYYY-MM-DD"),
                ));
                None
            }
        },
        None | Some(Value::Null) => {
            errors.push(err(pointer, "missing_field", "a date YYYY-MM-DD is required"));
            None
        }
        Some(_) => {
            errors.push(err(pointer, "invalid_date", "a date is a string YYYY-MM-DD"));
            None
        }
    }
}

/// Checks one raw record. `protect` turns an identity number into its
/// stored form (masked text and keyed hash).
pub fn check(
    raw: &Value,
    rules_at: impl Fn(NaiveDate) -> Option<std::sync::Arc<RuleSet>>,
    today: NaiveDate,
    protect: &dyn Fn(&IdNumber) -> String,
) -> Result<CheckedRecord, Vec<RecordError>> {
    let Some(record) = raw.as_object() else {
        return Err(vec![err("", "invalid_record", "a record is a JSON object")]);
    };
    let mut errors = Vec::new();
    let source_id = text(record, "source_id", &mut errors);
    if source_id.as_ref().is_some_and(|s| s.chars().count() > 128) {
        errors.push(err("/source_id", "invalid_field", "a source_id has at most 128 characters"));
    }
    let uscc = text(record, "uscc", &mut errors).and_then(|raw| match Uscc::parse(&raw) {
        Ok(code) => Some(code),
        Err(problems) if looks_like_person(&raw) => {
            let _ = problems;
            errors.push(err("/uscc", "natural_person_code", "this is a natural person's identity number; records here are about organisations, identified by their unified social credit code"));
            None
        }
        Err(problems) => {
            for p in problems {
                let at = p.position.map_or(String::new(), |n| format!(" (position {n})"));
                errors.push(err("/uscc", "invalid_uscc", format!("{}{at}", p.detail)));
            }
            None
        }
    });
    let name = text(record, "name", &mut errors);
    let item_code = text(record, "item", &mut errors);
    let document_no = text(record, "document_no", &mut errors);
    let decided_on = date_field(record.get("decided_on"), "/decided_on", &mut errors);
    let reported_on = match record.get("reported_on") {
        None | Some(Value::Null) => Some(today),
        value => date_field(value, "/reported_on", &mut errors),
    };
    if let Some(d) = decided_on {
        if d > today {
            errors.push(err(
                "/decided_on",
                "future_decision",
                format!("{d} is after today ({today})"),
            ));
        }
        if reported_on.is_some_and(|r| r < d) {
            errors.push(err(
                "/reported_on",
                "reported_before_decided",
                "a record cannot be reported before its decision",
            ));
        }
    }
    if reported_on.is_some_and(|r| r > today) {
        errors.push(err(
            "/reported_on",
            "future_report",
            format!("a report date after today ({today})"),
        ));
    }
    let empty = Map::new();
    let attributes = match record.get("attributes") {
        Some(Value::Object(a)) => a,
        None | Some(Value::Null) => &empty,
        Some(_) => {
            errors.push(err("/attributes", "invalid_field", "attributes is a JSON object"));
            &empty
        }
    };

    let mut kind = None;
    if let (Some(code), Some(day)) = (&item_code, decided_on) {
        match rules_at(day) {
            None => errors.push(err(
                "/decided_on",
                "no_ruleset_for_date",
                format!("no rule set governs {day}"),
            )),
            Some(set) => match set.catalog_item(code, day) {
                Some(item) => {
                    kind = Some(item.kind);
                    check_attributes(item.kind, &item.extra_attributes, attributes, &mut errors);
                }
                None if set.catalog_item_any(code).is_some() => errors.push(err(
                    "/item",
                    "item_not_in_force",
                    format!("catalog item {code} is not in force on {day}"),
                )),
                None => errors.push(err(
                    "/item",
                    "unknown_item",
                    format!("'{code}' is not an item of the public credit information catalog"),
                )),
            },
        }
    }
    let protected = protect_ids(attributes, &mut errors, protect);

    match (source_id, uscc, name, item_code, kind, decided_on, reported_on, document_no) {
        (
            Some(source_id),
            Some(uscc),
            Some(name),
            Some(item),
            Some(kind),
            Some(decided_on),
            Some(reported_on),
            Some(document_no),
        ) if errors.is_empty() => Ok(CheckedRecord {
            source_id,
            uscc,
            name,
            item,
            kind,
            decided_on,
            reported_on,
            document_no,
            attributes: protected,
        }),
        _ => Err(errors),
    }
}

fn protect_ids(
    attributes: &Map<String, Value>,
    errors: &mut Vec<RecordError>,
    protect: &dyn Fn(&IdNumber) -> String,
) -> Map<String, Value> {
    let mut out = attributes.clone();
    for name in ID_NUMBER_ATTRIBUTES {
        let Some(value) = attributes.get(name) else { continue };
        let pointer = format!("/attributes/{name}");
        match value.as_str().map(IdNumber::parse) {
            Some(Ok(id)) => {
                out.insert(name.to_owned(), Value::String(id.masked()));
                out.insert(format!("{name}_hash"), Value::String(protect(&id)));
            }
            Some(Err(e)) => errors.push(err(pointer, "invalid_id_number", e.to_string())),
            None => {
                errors.push(err(pointer, "invalid_id_number", "an identity number is a string"))
            }
        }
    }
    out
}

fn check_attributes(
    kind: RecordKind,
    extra: &[String],
    a: &Map<String, Value>,
    errors: &mut Vec<RecordError>,
) {
    let pointer = |n: &str| format!("/attributes/{n}");
    for name in kind.required_attributes().iter().copied().chain(extra.iter().map(String::as_str)) {
        let missing = match a.get(name) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(items)) => items.is_empty(),
            _ => false,
        };
        if missing {
            errors.push(err(
                pointer(name),
                "missing_attribute",
                format!("a {} record needs {name}", kind.as_str()),
            ));
        }
    }
    let one_of = |name: &str, allowed: &[&str], errors: &mut Vec<RecordError>| {
        if let Some(v) = a.get(name) {
            if !v.as_str().is_some_and(|s| allowed.contains(&s)) {
                errors.push(err(
                    pointer(name),
                    "invalid_attribute",
                    format!("{name} is one of {}", allowed.join(", ")),
                ));
            }
        }
    };
    let dates = |names: &[&str], errors: &mut Vec<RecordError>| {
        for name in names {
            if let Some(v) = a.get(*name) {
                if v.as_str().is_none_or(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()) {
                    errors.push(err(
                        pointer(name),
                        "invalid_attribute",
                        format!("{name} is a date YYYY-MM-DD"),
                    ));
                }
            }
        }
    };
    match kind {
        RecordKind::License => {
            dates(&["valid_from", "valid_to"], errors);
            let from = a.get("valid_from").and_then(Value::as_str);
            let to = a.get("valid_to").and_then(Value::as_str);
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    errors.push(err(
                        pointer("valid_to"),
                        "invalid_attribute",
                        "valid_to is before valid_from",
                    ));
                }
            }
        }
        RecordKind::Penalty => {
            one_of("severity", &["minor", "general", "serious"], errors);
            let types = a.get("penalty_types");
            match types.and_then(Value::as_array) {
                Some(list) => {
                    for (i, t) in list.iter().enumerate() {
                        if !t.as_str().is_some_and(|s| PENALTY_TYPES.contains(&s)) {
                            errors.push(err(
                                format!("/attributes/penalty_types/{i}"),
                                "invalid_attribute",
                                format!(
                                    "a penalty type of 行政处罚法 Art. 9: {}",
                                    PENALTY_TYPES.join("、")
                                ),
                            ));
                        }
                    }
                    let fined = list.iter().any(|t| t.as_str() == Some("罚款"));
                    if fined && !a.contains_key("fine_yuan") {
                        errors.push(err(
                            pointer("fine_yuan"),
                            "missing_attribute",
                            "a fine names its amount in yuan",
                        ));
                    }
                }
                None if types.is_some() => errors.push(err(
                    pointer("penalty_types"),
                    "invalid_attribute",
                    "penalty_types is an array",
                )),
                None => {}
            }
            for name in ["fine_yuan", "confiscated_yuan"] {
                if let Some(v) = a.get(name) {
                    amount(v, &pointer(name), errors);
                }
            }
        }
        RecordKind::SeriousDishonestList
        | RecordKind::AbnormalOperations
        | RecordKind::DishonestJudgmentDebtor => {
            dates(&["listed_on"], errors);
        }
        RecordKind::TaxCreditGrade => {
            one_of("grade", &["A", "B", "M", "C", "D"], errors);
            if let Some(y) = a.get("year") {
                let year = y.as_i64().or_else(|| y.as_str().and_then(|s| s.parse().ok()));
                if !year.is_some_and(|y| (2000..=2100).contains(&y)) {
                    errors.push(err(
                        pointer("year"),
                        "invalid_attribute",
                        "year is the evaluation year, e.g. 2025",
                    ));
                }
            }
        }
        RecordKind::CustomsCertification => {
            one_of("class", &["advanced", "general", "dishonest"], errors)
        }
        RecordKind::Commitment => {
            one_of("fulfilment", &["kept", "partly", "broken", "pending"], errors)
        }
        RecordKind::Honour => dates(&["valid_to"], errors),
        RecordKind::InspectionResult => {}
    }
}

/// An amount is a decimal string with at most two places, never a float.
fn amount(value: &Value, pointer: &str, errors: &mut Vec<RecordError>) {
    match value {
        Value::String(s) => match s.trim().parse::<Decimal>() {
            Ok(d) if d.is_sign_negative() => {
                errors.push(err(pointer, "invalid_amount", "an amount is not negative"))
            }
            Ok(d) if d.scale() > 2 => errors.push(err(
                pointer,
                "invalid_amount",
                "an amount has at most two decimal places",
            )),
            Ok(_) => {}
            Err(_) => errors.push(err(
                pointer,
                "invalid_amount",
                format!("'{s}' is not a decimal amount"),
            )),
        },
        _ => errors.push(err(
            pointer,
            "amount_not_decimal_string",
            "send amounts as decimal strings (\"10000.00\"), never as JSON numbers",
        )),
    }
}
