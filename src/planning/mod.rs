//! The planners' tools: re-tiering every subject (`credence classify`) and
//! a synthetic population to try the service on (`credence demo`).

pub mod classify;
pub mod synthetic;
