//! The sandboxed Rhai engine that runs rule conditions and scoring.
//!
//! Built once with `Engine::new_raw` and only the packages rules need (no
//! modules, no time, no printing), with limits on operations, call levels,
//! expression depth and string/array/map sizes, and a wall-clock deadline per
//! call, so that a rule that runs away ends with an error naming the rule.
//! Each AST is compiled once and shared by all threads.

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, MoreStringPackage, Package,
};
use rhai::{Array, CallFnOptions, Dynamic, Engine, Map, Scope, AST};
use rust_decimal::Decimal;

use super::calendar::Calendar;

/// A call that runs longer than this is ended.
pub const DEADLINE: Duration = Duration::from_millis(50);

/// Most operations one call may take.
const MAX_OPERATIONS: u64 = 1_000_000;

thread_local! {
    static CALL_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
    static CALENDAR: std::cell::RefCell<Option<Arc<Calendar>>> =
        const { std::cell::RefCell::new(None) };
}

/// Makes `calendar` the one the working-day helpers use on this thread.
pub fn use_calendar(calendar: &Arc<Calendar>) {
    CALENDAR.with(|c| *c.borrow_mut() = Some(calendar.clone()));
}

fn with_calendar<T>(
    f: impl FnOnce(&Calendar) -> Result<T, String>,
) -> Result<T, Box<rhai::EvalAltResult>> {
    CALENDAR.with(|c| match c.borrow().as_deref() {
        Some(calendar) => f(calendar).map_err(|e| e.into()),
        None => Err("no holiday calendar is loaded".into()),
    })
}

/// What a rule function answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Fired or not, with no records named.
    Flag(bool),
    /// The ids of the records that made it fire (empty: did not fire).
    Records(Vec<String>),
}

impl Outcome {
    /// Whether the rule fired.
    pub fn fired(&self) -> bool {
        match self {
            Outcome::Flag(b) => *b,
            Outcome::Records(ids) => !ids.is_empty(),
        }
    }
}

/// The facts of one evaluation as rules see them: `facts.as_of`,
/// `facts.uscc`, `facts.subject`, `facts.records`, `facts.counts`. Cloning
/// it clones a pointer.
#[derive(Clone)]
pub struct FactsHandle(Arc<FactsData>);

struct FactsData {
    uscc: String,
    as_of: String,
    as_of_date: Option<NaiveDate>,
    subject: Dynamic,
    counts: Dynamic,
    records: Vec<(&'static str, Dynamic)>,
}

impl FactsHandle {
    /// Wraps the parts; `records` pairs each record's kind with the record.
    pub fn new(
        uscc: String,
        as_of: String,
        subject: Dynamic,
        counts: Dynamic,
        records: Vec<(&'static str, Dynamic)>,
    ) -> Self {
        let as_of_date = date(&as_of);
        Self(Arc::new(FactsData { uscc, as_of, as_of_date, subject, counts, records }))
    }
}

/// Builds the engine with the helper functions of `docs/rules.md`.
pub fn engine() -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(CorePackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine.register_global_module(BasicMapPackage::new().as_shared_module());
    engine.register_global_module(MoreStringPackage::new().as_shared_module());
    engine.register_global_module(BasicMathPackage::new().as_shared_module());
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(32)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(64 * 1024)
        .set_max_array_size(100_000)
        .set_max_map_size(10_000)
        .set_strict_variables(true);
    engine
        .register_type_with_name::<FactsHandle>("Facts")
        .register_get("uscc", |f: &mut FactsHandle| f.0.uscc.clone())
        .register_get("as_of", |f: &mut FactsHandle| f.0.as_of.clone())
        .register_get("subject", |f: &mut FactsHandle| f.0.subject.clone())
        .register_get("counts", |f: &mut FactsHandle| f.0.counts.clone())
        .register_get("records", |f: &mut FactsHandle| -> Array {
            f.0.records.iter().map(|(_, r)| r.clone()).collect()
        });
    engine.on_progress(|ops| {
        if ops % 256 != 0 {
            return None;
        }
        let started = CALL_STARTED.with(Cell::get)?;
        (started.elapsed() > DEADLINE).then(|| Dynamic::from("deadline exceeded"))
    });
    register_helpers(&mut engine);
    engine
}

fn register_helpers(engine: &mut Engine) {
    // `facts` is a handle (cloning it clones a pointer); record lists are
    // borrowed as the first argument.
    engine.register_fn("of_kind", |facts: FactsHandle, kind: &str| -> Array {
        facts.0.records.iter().filter(|(k, _)| *k == kind).map(|(_, r)| r.clone()).collect()
    });
    engine.register_fn(
        "within_years",
        |list: &mut Array, facts: FactsHandle, years: i64| -> Array {
            let Some(as_of) = facts.0.as_of_date else { return Array::new() };
            let from = as_of
                .checked_sub_months(chrono::Months::new((years.max(0) as u32) * 12))
                .unwrap_or(NaiveDate::MIN);
            list.iter()
                .filter(|r| date(&field(r, "decided_on")).is_some_and(|d| d > from && d <= as_of))
                .cloned()
                .collect()
        },
    );
    engine.register_fn("with_attr", |list: &mut Array, name: &str, value: Dynamic| -> Array {
        let wanted = value.to_string();
        list.iter()
            .filter(|r| {
                let Some(map) = r.read_lock::<Map>() else { return false };
                let Some(attrs) = map.get("attributes").and_then(|a| a.read_lock::<Map>()) else {
                    return false;
                };
                match attrs.get(name) {
                    Some(v) if v.is_array() => v
                        .read_lock::<Array>()
                        .is_some_and(|items| items.iter().any(|i| i.to_string() == wanted)),
                    Some(v) => v.to_string() == wanted,
                    None => false,
                }
            })
            .cloned()
            .collect()
    });
    engine.register_fn("ids", |list: &mut Array| -> Array {
        list.iter().map(|r| Dynamic::from(field(r, "id"))).collect()
    });
    engine.register_fn("amount", |record: Map, name: &str| -> Decimal {
        record
            .get("attributes")
            .and_then(|a| a.read_lock::<Map>().and_then(|m| m.get(name).map(|v| v.to_string())))
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    });
    engine.register_fn("decimal", |text: &str| -> Decimal { text.parse().unwrap_or_default() });
    engine.register_fn(
        "add_working_days",
        |from: &str, n: i64| -> Result<String, Box<rhai::EvalAltResult>> {
            let day = date(from).ok_or_else(|| format!("'{from}' is not a date"))?;
            let n = u32::try_from(n).map_err(|_| "a count of working days is not negative")?;
            with_calendar(|c| {
                c.add_working_days(day, n).map(|d| d.value.to_string()).map_err(|e| e.to_string())
            })
        },
    );
    engine.register_fn(
        "working_days_between",
        |from: &str, to: &str| -> Result<i64, Box<rhai::EvalAltResult>> {
            let (a, b) = (date(from).ok_or("not a date")?, date(to).ok_or("not a date")?);
            with_calendar(|c| {
                c.working_days_between(a, b).map(|n| i64::from(n.value)).map_err(|e| e.to_string())
            })
        },
    );
    engine.register_fn("days_between", |from: &str, to: &str| -> i64 {
        match (date(from), date(to)) {
            (Some(a), Some(b)) => (b - a).num_days(),
            _ => 0,
        }
    });
}

fn field(record: &Dynamic, name: &str) -> String {
    record.read_lock::<Map>().and_then(|m| m.get(name).map(|v| v.to_string())).unwrap_or_default()
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Calls `function(args...)` in `ast`, under the deadline; the error names `rule`.
pub fn call(
    engine: &Engine,
    ast: &AST,
    rule: &str,
    function: &str,
    args: impl rhai::FuncArgs,
) -> Result<Outcome, String> {
    let value = call_raw(engine, ast, rule, function, args)?;
    outcome_of(rule, function, value)
}

/// Calls a function and answers its value as it is.
pub fn call_raw(
    engine: &Engine,
    ast: &AST,
    rule: &str,
    function: &str,
    args: impl rhai::FuncArgs,
) -> Result<Dynamic, String> {
    CALL_STARTED.with(|c| c.set(Some(Instant::now())));
    let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
    let result =
        engine.call_fn_with_options::<Dynamic>(options, &mut Scope::new(), ast, function, args);
    CALL_STARTED.with(|c| c.set(None));
    result.map_err(|e| format!("rule {rule}: {function}: {e}"))
}

/// Reads a rule function's answer: a bool, or an array of record ids.
pub fn outcome_of(rule: &str, function: &str, value: Dynamic) -> Result<Outcome, String> {
    if let Ok(b) = value.as_bool() {
        return Ok(Outcome::Flag(b));
    }
    if value.is_array() {
        let items = value.cast::<Array>();
        return Ok(Outcome::Records(items.iter().map(|i| i.to_string()).collect()));
    }
    Err(format!(
        "rule {rule}: {function} returned {}; a rule function returns a bool or an array of record ids",
        value.type_name()
    ))
}

/// The name of the generated function that calls every risk function at once.
pub const RISK_BATCH: &str = "__credence_all_rules";

/// Adds to `ast` a function that calls each of `functions` on `facts` and
/// answers their results in order: one call from Rust instead of one per
/// rule (each call from Rust costs a few microseconds of setup).
pub fn with_batch(engine: &Engine, ast: &AST, functions: &[&str]) -> Result<AST, String> {
    let calls: Vec<String> = functions.iter().map(|f| format!("{f}(facts)")).collect();
    let source = format!("fn {RISK_BATCH}(facts) {{ [{}] }}", calls.join(", "));
    let batch = engine.compile(&source).map_err(|e| e.to_string())?;
    Ok(ast.merge(&batch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str, function: &str) -> Result<Outcome, String> {
        let engine = engine();
        let ast = engine.compile(script).map_err(|e| e.to_string())?;
        let facts: Map = Map::new();
        call(&engine, &ast, "TEST-RULE", function, (Dynamic::from_map(facts),))
    }

    #[test]
    fn hostile_rules_end_with_an_error_naming_the_rule() {
        let cases = [
            ("endless loop", "fn f(facts) { loop { } }"),
            ("deep recursion", "fn f(facts) { f(facts) }"),
            ("huge string", "fn f(facts) { let s = \"x\"; loop { s += s; } }"),
            ("huge array", "fn f(facts) { let a = [1]; loop { a += a; } }"),
        ];
        for (label, script) in cases {
            let started = Instant::now();
            let err = run(script, "f").unwrap_err();
            assert!(err.contains("TEST-RULE"), "{label}: {err}");
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{label} took {:?}",
                started.elapsed()
            );
        }
    }

    #[test]
    fn outcomes_are_bools_or_ids() {
        assert_eq!(run("fn f(facts) { true }", "f").unwrap(), Outcome::Flag(true));
        assert_eq!(
            run("fn f(facts) { [\"r1\"] }", "f").unwrap(),
            Outcome::Records(vec!["r1".into()])
        );
        assert!(run("fn f(facts) { 3 }", "f").unwrap_err().contains("returned i64"));
    }

    #[test]
    fn working_day_helpers_use_the_calendar() {
        let file: super::super::calendar::YearFile = toml::from_str(
            "year = 2024\nnotice = \"n\"\nverification = \"M\"\nworking_days = [\"2024-02-18\"]\n\
             [[holiday]]\nname = \"春节\"\ndays = [\"2024-02-12\", \"2024-02-13\", \"2024-02-14\", \"2024-02-15\", \"2024-02-16\"]\n",
        )
        .unwrap();
        use_calendar(&Arc::new(Calendar::from_years(&[file])));
        let script = "fn f(facts) { [add_working_days(\"2024-02-08\", 3), working_days_between(\"2024-02-08\", \"2024-02-19\").to_string()] }";
        let outcome = run(script, "f").unwrap();
        assert_eq!(outcome, Outcome::Records(vec!["2024-02-19".into(), "3".into()]));
    }

    #[test]
    fn sandbox_has_no_modules_and_no_undefined_variables() {
        assert!(run("import \"x\" as y; fn f(facts) { true }", "f").is_err());
        assert!(run("fn f(facts) { nothing_here }", "f").is_err());
    }
}
