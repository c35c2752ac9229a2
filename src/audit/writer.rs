//! The durable writer: one thread per process group-commits decisions.
//! Callers wait until their record is committed; a batch closes when it is
//! full or a short linger has passed. When the queue is full, callers are
//! told to come back (503 with Retry-After); a queued record is never dropped.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::record::{chain_hash, DecisionRecord};
use crate::store::decisions::{self, NewDecision};
use crate::store::{Store, StoreError};

/// Where a record landed in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Position in the chain.
    pub seq: i64,
    /// The record's chain hash.
    pub hash: String,
}

/// Why a record was not committed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// The queue is full; try again shortly.
    #[error("the decision log is busy")]
    Overloaded,
    /// The database refused the batch.
    #[error("the decision log could not commit: {0}")]
    Failed(String),
}

/// Tuning of the writer.
#[derive(Debug, Clone, Copy)]
pub struct WriterConfig {
    /// Records waiting at most before callers get 503.
    pub queue: usize,
    /// Records per transaction at most.
    pub max_batch: usize,
    /// How long a batch waits for more records after its first.
    pub linger: Duration,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self { queue: 20_000, max_batch: 1_000, linger: Duration::from_millis(2) }
    }
}

struct Job {
    row: NewDecision,
    reply: oneshot::Sender<Result<Committed, LogError>>,
}

/// A handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct DecisionLog {
    jobs: SyncSender<Job>,
}

impl DecisionLog {
    /// Starts the writer thread on `store`.
    pub fn start(store: Store, config: WriterConfig) -> Self {
        let (jobs, queue) = mpsc::sync_channel(config.queue);
        std::thread::Builder::new()
            .name("decision-writer".into())
            .spawn(move || run(store, queue, config))
            .expect("the writer thread starts");
        Self { jobs }
    }

    /// Appends a record and waits until it is committed.
    pub async fn append(&self, record: &DecisionRecord) -> Result<Committed, LogError> {
        self.append_row(record.to_row()).await
    }

    /// Appends a prepared row (a record with a tier to keep) and waits.
    pub async fn append_row(&self, row: NewDecision) -> Result<Committed, LogError> {
        let (reply, answer) = oneshot::channel();
        match self.jobs.try_send(Job { row, reply }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(LogError::Overloaded),
            Err(TrySendError::Disconnected(_)) => {
                return Err(LogError::Failed("the writer has stopped".into()))
            }
        }
        answer.await.unwrap_or_else(|_| Err(LogError::Failed("the writer has stopped".into())))
    }

    /// Queues a row from blocking code (the `classify` command), waiting
    /// while the queue is full; the receiver answers once it is committed.
    pub fn submit_blocking(&self, row: NewDecision) -> Result<Pending, LogError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { row, reply })
            .map_err(|_| LogError::Failed("the writer has stopped".into()))?;
        Ok(Pending(answer))
    }
}

/// A queued record; `wait` blocks until it is committed.
pub struct Pending(oneshot::Receiver<Result<Committed, LogError>>);

impl Pending {
    /// Blocks until the record is committed (or failed).
    pub fn wait(self) -> Result<Committed, LogError> {
        self.0
            .blocking_recv()
            .unwrap_or_else(|_| Err(LogError::Failed("the writer has stopped".into())))
    }
}

fn run(store: Store, queue: Receiver<Job>, config: WriterConfig) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        let closes = Instant::now() + config.linger;
        while batch.len() < config.max_batch {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => {
                    let left = closes.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    match queue.recv_timeout(left) {
                        Ok(job) => batch.push(job),
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            }
        }
        commit(&store, batch);
    }
}

fn commit(store: &Store, batch: Vec<Job>) {
    let started = Instant::now();
    let rows: Vec<NewDecision> = batch.iter().map(|j| j.row.clone()).collect();
    let mut attempt = 0;
    let result = loop {
        attempt += 1;
        let result =
            store.conn().and_then(|mut conn| decisions::append(&mut conn, &rows, chain_hash));
        match result {
            Err(StoreError::Query(e)) if attempt < 5 && is_contention(&e) => {
                std::thread::sleep(Duration::from_millis(5 * attempt));
            }
            other => break other,
        }
    };
    match result {
        Ok(placed) => {
            tracing::debug!(
                decision.batch = rows.len(),
                duration_us = started.elapsed().as_micros() as u64,
                "decisions committed"
            );
            for (job, (seq, hash)) in batch.into_iter().zip(placed) {
                let _ = job.reply.send(Ok(Committed { seq, hash }));
            }
        }
        Err(e) => {
            crate::store::note_error(&e);
            tracing::error!(error.cause = %e, decision.batch = rows.len(), "decision batch failed");
            for job in batch {
                let _ = job.reply.send(Err(LogError::Failed(e.to_string())));
            }
        }
    }
}

/// Lock contention between processes (SQLite busy) is worth a retry.
fn is_contention(e: &diesel::result::Error) -> bool {
    let text = e.to_string();
    text.contains("database is locked")
        || text.contains("busy")
        || text.contains("could not serialize")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::Connection;

    use super::*;
    use crate::audit::{DecisionRecord, Requester};

    fn record(n: usize) -> DecisionRecord {
        DecisionRecord {
            id: format!("test-{n}"),
            kind: "test".into(),
            subject: None,
            requester: Requester {
                key_id: "k".into(),
                role: "auditor".into(),
                department: "d".into(),
            },
            matter: None,
            purpose: None,
            as_of: None,
            ruleset: None,
            input: serde_json::Value::Null,
            output: serde_json::Value::Null,
            explanation: serde_json::Value::Null,
            recorded_at: crate::store::now_text(),
        }
    }

    #[test]
    fn a_full_queue_is_refused_at_once_and_nothing_queued_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let store = Store::open(&format!("sqlite://{}", path.display()), 2).unwrap();
        store.migrate().unwrap();
        // Another connection holds the write lock, so the writer waits on its first batch.
        let mut blocker = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        blocker.batch_execute("BEGIN IMMEDIATE").unwrap();

        let config = WriterConfig { queue: 1, max_batch: 1, linger: Duration::ZERO };
        let log = DecisionLog::start(store.clone(), config);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let first = tokio::spawn({
                let log = log.clone();
                async move { log.append(&record(1)).await }
            });
            tokio::time::sleep(Duration::from_millis(200)).await;
            let second = tokio::spawn({
                let log = log.clone();
                async move { log.append(&record(2)).await }
            });
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(log.append(&record(3)).await, Err(LogError::Overloaded));

            blocker.batch_execute("COMMIT").unwrap();
            assert_eq!(first.await.unwrap().unwrap().seq, 1);
            assert_eq!(second.await.unwrap().unwrap().seq, 2);
        });
        let verdict = crate::audit::verify::verify(&mut store.conn().unwrap()).unwrap();
        assert_eq!((verdict.ok, verdict.records), (true, 2));
    }
}
