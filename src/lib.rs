//! Credence: a city social credit office service. Public credit records,
//! credit-risk tiers, joint sanction and incentive checks on a legal basis,
//! and a replayable decision log.

pub mod audit;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
pub mod http;
pub mod planning;
pub mod records;
pub mod rules;
pub mod store;
pub mod telemetry;
