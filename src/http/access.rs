//! Which roles each `/v1` route admits. The table is the single source: the
//! auth middleware enforces it and the role-matrix test walks it. A route
//! that is registered but missing here is refused to everyone.

use crate::domain::Role::{self, *};

/// One route and the roles it admits (admin is admitted everywhere).
#[derive(Debug, Clone, Copy)]
pub struct RouteAccess {
    /// HTTP method.
    pub method: &'static str,
    /// The path pattern as registered.
    pub path: &'static str,
    /// Roles admitted beside admin.
    pub roles: &'static [Role],
}

const EVERYONE: &[Role] = &[Regulator, Provider, Policy, Planner, Caseworker, Auditor];
const RULE_READERS: &[Role] = &[Regulator, Policy, Auditor];
const SUBJECT_READERS: &[Role] = &[Regulator, Provider, Caseworker, Auditor];

const fn route(method: &'static str, path: &'static str, roles: &'static [Role]) -> RouteAccess {
    RouteAccess { method, path, roles }
}

/// Every `/v1` route.
pub const ROUTES: &[RouteAccess] = &[
    route("POST", "/v1/uscc/validate", EVERYONE),
    route("PUT", "/v1/subjects/{uscc}", &[]),
    route("GET", "/v1/subjects/{uscc}", SUBJECT_READERS),
    route("POST", "/v1/records", &[Provider]),
    route("GET", "/v1/records/{id}", &[Regulator, Provider, Caseworker, Auditor]),
    route("POST", "/v1/records/{id}/revoke", &[Provider]),
    route("GET", "/v1/subjects/{uscc}/records", SUBJECT_READERS),
    route("GET", "/v1/uscc/conflicts", SUBJECT_READERS),
    route("POST", "/v1/risk-assessments", &[Regulator, Planner]),
    route("POST", "/v1/sanction-checks", &[Regulator]),
    route("GET", "/v1/decisions", &[Auditor]),
    route("GET", "/v1/decisions/{id}", &[Regulator, Auditor]),
    route("POST", "/v1/decisions/{id}/replay", &[Auditor]),
    route("POST", "/v1/decisions/{id}/execution", &[Regulator]),
    route("GET", "/v1/audit/verify", &[Auditor]),
    route("GET", "/v1/risk-tiers", &[Planner, Regulator, Auditor]),
    route("GET", "/v1/rulesets", RULE_READERS),
    route("GET", "/v1/rulesets/{hash}", RULE_READERS),
    route("POST", "/v1/rulesets/reload", &[Policy]),
    route("GET", "/v1/measures", &[Regulator, Policy, Planner, Caseworker, Auditor]),
    route("GET", "/v1/catalog", EVERYONE),
];

/// The roles admitted to a route, or `None` for a route not in the table.
pub fn admitted(method: &str, path: &str) -> Option<&'static RouteAccess> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

impl RouteAccess {
    /// Whether this role may call the route.
    pub fn admits(&self, role: Role) -> bool {
        role == Admin || self.roles.contains(&role)
    }
}
