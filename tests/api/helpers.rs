//! `TestApp`: a server in a thread of its own, a fresh database, and keys.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

use credence::config::Settings;
use credence::domain::Role;
use credence::http::server::Application;
use credence::store::Store;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::Value;

/// The variable that names a PostgreSQL server for the tests.
pub const POSTGRES_ENV: &str = "CREDENCE_TEST_POSTGRES_URL";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create() -> Option<Self> {
        let admin_url = std::env::var(POSTGRES_ENV).ok()?;
        let name = format!("credence_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).unwrap();
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Some(Self { admin_url, name, url })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                    .execute(&mut conn);
        }
    }
}

/// A fresh database of either backend.
pub struct TestDatabase {
    pub url: String,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl TestDatabase {
    /// `None` for PostgreSQL when no server is configured.
    pub fn new(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match backend {
            Backend::Sqlite => {
                (format!("sqlite://{}", dir.path().join("credence.db").display()), None)
            }
            Backend::Postgres => {
                let pg = PgDatabase::create()?;
                (pg.url.clone(), Some(pg))
            }
        };
        Some(Self { url, _dir: dir, _pg: pg })
    }
}

/// The shipped rules folder.
pub fn shipped_rules() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
}

/// A running server.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub client: reqwest::blocking::Client,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<std::io::Result<()>>>,
    _db: TestDatabase,
}

/// An answer: status, headers and the body parsed as JSON (Null when not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestApp {
    /// Starts a server with default settings, or `None` when the backend is not configured.
    pub fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {})
    }

    /// Starts a server after `adjust` has changed the settings.
    pub fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let db = TestDatabase::new(backend)?;
        let mut settings = Settings {
            listen: "127.0.0.1:0".into(),
            database_url: db.url.clone(),
            rules_dir: shipped_rules(),
            pool_size: 4,
            workers: 2,
            shutdown_timeout_secs: 1,
            ..Settings::default()
        };
        adjust(&mut settings);

        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                match Application::build(&settings) {
                    Ok(app) => {
                        tx.send(Ok((app.port(), app.handle()))).unwrap();
                        app.run().await
                    }
                    Err(e) => {
                        tx.send(Err(e.to_string())).unwrap();
                        Ok(())
                    }
                }
            })
        });
        let (port, handle) = rx.recv().unwrap().unwrap_or_else(|e| panic!("start failed: {e}"));
        let store = Store::open(&db.url, 2).unwrap();
        Some(Self {
            base: format!("http://127.0.0.1:{port}"),
            store,
            client: reqwest::blocking::Client::new(),
            handle,
            thread: Some(thread),
            _db: db,
        })
    }

    /// The database URL.
    pub fn db_url(&self) -> &str {
        &self._db.url
    }

    /// A new key of this role, for department 130400-test.
    pub fn key(&self, role: Role) -> String {
        self.key_for(role, "130400-test")
    }

    /// A new key of this role and department.
    pub fn key_for(&self, role: Role, department: &str) -> String {
        let mut conn = self.store.conn().unwrap();
        credence::store::keys::create(&mut conn, role, department).unwrap().1
    }

    /// Sends a request; `key` None sends no Authorization header.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Self::answer(request.send().unwrap())
    }

    /// Sends raw bytes with a content type.
    pub fn call_raw(
        &self,
        method: &str,
        path: &str,
        key: &str,
        ctype: &str,
        body: Vec<u8>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(key)
            .header("content-type", ctype)
            .body(body);
        Self::answer(request.send().unwrap())
    }

    fn answer(response: reqwest::blocking::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, headers, body, text }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Defines `NAME::sqlite` and `NAME::postgres` tests running the same body.
/// The PostgreSQL one returns at once when `CREDENCE_TEST_POSTGRES_URL` is unset.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports, reason = "not every body uses the parent's imports")]
            use super::*;

            #[test]
            fn sqlite() {
                let app =
                    $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).unwrap();
                ($body)(app);
            }

            #[test]
            fn postgres() {
                match $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres) {
                    Some(app) => ($body)(app),
                    None => eprintln!(
                        "{} is unset: PostgreSQL run skipped",
                        $crate::helpers::POSTGRES_ENV
                    ),
                }
            }
        }
    };
}

/// A `credence serve` process of the built binary, for crash and replica tests.
pub struct Process {
    pub child: std::process::Child,
    pub base: String,
}

impl Process {
    /// Starts the binary on `database` and waits until it is ready.
    pub fn start(database: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_credence"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--database", database])
            .arg("--rules")
            .arg(shipped_rules())
            .env("CREDENCE_SHUTDOWN_TIMEOUT_SECS", "1")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::blocking::Client::new();
        let started = std::time::Instant::now();
        loop {
            if client.get(format!("{base}/readyz")).send().is_ok_and(|r| r.status() == 200) {
                break;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(60), "not ready in 60 s");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self { child, base }
    }

    /// Kills the process at once (SIGKILL) and waits for it.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
