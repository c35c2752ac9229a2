//! Prometheus metrics: requests by route and status, latency histograms, and
//! the database pool.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
};

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("credence_http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("credence_http_request_duration_seconds", "HTTP latency").buckets(
                vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5],
            ),
            &["method", "route"],
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new("credence_db_pool_connections", "database pool connections by state"),
            &["state"],
        )
        .expect("valid metric");
        for metric in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(pool.clone()),
        ] {
            registry.register(metric).expect("unique metric");
        }
        Self { registry, requests, latency, pool }
    }

    /// Counts one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.latency.with_label_values(&[method, route]).observe(seconds);
    }

    /// The text exposition, with the pool state read now.
    pub fn render(&self, pool: (u32, u32), pool_max: u32) -> String {
        let (open, idle) = pool;
        self.pool.with_label_values(&["open"]).set(open.into());
        self.pool.with_label_values(&["idle"]).set(idle.into());
        self.pool.with_label_values(&["in_use"]).set(open.saturating_sub(idle).into());
        self.pool.with_label_values(&["max"]).set(pool_max.into());
        let mut out = Vec::new();
        prometheus::TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
