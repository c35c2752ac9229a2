//! Storage: diesel on SQLite or PostgreSQL, chosen by the URL scheme. This is
//! the only module that knows which backend is in use.

mod connection;
pub mod decisions;
pub mod keys;
pub mod records;
pub mod rulesets;
mod schema;
pub mod subjects;
pub mod tiers;

use std::time::Duration;

use diesel::r2d2::{Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use connection::{is_lost_connection, note_error, AnyConnection, Backend, DbManager};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no backend we know, or is malformed.
    #[error("{0}")]
    Url(String),
    /// No connection could be had from the pool in time.
    #[error("no database connection available: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The blocking task was cancelled or panicked.
    #[error("database task failed: {0}")]
    Task(String),
}

/// A pooled connection.
pub type Conn = PooledConnection<DbManager>;

/// The database: a pool of connections to one backend.
#[derive(Clone)]
pub struct Store {
    pool: Pool<DbManager>,
    backend: Backend,
}

impl Store {
    /// Opens a pool on `url` (`sqlite://PATH`, `sqlite::memory:` or `postgres://...`).
    pub fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let manager = DbManager::new(url)?;
        let backend = manager.backend();
        let pool = Pool::builder()
            .max_size(max_connections)
            .connection_timeout(Duration::from_secs(5))
            .build(manager)
            .map_err(StoreError::Pool)?;
        Ok(Self { pool, backend })
    }

    /// Which backend this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection from the pool, for blocking code.
    pub fn conn(&self) -> Result<Conn, StoreError> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking database work on the blocking thread pool, off the
    /// async workers.
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            let result = work(&mut conn);
            if let Err(e) = &result {
                connection::note_error(e);
            }
            result
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs every pending migration of this backend's tree.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            AnyConnection::Sqlite(c) => {
                c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len())
            }
            AnyConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        };
        applied.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Reverts every migration (used by the migration round-trip test).
    pub fn revert_all(&self) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        let reverted = match &mut *conn {
            AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            AnyConnection::Pg(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        };
        reverted.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> bool {
        self.run(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
        .await
        .is_ok()
    }

    /// Connections in the pool: (open, idle).
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// The configured maximum pool size.
    pub fn pool_max(&self) -> u32 {
        self.pool.max_size()
    }
}

/// The current instant as stored: RFC 3339, UTC, microseconds.
pub fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
