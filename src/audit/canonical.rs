//! The canonical encoding of a decision: JSON with object keys sorted,
//! no insignificant white space, integers as integers and strings escaped
//! the one way serde_json escapes them. Equal content, equal bytes.

use serde_json::{Map, Value};

/// Rebuilds a value with every object's keys in sorted order.
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::with_capacity(map.len());
            for k in keys {
                out.insert(k.clone(), sorted(&map[k]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The canonical text of a value.
pub fn encode(value: &Value) -> String {
    serde_json::to_string(&sorted(value)).expect("a JSON value serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_spacing_do_not_matter() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": {"z": [1, 2], "y": "中"}}"#).unwrap();
        let b = json!({"a": {"y": "中", "z": [1, 2]}, "b": 1});
        assert_eq!(encode(&a), encode(&b));
        assert_eq!(encode(&a), r#"{"a":{"y":"中","z":[1,2]},"b":1}"#);
    }
}
