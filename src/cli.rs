//! The command line: `serve`, `migrate`, `keys create|revoke`, `openapi`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{LogFormat, Overrides, Settings};
use crate::domain::Role;
use crate::store::Store;

/// Credence: public credit records, risk tiers and sanction checks for a city's credit office.
#[derive(Parser)]
#[command(name = "credence", version)]
pub struct Cli {
    /// Log format.
    #[arg(long, global = true, env = "CREDENCE_LOG_FORMAT", value_enum,
          default_value_t = LogFormat::Json)]
    log_format: LogFormat,
    /// A TOML settings file (keys as in docs/operations.md).
    #[arg(long, global = true, env = "CREDENCE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run migrations, load the rules and serve the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CREDENCE_LISTEN")]
        listen: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
        /// The rules folder.
        #[arg(long, env = "CREDENCE_RULES")]
        rules: Option<PathBuf>,
    },
    /// Run the database migrations and exit.
    Migrate {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Check, test and compare rule sets.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Re-tier every subject as of a date, logging each tier as a decision.
    Classify {
        #[command(flatten)]
        database: DatabaseArg,
        /// The rules folder.
        #[arg(long, env = "CREDENCE_RULES")]
        rules: Option<PathBuf>,
        /// The as-of date (default: today, China Standard Time).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Evaluation threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Start over instead of resuming an unfinished run.
        #[arg(long)]
        restart: bool,
        /// The department named as requester in the decisions.
        #[arg(long, default_value = "130400-credit-office")]
        department: String,
        /// Stop after about this many subjects; the next invocation resumes.
        #[arg(long)]
        limit: Option<i64>,
    },
    /// Load a synthetic population of enterprises and records.
    Demo {
        #[command(flatten)]
        database: DatabaseArg,
        /// The rules folder.
        #[arg(long, env = "CREDENCE_RULES")]
        rules: Option<PathBuf>,
        /// How many subjects.
        #[arg(long, default_value_t = 1000)]
        subjects: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 2025)]
        seed: u64,
    },
    /// Check the decision log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the OpenAPI document (as committed in openapi/openapi.json).
    Openapi,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the whole chain; print the verdict as JSON; exit 1 at the first bad record.
    Verify {
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Lint and compile a rules folder; print every finding as file:line:col.
    Check {
        /// The rules folder.
        #[arg(default_value = "rules")]
        dir: PathBuf,
    },
    /// Run the fixtures in DIR/tests; a diff for each failure.
    Test {
        /// The rules folder.
        #[arg(default_value = "rules")]
        dir: PathBuf,
    },
    /// Measures, catalog items and rules added, removed and changed.
    Diff {
        /// The older rules folder.
        old: PathBuf,
        /// The newer rules folder.
        new: PathBuf,
    },
}

#[derive(Args)]
struct DatabaseArg {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long = "database", env = "DATABASE_URL")]
    url: Option<String>,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a key and print it, alone on its line; it is shown only this once.
    Create {
        /// regulator, provider, policy, planner, caseworker, auditor or admin.
        #[arg(long)]
        role: Role,
        /// The department code the key acts for.
        #[arg(long)]
        department: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Revoke a key by its id (printed on stderr when it was created).
    Revoke {
        /// The key id.
        id: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

impl clap::builder::ValueParserFactory for Role {
    type Parser = clap::builder::ValueParser;
    fn value_parser() -> Self::Parser {
        clap::builder::ValueParser::new(|s: &str| s.parse::<Role>())
    }
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init(cli.log_format);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("credence: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn settings(cli_config: Option<&PathBuf>, overrides: Overrides) -> anyhow::Result<Settings> {
    Settings::load(cli_config.map(PathBuf::as_path), &overrides)
}

fn open_migrated(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::open(&settings.database_url, 2)?;
    store.migrate()?;
    Ok(store)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config.as_ref();
    match cli.command {
        Command::Serve { listen, database, rules } => {
            let overrides = Overrides { listen, database_url: database.url, rules_dir: rules };
            let settings = settings(config, overrides)?;
            serve(&settings)?;
        }
        Command::Migrate { database } => {
            let settings =
                settings(config, Overrides { database_url: database.url, ..Default::default() })?;
            let store = Store::open(&settings.database_url, 1)?;
            let applied = store.migrate()?;
            eprintln!("applied {applied} migration(s)");
        }
        Command::Keys { command: KeysCommand::Create { role, department, database } } => {
            let department = department.trim().to_owned();
            anyhow::ensure!(!department.is_empty(), "--department may not be empty");
            let settings =
                settings(config, Overrides { database_url: database.url, ..Default::default() })?;
            let store = open_migrated(&settings)?;
            let mut conn = store.conn()?;
            let (principal, secret) = crate::store::keys::create(&mut conn, role, &department)?;
            eprintln!("created key {} for role {role}, department {department}", principal.key_id);
            println!("{secret}");
        }
        Command::Keys { command: KeysCommand::Revoke { id, database } } => {
            let settings =
                settings(config, Overrides { database_url: database.url, ..Default::default() })?;
            let store = open_migrated(&settings)?;
            let revoked = crate::store::keys::revoke(&mut *store.conn()?, &id)?;
            anyhow::ensure!(revoked, "no live key with id {id}");
            eprintln!("revoked key {id}");
        }
        Command::Rules { command } => return rules_command(command),
        Command::Classify { database, rules, as_of, threads, restart, department, limit } => {
            let overrides =
                Overrides { database_url: database.url, rules_dir: rules, ..Default::default() };
            let settings = settings(config, overrides)?;
            let store = Store::open(&settings.database_url, 4)?;
            store.migrate()?;
            let registry = crate::rules::Registry::new(settings.rules_dir.clone());
            registry.load_at_start(&store);
            let log = crate::audit::DecisionLog::start(
                store.clone(),
                crate::audit::WriterConfig::default(),
            );
            let cores = std::thread::available_parallelism().map_or(2, usize::from);
            let options = crate::planning::classify::Options {
                as_of: as_of.unwrap_or_else(crate::rules::registry::today),
                threads: threads.unwrap_or(cores).max(1),
                restart,
                department,
                chunk: 2000,
                limit,
            };
            let summary = crate::planning::classify::run(&store, &registry, &log, &options)?;
            println!("{}", serde_json::to_string(&summary)?);
        }
        Command::Demo { database, rules, subjects, seed } => {
            let overrides =
                Overrides { database_url: database.url, rules_dir: rules, ..Default::default() };
            let settings = settings(config, overrides)?;
            let store = Store::open(&settings.database_url, 2)?;
            store.migrate()?;
            let registry = crate::rules::Registry::new(settings.rules_dir.clone());
            registry.load_at_start(&store);
            let loaded = crate::planning::synthetic::load(&store, &registry, subjects, seed)?;
            println!("{}", serde_json::to_string(&loaded)?);
        }
        Command::Audit { command: AuditCommand::Verify { database } } => {
            let settings =
                settings(config, Overrides { database_url: database.url, ..Default::default() })?;
            let store = open_migrated(&settings)?;
            let verdict = crate::audit::verify::verify(&mut *store.conn()?)?;
            println!("{}", serde_json::to_string(&verdict)?);
            if !verdict.ok {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Openapi => print!("{}", crate::http::openapi::document_json()),
    }
    Ok(ExitCode::SUCCESS)
}

/// Compiles a folder, printing its findings; `None` when it fails.
fn compiled(dir: &std::path::Path) -> Option<crate::rules::RuleSet> {
    match crate::rules::load_dir(dir) {
        Ok(set) => Some(set),
        Err(findings) => {
            for f in &findings {
                println!("{f}");
            }
            println!("{}: {} finding(s); the rule set is refused", dir.display(), findings.len());
            None
        }
    }
}

fn rules_command(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::Check { dir } => {
            let Some(set) = compiled(&dir) else {
                return Ok(ExitCode::FAILURE);
            };
            println!(
                "{}: ok: version {} from {}, hash {}; {} measures, {} catalog items, {} risk rules, {} fixtures",
                dir.display(), set.version, set.effective_from, set.hash, set.measures.len(),
                set.catalog.len(), set.risk.rules.len() + set.risk.overrides.len(), set.fixtures.len()
            );
        }
        RulesCommand::Test { dir } => {
            let Some(set) = compiled(&dir) else {
                return Ok(ExitCode::FAILURE);
            };
            let results = crate::engine::fixtures::run_all(&set);
            let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
            for r in &failed {
                println!("FAIL {}: {}", r.file, r.name);
                for d in &r.diffs {
                    println!("    {d}");
                }
            }
            println!("{} passed, {} failed", results.len() - failed.len(), failed.len());
            if !failed.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        RulesCommand::Diff { old, new } => {
            let (Some(old), Some(new)) = (compiled(&old), compiled(&new)) else {
                return Ok(ExitCode::FAILURE);
            };
            let lines = crate::rules::diff::diff(&old, &new);
            for line in &lines {
                println!("{line}");
            }
            println!("{} difference(s)", lines.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(settings: &Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let app = crate::http::server::Application::build(settings)?;
        app.run().await?;
        tracing::info!("stopped");
        Ok(())
    })
}
