//! The decision log: canonical records in one hash chain, written durably
//! before the answer by a group-committing writer, verified by walking the
//! chain, and replayed from the stored inputs and rule version.

pub mod canonical;
pub mod record;
pub mod verify;
pub mod writer;

pub use record::{DecisionRecord, Requester};
pub use writer::{Committed, DecisionLog, LogError, Pending, WriterConfig};
