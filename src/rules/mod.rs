//! Rule sets: the registry of loaded versions and the one in force.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::store::Store;

/// A loaded, content-addressed rule set.
#[derive(Debug)]
pub struct RuleSet {
    /// SHA-256 of the canonical content.
    pub hash: String,
    /// The version named in `ruleset.toml`.
    pub version: String,
}

/// The rule sets known to this process and the one active now.
pub struct Registry {
    dir: PathBuf,
    active: RwLock<Option<Arc<RuleSet>>>,
}

impl Registry {
    /// A registry over a rules folder, with nothing active yet.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            active: RwLock::new(None),
        }
    }

    /// Loads the folder at start. The loader, linter and Rhai engine come with
    /// the rule-set work (issue 5); until then no set is active and `/readyz`
    /// answers 503.
    pub fn load_at_start(&self, _store: &Store) {
        tracing::warn!(rules.dir = %self.dir.display(), "rule-set loading is not built yet; no rule set is active");
    }

    /// The rule set in force now, if any.
    pub fn active(&self) -> Option<Arc<RuleSet>> {
        self.active.read().expect("rules lock").clone()
    }
}
