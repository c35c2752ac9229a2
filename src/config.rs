//! Typed settings, layered: defaults < config file < `CREDENCE_*` environment
//! < command-line flags. Unknown keys in the file are refused.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One JSON object per line (the default; for log shippers).
    #[default]
    Json,
    /// Human-readable lines, for a terminal.
    Pretty,
}

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://PATH` or `postgres://...`.
    pub database_url: String,
    /// The rules folder.
    pub rules_dir: PathBuf,
    /// Largest accepted request body, in bytes.
    pub body_limit_bytes: usize,
    /// Largest accepted bulk body (record batches), in bytes.
    pub bulk_body_limit_bytes: usize,
    /// Seconds that in-flight requests get to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// Database connections in the pool.
    pub pool_size: u32,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://credence.db".into(),
            rules_dir: PathBuf::from("rules"),
            body_limit_bytes: 1024 * 1024,
            bulk_body_limit_bytes: 16 * 1024 * 1024,
            shutdown_timeout_secs: 10,
            pool_size: 16,
            workers: 0,
        }
    }
}

/// The optional TOML file (`--config` or `CREDENCE_CONFIG`): the same keys as [`Settings`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<String>,
    database_url: Option<String>,
    rules_dir: Option<PathBuf>,
    body_limit_bytes: Option<usize>,
    bulk_body_limit_bytes: Option<usize>,
    shutdown_timeout_secs: Option<u64>,
    pool_size: Option<u32>,
    workers: Option<usize>,
}

/// Values given on the command line or in the environment (clap merges the two).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--listen` / `CREDENCE_LISTEN`.
    pub listen: Option<String>,
    /// `--database` / `DATABASE_URL`.
    pub database_url: Option<String>,
    /// `--rules` / `CREDENCE_RULES`.
    pub rules_dir: Option<PathBuf>,
}

impl Settings {
    /// Builds the settings from the layers.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut settings = Settings::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
            let parsed: FileSettings = toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?;
            settings.apply_file(parsed);
        }
        settings.apply_env()?;
        if let Some(v) = &overrides.listen {
            settings.listen = v.clone();
        }
        if let Some(v) = &overrides.database_url {
            settings.database_url = v.clone();
        }
        if let Some(v) = &overrides.rules_dir {
            settings.rules_dir = v.clone();
        }
        Ok(settings)
    }

    fn apply_file(&mut self, f: FileSettings) {
        let d = self;
        d.listen = f.listen.unwrap_or(std::mem::take(&mut d.listen));
        d.database_url = f.database_url.unwrap_or(std::mem::take(&mut d.database_url));
        d.rules_dir = f.rules_dir.unwrap_or(std::mem::take(&mut d.rules_dir));
        d.body_limit_bytes = f.body_limit_bytes.unwrap_or(d.body_limit_bytes);
        d.bulk_body_limit_bytes = f.bulk_body_limit_bytes.unwrap_or(d.bulk_body_limit_bytes);
        d.shutdown_timeout_secs = f.shutdown_timeout_secs.unwrap_or(d.shutdown_timeout_secs);
        d.pool_size = f.pool_size.unwrap_or(d.pool_size);
        d.workers = f.workers.unwrap_or(d.workers);
    }

    /// Numeric settings from the environment; the string ones come through clap.
    fn apply_env(&mut self) -> anyhow::Result<()> {
        fn number<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
            match std::env::var(name) {
                Ok(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| anyhow::anyhow!("{name}={v} is not a number")),
                Err(_) => Ok(None),
            }
        }
        if let Some(v) = number("CREDENCE_BODY_LIMIT_BYTES")? {
            self.body_limit_bytes = v;
        }
        if let Some(v) = number("CREDENCE_BULK_BODY_LIMIT_BYTES")? {
            self.bulk_body_limit_bytes = v;
        }
        if let Some(v) = number("CREDENCE_SHUTDOWN_TIMEOUT_SECS")? {
            self.shutdown_timeout_secs = v;
        }
        if let Some(v) = number("CREDENCE_POOL_SIZE")? {
            self.pool_size = v;
        }
        if let Some(v) = number("CREDENCE_WORKERS")? {
            self.workers = v;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_is_overridden_by_flags_and_refuses_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credence.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\npool_size = 4\n").unwrap();
        let flags = Overrides { listen: Some("127.0.0.1:1".into()), ..Default::default() };
        let s = Settings::load(Some(&path), &flags).unwrap();
        assert_eq!(s.listen, "127.0.0.1:1");
        assert_eq!(s.pool_size, 4);
        assert_eq!(s.database_url, "sqlite://credence.db");

        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        let err = Settings::load(Some(&path), &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
    }
}
