//! The registry of rule-set versions: every version stored in the database
//! is compiled and kept; the one in force on a date is the latest whose
//! effective date is not after it. A reload compiles, lints and tests the
//! folder, stores the new version and swaps it in atomically: requests in
//! flight keep the `Arc` of the version they started with.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{FixedOffset, NaiveDate, Utc};

use super::diagnostic::Diagnostic;
use super::{compile, RuleSet, Sources};
use crate::store::rulesets::{self, Stored};
use crate::store::{Store, StoreError};

/// Today in China Standard Time, the calendar of every date in the API.
pub fn today() -> NaiveDate {
    let cst = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    Utc::now().with_timezone(&cst).date_naive()
}

/// A version as listed by the API.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct VersionInfo {
    /// Content hash.
    pub hash: String,
    /// Version label.
    pub version: String,
    /// First day it governs.
    pub effective_from: NaiveDate,
    /// Last day it governs; null while no later version exists.
    pub effective_to: Option<NaiveDate>,
    /// Whether it is in force today.
    pub active: bool,
    /// When it was first loaded.
    pub loaded_at: String,
}

#[derive(Default)]
struct Versions {
    /// By effective date, oldest first.
    sets: Vec<Arc<RuleSet>>,
    loaded_at: HashMap<String, String>,
}

/// Why a reload failed.
#[derive(Debug)]
pub enum ReloadError {
    /// The folder does not lint, compile or pass its fixtures.
    Invalid(Vec<Diagnostic>),
    /// The database failed.
    Store(StoreError),
}

/// The versions known to this process.
pub struct Registry {
    dir: PathBuf,
    versions: RwLock<Versions>,
    reloading: Mutex<()>,
}

impl Registry {
    /// A registry over a rules folder, with nothing loaded yet.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, versions: RwLock::new(Versions::default()), reloading: Mutex::new(()) }
    }

    /// Loads every stored version, then the folder. A folder that fails is
    /// logged and the stored versions stay in force.
    pub fn load_at_start(&self, store: &Store) {
        if let Err(e) = self.load_stored(store) {
            tracing::error!(error.cause = %e, "stored rule sets could not be read");
        }
        match self.reload(store) {
            Ok(set) => {
                tracing::info!(
                    ruleset.hash = %set.hash,
                    ruleset.version = %set.version,
                    "rule set loaded"
                )
            }
            Err(ReloadError::Invalid(diagnostics)) => {
                for d in &diagnostics {
                    tracing::error!(rules.finding = %d.headline(), "rule set refused");
                }
            }
            Err(ReloadError::Store(e)) => tracing::error!(error.cause = %e, "rule set not stored"),
        }
    }

    fn load_stored(&self, store: &Store) -> Result<(), StoreError> {
        let stored = rulesets::all(&mut *store.conn()?)?;
        let mut versions = self.versions.write().expect("rules lock");
        for row in stored {
            if versions.sets.iter().any(|s| s.hash == row.hash) {
                continue;
            }
            let Ok(sources) = serde_json::from_str::<Sources>(&row.files) else {
                tracing::error!(ruleset.hash = %row.hash, "stored rule set files are unreadable");
                continue;
            };
            match compile::compile(sources) {
                Ok(set) => {
                    versions.loaded_at.insert(set.hash.clone(), row.loaded_at.clone());
                    versions.sets.push(Arc::new(set));
                }
                Err(findings) => tracing::error!(
                    ruleset.hash = %row.hash, rules.findings = findings.len(),
                    "a stored rule set no longer compiles; decisions made with it cannot be replayed"
                ),
            }
        }
        versions.sets.sort_by_key(|s| s.effective_from);
        Ok(())
    }

    /// Compiles, lints and tests the folder, stores the version and swaps it in.
    pub fn reload(&self, store: &Store) -> Result<Arc<RuleSet>, ReloadError> {
        let _one_at_a_time = self.reloading.lock().expect("reload lock");
        let set = super::load_dir(&self.dir).map_err(ReloadError::Invalid)?;
        let failures = crate::engine::fixtures::run_all(&set);
        let findings: Vec<Diagnostic> = failures
            .iter()
            .filter(|r| !r.passed())
            .map(|r| {
                let text = set.sources.get(&r.file).map_or("", |f| f.text.as_str());
                Diagnostic::at(
                    &r.file,
                    text,
                    0,
                    "fixture_failed",
                    format!("{}: {}", r.name, r.diffs.join("; ")),
                )
            })
            .collect();
        if !findings.is_empty() {
            return Err(ReloadError::Invalid(findings));
        }

        let files = serde_json::to_string(&*set.sources).expect("sources serialise");
        let (hash, name, version) = (set.hash.clone(), set.name.clone(), set.version.clone());
        let day = set.effective_from.to_string();
        let outcome = rulesets::insert(
            &mut *store.conn().map_err(ReloadError::Store)?,
            &hash,
            &name,
            &version,
            &day,
            &files,
        )
        .map_err(ReloadError::Store)?;
        if let Stored::SameDay(other) = outcome {
            let manifest = set.sources.get("ruleset.toml").map_or("", |f| f.text.as_str());
            let offset = manifest.find("effective_from").unwrap_or(0);
            return Err(ReloadError::Invalid(vec![Diagnostic::at(
                "ruleset.toml",
                manifest,
                offset,
                "same_effective_date",
                format!(
                    "version {other} already takes effect on {day}; give this version a later date"
                ),
            )]));
        }

        let set = Arc::new(set);
        let mut versions = self.versions.write().expect("rules lock");
        if let Some(known) = versions.sets.iter().find(|s| s.hash == set.hash) {
            return Ok(known.clone());
        }
        versions.loaded_at.insert(set.hash.clone(), crate::store::now_text());
        versions.sets.push(set.clone());
        versions.sets.sort_by_key(|s| s.effective_from);
        Ok(set)
    }

    /// The version in force today.
    pub fn active(&self) -> Option<Arc<RuleSet>> {
        self.in_force(today())
    }

    /// The version in force on `day`.
    pub fn in_force(&self, day: NaiveDate) -> Option<Arc<RuleSet>> {
        let versions = self.versions.read().expect("rules lock");
        versions.sets.iter().rev().find(|s| s.effective_from <= day).cloned()
    }

    /// The version with this hash.
    pub fn by_hash(&self, hash: &str) -> Option<Arc<RuleSet>> {
        let versions = self.versions.read().expect("rules lock");
        versions.sets.iter().find(|s| s.hash == hash).cloned()
    }

    /// Whether no version is loaded at all.
    pub fn is_empty(&self) -> bool {
        self.versions.read().expect("rules lock").sets.is_empty()
    }

    /// The listing of one version.
    pub fn info(&self, hash: &str) -> Option<VersionInfo> {
        self.list().into_iter().find(|v| v.hash == hash)
    }

    /// Every version, oldest first.
    pub fn list(&self) -> Vec<VersionInfo> {
        let active = self.active().map(|s| s.hash.clone());
        let versions = self.versions.read().expect("rules lock");
        let sets = &versions.sets;
        sets.iter()
            .enumerate()
            .map(|(i, s)| VersionInfo {
                hash: s.hash.clone(),
                version: s.version.clone(),
                effective_from: s.effective_from,
                effective_to: sets.get(i + 1).and_then(|n| n.effective_from.pred_opt()),
                active: active.as_deref() == Some(s.hash.as_str()),
                loaded_at: versions.loaded_at.get(&s.hash).cloned().unwrap_or_default(),
            })
            .collect()
    }
}
