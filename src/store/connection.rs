//! One connection type over both backends, and the pool manager that opens
//! exactly the backend the URL's scheme names.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::r2d2::ManageConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use super::StoreError;

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL, for production and several replicas.
    Pg(PgConnection),
    /// Embedded SQLite, the default.
    Sqlite(SqliteConnection),
}

/// The database backend in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Opens connections of one backend; a `postgres://` URL never opens SQLite.
#[derive(Debug, Clone)]
pub struct DbManager {
    backend: Backend,
    target: String,
}

impl DbManager {
    /// Reads the backend from the URL scheme.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let (backend, target) = if let Some(path) = url.strip_prefix("sqlite://") {
            (Backend::Sqlite, path.to_owned())
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            (Backend::Sqlite, rest.to_owned())
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(StoreError::Url(format!(
                "database URL scheme '{scheme}' is not supported: use sqlite://PATH or postgres://..."
            )));
        };
        if target.is_empty() {
            return Err(StoreError::Url("database URL names no database".into()));
        }
        Ok(Self { backend, target })
    }

    /// The backend this manager opens.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl ManageConnection for DbManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(AnyConnection::Pg)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    /// A round trip per checkout would cost every request one more query, so
    /// connections are tested only for a while after a connection error was
    /// seen (a database restart, a dropped socket): then dead ones are
    /// replaced as they come out of the pool.
    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        if now_secs() > TROUBLE_UNTIL.load(Ordering::Relaxed) {
            return Ok(());
        }
        conn.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        use diesel::connection::{Connection, TransactionManager};
        <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// Until when (Unix seconds) checkouts are tested.
static TROUBLE_UNTIL: AtomicU64 = AtomicU64::new(0);

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Whether an error may mean the connection to the database is lost.
pub fn is_lost_connection(error: &StoreError) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        StoreError::Query(Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        )) => true,
        StoreError::Query(e) => {
            let text = e.to_string();
            text.contains("connection") || text.contains("server closed")
        }
        _ => false,
    }
}

/// Notes a failed query: after an error that may mean a lost connection,
/// checkouts are tested for 30 seconds.
pub fn note_error(error: &StoreError) {
    if is_lost_connection(error) {
        TROUBLE_UNTIL.store(now_secs() + 30, Ordering::Relaxed);
    }
}
