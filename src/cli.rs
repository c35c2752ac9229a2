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
    #[arg(long, global = true, env = "CREDENCE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Json)]
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
    /// Print the OpenAPI document (as committed in openapi/openapi.json).
    Openapi,
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
        Command::Serve {
            listen,
            database,
            rules,
        } => {
            let overrides = Overrides {
                listen,
                database_url: database.url,
                rules_dir: rules,
            };
            let settings = settings(config, overrides)?;
            serve(&settings)?;
        }
        Command::Migrate { database } => {
            let settings = settings(
                config,
                Overrides {
                    database_url: database.url,
                    ..Default::default()
                },
            )?;
            let store = Store::open(&settings.database_url, 1)?;
            let applied = store.migrate()?;
            eprintln!("applied {applied} migration(s)");
        }
        Command::Keys {
            command:
                KeysCommand::Create {
                    role,
                    department,
                    database,
                },
        } => {
            let department = department.trim().to_owned();
            anyhow::ensure!(!department.is_empty(), "--department may not be empty");
            let settings = settings(
                config,
                Overrides {
                    database_url: database.url,
                    ..Default::default()
                },
            )?;
            let store = open_migrated(&settings)?;
            let mut conn = store.conn()?;
            let (principal, secret) = crate::store::keys::create(&mut conn, role, &department)?;
            eprintln!(
                "created key {} for role {role}, department {department}",
                principal.key_id
            );
            println!("{secret}");
        }
        Command::Keys {
            command: KeysCommand::Revoke { id, database },
        } => {
            let settings = settings(
                config,
                Overrides {
                    database_url: database.url,
                    ..Default::default()
                },
            )?;
            let store = open_migrated(&settings)?;
            let revoked = crate::store::keys::revoke(&mut *store.conn()?, &id)?;
            anyhow::ensure!(revoked, "no live key with id {id}");
            eprintln!("revoked key {id}");
        }
        Command::Openapi => print!("{}", crate::http::openapi::document_json()),
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
