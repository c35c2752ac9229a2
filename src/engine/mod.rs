//! Evaluation: the facts known on a date, then the risk tier and the
//! sanction and incentive measures that the rules in force give for them.

pub mod decide;
pub mod facts;
pub mod fixtures;
pub mod publicity;
pub mod risk;
pub mod sanctions;

pub use facts::{Facts, RecordInput, SubjectFacts};

/// A rule failed while it ran (a runaway script, a wrong return type).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);
