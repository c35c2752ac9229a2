//! Rule evaluation alone: a risk tier plus a sanction check over the facts of
//! every shipped fixture, p50 and p99 per evaluation; and how long each hostile
//! rule takes to be stopped. Run: `cargo bench --bench evaluation`.

mod common;

use std::time::{Duration, Instant};

use credence::engine::decide;
use credence::engine::fixtures::facts_of;

fn main() {
    let set = credence::rules::load_dir(&common::rules_dir()).expect("the shipped rules compile");
    let cases: Vec<_> = set
        .fixtures
        .iter()
        .map(|f| (facts_of(&set, f), f.matter.clone().unwrap_or("government_procurement".into())))
        .collect();

    // Warm up, then time each evaluation of each case.
    for (facts, matter) in &cases {
        decide::risk_assessment(&set, facts.clone()).unwrap();
        decide::sanction_check(&set, facts.clone(), matter, None).unwrap();
    }
    let rounds = 200;
    let mut samples = Vec::with_capacity(rounds * cases.len());
    for _ in 0..rounds {
        for (facts, matter) in &cases {
            // Each call takes its facts by value (as the API does); the copies are made untimed.
            let (for_risk, for_check) = (facts.clone(), facts.clone());
            let started = Instant::now();
            let risk = decide::risk_assessment(&set, for_risk).unwrap();
            let check = decide::sanction_check(&set, for_check, matter, None).unwrap();
            samples.push(started.elapsed());
            std::hint::black_box((risk.output, check.output));
        }
    }
    let n = samples.len();
    let p50 = common::quantile(&mut samples, 0.50);
    let p99 = common::quantile(&mut samples, 0.99);
    println!("evaluation (risk tier + sanction check, {} fixtures x {rounds}): n={n} p50={:.1}us p99={:.1}us", cases.len(), common::us(p50), common::us(p99));

    // Where the time goes, per evaluation, medians over the same cases.
    let part = |label: &str, f: &dyn Fn(&credence::engine::Facts, &str)| {
        let mut t = Vec::new();
        for _ in 0..50 {
            for (facts, matter) in &cases {
                let started = Instant::now();
                f(facts, matter);
                t.push(started.elapsed());
            }
        }
        println!("  part {label}: p50={:.1}us", common::us(common::quantile(&mut t, 0.5)));
    };
    part("facts to Rhai", &|f, _| {
        let _ = std::hint::black_box(f.to_dynamic());
    });
    part("risk rules only", &|f, _| {
        std::hint::black_box(credence::engine::risk::assess(&set, f).unwrap());
    });
    part("sanction rules only", &|f, m| {
        std::hint::black_box(credence::engine::sanctions::check(&set, f, m, None).unwrap());
    });

    let engine = credence::rules::shared_engine();
    let hostile = [
        ("endless loop", "fn f(facts) { loop { } }"),
        ("deep recursion", "fn f(facts) { f(facts) }"),
        ("huge string", "fn f(facts) { let s = \"x\"; loop { s += s; } }"),
    ];
    for (label, script) in hostile {
        let ast = engine.compile(script).unwrap();
        let mut times: Vec<Duration> = (0..20)
            .map(|_| {
                let started = Instant::now();
                let result = credence::rules::script::call(
                    engine,
                    &ast,
                    "HOSTILE",
                    "f",
                    (rhai::Dynamic::UNIT,),
                );
                assert!(result.is_err());
                started.elapsed()
            })
            .collect();
        let p50 = common::quantile(&mut times, 0.5);
        let max = *times.iter().max().unwrap();
        println!(
            "hostile rule '{label}': stopped with an error, p50={:.2}ms max={:.2}ms",
            p50.as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3
        );
    }
}
