//! Rule sets: files under `rules/` loaded, linted, compiled once and kept as
//! immutable, content-addressed versions; the registry knows which version is
//! in force on any date.

pub mod calendar;
pub mod compile;
pub mod diagnostic;
pub mod diff;
pub mod fixture;
mod lint;
pub mod model;
pub mod registry;
pub mod script;
pub mod set;
pub mod source;

pub use diagnostic::Diagnostic;
pub use registry::Registry;
pub use set::{shared_engine, RuleSet};
pub use source::Sources;

/// Reads and compiles a rules folder.
pub fn load_dir(dir: &std::path::Path) -> Result<RuleSet, Vec<Diagnostic>> {
    let sources = Sources::read_dir(dir).map_err(|e| {
        vec![Diagnostic::at_line(
            &dir.display().to_string(),
            "",
            1,
            1,
            "unreadable",
            format!("cannot read the rules folder: {e}"),
        )]
    })?;
    compile::compile(sources)
}
