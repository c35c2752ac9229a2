//! Builds and starts the HTTP server: opens the store, runs migrations, loads
//! the rules, binds the port (0 picks a free one, as the tests do).

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{middleware, web, App, HttpServer};

use super::json::BodyLimit;
use super::{auth, configure, metrics, request_log, AppState};
use crate::config::Settings;
use crate::rules::Registry;
use crate::store::Store;

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Opens the database, migrates it, loads the rules and binds the listener.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = Store::open(&settings.database_url, settings.pool_size)?;
        let applied = store.migrate()?;
        tracing::info!(
            db.migrations_applied = applied,
            db.backend = ?store.backend(),
            "database ready"
        );

        let rules = Registry::new(settings.rules_dir.clone());
        rules.load_at_start(&store);

        let log =
            crate::audit::DecisionLog::start(store.clone(), crate::audit::WriterConfig::default());
        let state = web::Data::new(AppState {
            log,
            store,
            rules,
            metrics: metrics::Metrics::new(),
            key_cache: auth::KeyCache::default(),
        });
        let limit = web::Data::new(BodyLimit {
            default: settings.body_limit_bytes,
            bulk: settings.bulk_body_limit_bytes,
        });

        let listener = TcpListener::bind(&settings.listen)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(limit.clone())
                .app_data(web::PathConfig::default().error_handler(|e, _| {
                    super::error::ApiError::bad_request("invalid_path", e.to_string()).into()
                }))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    super::error::ApiError::bad_request("invalid_query", e.to_string()).into()
                }))
                .wrap(middleware::from_fn(auth::require_key))
                .wrap(middleware::from_fn(request_log::log_request))
                .configure(configure)
        })
        .shutdown_timeout(settings.shutdown_timeout_secs)
        .client_request_timeout(Duration::from_secs(30));
        if settings.workers > 0 {
            server = server.workers(settings.workers);
        }
        let server = server.listen(listener)?.run();
        tracing::info!(http.port = port, "listening");
        Ok(Self { server, port })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGTERM or SIGINT stop it gracefully).
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}
