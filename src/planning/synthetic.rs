//! A synthetic population of Handan enterprises and their public credit
//! records (`credence demo --subjects N`), for benchmarks and for anyone who
//! wants to try the service. Codes pass both GB checks; names, divisions and
//! industries look real but are made up. The record mix is tuned so that the
//! shipped risk model gives a tier mix near Hebei's published 2025
//! distribution (A 4.24 %, B 92.05 %, C 3.18 %, D 0.53 %, DOMAIN.md §3.2).

use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::domain::{Subject, SubjectKind, SubjectStatus, Uscc};

/// County-level divisions of Handan (GB/T 2260, as we recall them; synthetic data only).
const DIVISIONS: [&str; 18] = [
    "130402", "130403", "130404", "130406", "130407", "130408", "130423", "130424", "130425",
    "130426", "130427", "130430", "130431", "130432", "130433", "130434", "130435", "130481",
];
const WORDS_A: [&str; 20] = [
    "鑫", "华", "金", "宏", "永", "恒", "泰", "瑞", "德", "昌", "丰", "盛", "隆", "兴", "源", "达",
    "通", "嘉", "安", "信",
];
const WORDS_B: [&str; 20] = [
    "源", "泰", "达", "业", "诚", "祥", "邦", "创", "远", "和", "利", "顺", "晟", "汇", "博", "宇",
    "润", "亿", "凯", "宸",
];
/// Industry (GB/T 4754 section) and a business word for the name.
const TRADES: [(&str, &str); 12] = [
    ("C", "机械制造"),
    ("C", "食品"),
    ("C", "钢铁制品"),
    ("E", "建筑工程"),
    ("F", "商贸"),
    ("F", "建材销售"),
    ("G", "物流"),
    ("H", "餐饮管理"),
    ("I", "信息技术"),
    ("K", "房地产开发"),
    ("L", "企业管理咨询"),
    ("M", "科技"),
];
const CODE_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// One synthetic subject and its records (raw, as a provider would send them).
pub struct Synthetic {
    /// The subject.
    pub subject: Subject,
    /// Its records.
    pub records: Vec<Value>,
}

fn body_of(index: u64) -> String {
    let mut n = index.wrapping_mul(2_654_435_761) % 31u64.pow(7) + 31u64.pow(7);
    let mut out = [b'0'; 8];
    for slot in out.iter_mut().rev() {
        *slot = CODE_CHARS[(n % 31) as usize];
        n /= 31;
    }
    String::from_utf8(out.to_vec()).expect("ascii")
}

fn day_before(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

/// The `index`-th subject of the population seeded with `seed`, as of `today`.
pub fn subject(seed: u64, index: u64, today: NaiveDate) -> Synthetic {
    let mut rng = StdRng::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let division = DIVISIONS[(index % DIVISIONS.len() as u64) as usize];
    let uscc =
        Uscc::from_parts("91", division, &body_of(index)).expect("synthetic codes are valid");
    // Every index gets its own name: two words, a trade, and a branch number past the first 4,800.
    let (industry, trade) = TRADES[(index / 400 % 12) as usize];
    let branch = index / 4800;
    let name = format!(
        "邯郸{}{}{}{}有限公司",
        WORDS_A[(index % 20) as usize],
        WORDS_B[(index / 20 % 20) as usize],
        trade,
        if branch > 0 { format!("第{branch}分") } else { String::new() },
    );
    let founded_years_ago = rng.gen_range(1..30u64);
    let established = day_before(today, founded_years_ago * 365 + rng.gen_range(0..365));
    let subject = Subject {
        uscc: uscc.clone(),
        name: name.clone(),
        kind: SubjectKind::Enterprise,
        division: division.to_owned(),
        industry: Some(industry.to_owned()),
        established_on: Some(established),
        status: SubjectStatus::Active,
    };
    let records = records_for(&mut rng, &uscc, &name, today, index);
    Synthetic { subject, records }
}

fn records_for(
    rng: &mut StdRng,
    uscc: &Uscc,
    name: &str,
    today: NaiveDate,
    index: u64,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut add = |item: &str, days_ago: u64, attributes: Value, n: usize| {
        let decided = day_before(today, days_ago);
        let reported =
            decided.checked_add_days(Days::new(1 + (index % 9))).unwrap_or(decided).min(today);
        out.push(json!({
            "source_id": format!("demo-{index}-{n}"), "uscc": uscc.as_str(), "name": name, "item": item,
            "decided_on": decided, "reported_on": reported,
            "document_no": format!("邯{}〔{}〕{}号", item, decided.year(), index % 10_000),
            "attributes": attributes,
        }));
    };
    let roll: f64 = rng.gen();
    if roll < 0.0053 {
        add(
            "NAT-02-DEBTOR",
            120,
            json!({"court": "邯郸市中级人民法院", "case_no": format!("（2026）冀04执{}号", index % 9999), "listed_on": day_before(today, 120)}),
            0,
        );
    } else if roll < 0.0053 + 0.0160 {
        add(
            "NAT-05-ABN",
            90,
            json!({"reason": "通过登记的住所或者经营场所无法联系", "listed_on": day_before(today, 90)}),
            0,
        );
    } else if roll < 0.0053 + 0.0318 {
        add(
            "NAT-03-PEN",
            200,
            json!({"penalty_types": ["罚款", "责令停产停业"], "severity": "serious", "fine_yuan": "200000.00"}),
            0,
        );
    } else if roll < 0.0053 + 0.0318 + 0.0440 {
        add("NAT-03-TAX", 100, json!({"grade": "A", "year": today.year() - 1}), 0);
        if rng.gen_bool(0.3) {
            add(
                "NAT-03-LIC",
                300,
                json!({"license_type": "排污许可", "valid_from": day_before(today, 300), "valid_to": today.checked_add_days(Days::new(1500))}),
                1,
            );
        }
    } else {
        if rng.gen_bool(0.3) {
            add(
                "NAT-03-LIC",
                rng.gen_range(30..700),
                json!({"license_type": "食品经营许可", "valid_from": day_before(today, 700), "valid_to": today.checked_add_days(Days::new(1000))}),
                1,
            );
        }
        if rng.gen_bool(0.08) {
            add(
                "NAT-03-PEN",
                rng.gen_range(20..300),
                json!({"penalty_types": ["罚款"], "severity": "general", "fine_yuan": "5000.00"}),
                2,
            );
        }
        if rng.gen_bool(0.05) {
            add(
                "NAT-03-PEN",
                rng.gen_range(20..80),
                json!({"penalty_types": ["警告"], "severity": "minor"}),
                3,
            );
        }
    }
    out
}

/// What `load` stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Loaded {
    /// Subjects stored.
    pub subjects: u64,
    /// Records created.
    pub records: u64,
    /// Records rejected (should be none).
    pub rejected: u64,
    /// Seconds taken.
    pub seconds: f64,
}

/// Stores `n` synthetic subjects and their records, as department 130400-demo.
pub fn load(
    store: &crate::store::Store,
    registry: &crate::rules::Registry,
    n: u64,
    seed: u64,
) -> anyhow::Result<Loaded> {
    let started = std::time::Instant::now();
    let today = crate::rules::registry::today();
    let sender =
        crate::records::Sender { key_id: "cli:demo".into(), department: "130400-demo".into() };
    let mut conn = store.conn()?;
    let (mut records, mut rejected) = (0, 0);
    let mut start = 0;
    while start < n {
        let end = (start + 1000).min(n);
        let batch: Vec<Synthetic> = (start..end).map(|i| subject(seed, i, today)).collect();
        crate::store::subjects::insert_many(
            &mut conn,
            &batch.iter().map(|s| s.subject.clone()).collect::<Vec<_>>(),
        )?;
        let raw: Vec<Value> = batch.into_iter().flat_map(|s| s.records).collect();
        for chunk in raw.chunks(1000) {
            let results = crate::records::ingest(&mut conn, registry, &sender, chunk, today)?;
            for r in &results {
                if r.status == "rejected" {
                    rejected += 1;
                    tracing::warn!(record.index = r.index, errors = ?r.errors, "synthetic record rejected");
                } else {
                    records += 1;
                }
            }
        }
        start = end;
    }
    Ok(Loaded { subjects: n, records, rejected, seconds: started.elapsed().as_secs_f64() })
}
