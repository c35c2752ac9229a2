//! `credence classify`: re-tiers every subject as of a date, in parallel,
//! logging each tier as a risk-assessment decision. Work goes in chunks of
//! subjects in code order; after a chunk's decisions are committed the run's
//! checkpoint moves past it, so an interrupted run resumes where it stopped.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::time::Instant;

use chrono::NaiveDate;

use crate::audit::{DecisionLog, DecisionRecord, Pending, Requester};
use crate::domain::{Subject, Uscc};
use crate::engine::decide::{self, RISK_ASSESSMENT};
use crate::engine::Facts;
use crate::rules::{Registry, RuleSet};
use crate::store::records::RecordRow;
use crate::store::{self, now_text, Store};

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The as-of date of every assessment.
    pub as_of: NaiveDate,
    /// Evaluation threads.
    pub threads: usize,
    /// Start over even when an unfinished run exists.
    pub restart: bool,
    /// The department named as requester.
    pub department: String,
    /// Subjects per chunk.
    pub chunk: usize,
    /// Stop after about this many subjects (whole chunks); the run stays unfinished and resumes.
    pub limit: Option<i64>,
}

/// What a run did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    /// The run's id.
    pub run: String,
    /// Where it resumed from, if it did.
    pub resumed_after: Option<String>,
    /// Subjects assessed in this invocation.
    pub assessed: i64,
    /// Subjects assessed by the run in all.
    pub total: i64,
    /// Tiers given in this invocation.
    pub tiers: BTreeMap<String, i64>,
    /// Seconds taken.
    pub seconds: f64,
    /// The rule set used.
    pub ruleset: String,
}

fn assess(
    set: &RuleSet,
    options: &Options,
    code: &str,
    subject: Option<&Subject>,
    rows: &[RecordRow],
) -> anyhow::Result<store::decisions::NewDecision> {
    let uscc = Uscc::parse(code).map_err(|_| anyhow::anyhow!("stored code {code} is not valid"))?;
    let facts = Facts::build(
        set,
        code,
        options.as_of,
        decide::subject_facts(&uscc, subject),
        &decide::inputs(rows),
    );
    let evaluated =
        decide::risk_assessment(set, facts).map_err(|e| anyhow::anyhow!("{code}: {e}"))?;
    let record = DecisionRecord {
        id: uuid::Uuid::now_v7().to_string(),
        kind: RISK_ASSESSMENT.into(),
        subject: Some(code.to_owned()),
        requester: Requester {
            key_id: "cli:classify".into(),
            role: "system".into(),
            department: options.department.clone(),
        },
        matter: None,
        purpose: Some("credit-risk classification for inspection planning".into()),
        as_of: Some(options.as_of),
        ruleset: Some(set.hash.clone()),
        input: serde_json::to_value(&evaluated.facts)?,
        output: evaluated.output,
        explanation: evaluated.explanation,
        recorded_at: now_text(),
    };
    let mut row = record.to_row();
    row.tier = decide::tier_row(&record, &evaluated.facts);
    Ok(row)
}

/// Runs (or resumes) a classification.
pub fn run(
    store: &Store,
    registry: &Registry,
    log: &DecisionLog,
    options: &Options,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let set = registry
        .in_force(options.as_of)
        .ok_or_else(|| anyhow::anyhow!("no rule set governs {}", options.as_of))?;
    let mut conn = store.conn()?;
    let as_of = options.as_of.to_string();
    let found = if options.restart {
        None
    } else {
        store::tiers::unfinished_run(&mut conn, &as_of, &set.hash)?
    };
    let run = match found {
        Some(run) => run,
        None => store::tiers::start_run(&mut conn, &as_of, &set.hash)?,
    };
    let resumed_after = run.checkpoint.clone();
    let total_subjects = store::tiers::subject_count(&mut conn)?;
    let mut after = run.checkpoint.clone().unwrap_or_default();
    let mut done = run.done;
    let mut assessed = 0;
    let mut tiers: BTreeMap<String, i64> = BTreeMap::new();
    let progress = Progress::new(total_subjects, done);
    // The chunk whose decisions are being committed while the next is evaluated.
    let mut committing: Option<Chunk> = None;

    loop {
        if options.limit.is_some_and(|limit| assessed >= limit) {
            break;
        }
        let codes = store::tiers::subject_codes(&mut conn, &after, options.chunk as i64)?;
        let Some(last) = codes.last().cloned() else { break };
        let pending = evaluate_chunk(&mut conn, &set, log, options, &codes)?;
        if let Some(chunk) = committing.take() {
            done = settle(&mut conn, &run.id, chunk, done, &mut tiers)?;
            progress.show(done);
        }
        assessed += codes.len() as i64;
        after = last.clone();
        committing = Some(Chunk { last, pending });
    }
    if let Some(chunk) = committing.take() {
        done = settle(&mut conn, &run.id, chunk, done, &mut tiers)?;
    }
    let finished = options.limit.is_none_or(|limit| assessed < limit)
        || store::tiers::subject_codes(&mut conn, &after, 1)?.is_empty();
    if finished {
        store::tiers::finish_run(&mut conn, &run.id)?;
    }
    progress.finish(done);
    Ok(Summary {
        run: run.id,
        resumed_after,
        assessed,
        total: done,
        tiers,
        seconds: started.elapsed().as_secs_f64(),
        ruleset: set.hash.clone(),
    })
}

/// A chunk's queued decisions and its last code.
struct Chunk {
    last: String,
    pending: Vec<(String, Pending)>,
}

/// Waits until a chunk is committed, then moves the checkpoint past it.
fn settle(
    conn: &mut store::Conn,
    run: &str,
    chunk: Chunk,
    done: i64,
    tiers: &mut BTreeMap<String, i64>,
) -> anyhow::Result<i64> {
    let count = chunk.pending.len() as i64;
    for (tier, p) in chunk.pending {
        p.wait()?;
        *tiers.entry(tier).or_insert(0) += 1;
    }
    store::tiers::checkpoint(conn, run, &chunk.last, done + count)?;
    Ok(done + count)
}

/// Reads a chunk's subjects and records, evaluates them on `threads`
/// threads and queues their decisions.
fn evaluate_chunk(
    conn: &mut store::Conn,
    set: &RuleSet,
    log: &DecisionLog,
    options: &Options,
    codes: &[String],
) -> anyhow::Result<Vec<(String, Pending)>> {
    let subjects: HashMap<String, Subject> = store::subjects::get_many(conn, codes)?
        .into_iter()
        .map(|s| (s.uscc.to_string(), s))
        .collect();
    let mut by_code: HashMap<String, Vec<RecordRow>> = HashMap::new();
    for row in store::records::for_subjects(conn, codes)? {
        by_code.entry(row.uscc.clone()).or_default().push(row);
    }
    let per_thread = codes.len().div_ceil(options.threads.max(1));
    let parts: Vec<Vec<(String, Pending)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = codes
            .chunks(per_thread)
            .map(|part| {
                let (subjects, by_code) = (&subjects, &by_code);
                scope.spawn(move || -> anyhow::Result<Vec<(String, Pending)>> {
                    part.iter()
                        .map(|code| {
                            let rows = by_code.get(code).map_or(&[][..], Vec::as_slice);
                            let row = assess(set, options, code, subjects.get(code), rows)?;
                            let tier =
                                row.tier.as_ref().map(|t| t.tier.clone()).unwrap_or_default();
                            Ok((tier, log.submit_blocking(row)?))
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a classify worker panicked"))
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    Ok(parts.into_iter().flatten().collect())
}

/// A progress line on a terminal; log lines elsewhere.
struct Progress {
    total: i64,
    first: i64,
    started: Instant,
    terminal: bool,
}

impl Progress {
    fn new(total: i64, first: i64) -> Self {
        Self { total, first, started: Instant::now(), terminal: std::io::stderr().is_terminal() }
    }

    fn show(&self, done: i64) {
        let rate = (done - self.first) as f64 / self.started.elapsed().as_secs_f64().max(1e-6);
        if self.terminal {
            let width = 30;
            let filled =
                if self.total > 0 { (done * width / self.total).clamp(0, width) } else { width }
                    as usize;
            eprint!(
                "\r[{}{}] {done}/{} subjects, {rate:.0}/s ",
                "#".repeat(filled),
                " ".repeat(width as usize - filled),
                self.total
            );
            let _ = std::io::stderr().flush();
        } else {
            tracing::info!(
                classify.done = done,
                classify.total = self.total,
                classify.rate_per_s = rate as u64,
                "classify progress"
            );
        }
    }

    fn finish(&self, done: i64) {
        if self.terminal {
            eprintln!();
        }
        tracing::info!(
            classify.done = done,
            duration_s = self.started.elapsed().as_secs_f64(),
            "classify finished"
        );
    }
}
