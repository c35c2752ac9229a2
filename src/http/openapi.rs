//! The OpenAPI document, generated from the handlers and their doc comments,
//! and Swagger UI with vendored assets.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use super::{decisions, error, records, rulesets, service, subjects, tiers, uscc};

/// The API v1 document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Credence",
        description = "Public credit records, credit-risk tiers, joint sanction and incentive \
                       checks, and a replayable decision log for a city's social credit office."
    ),
    paths(
        service::healthz,
        service::readyz,
        service::metrics,
        uscc::validate,
        subjects::put_subject,
        subjects::get_subject,
        records::ingest,
        records::record,
        records::revoke,
        records::subject_records,
        records::conflicts,
        decisions::risk_assessment,
        decisions::sanction_check,
        decisions::list_decisions,
        decisions::get_decision,
        decisions::replay,
        decisions::execution,
        decisions::verify,
        tiers::risk_tiers,
        rulesets::list,
        rulesets::detail,
        rulesets::reload,
        rulesets::measures,
        rulesets::catalog,
    ),
    components(schemas(error::Problem, error::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "service", description = "Liveness, readiness, metrics"),
        (name = "subjects", description = "Credit subjects and their codes"),
        (name = "records", description = "Public credit records"),
        (name = "decisions", description = "Risk tiers, sanction checks and the decision log"),
        (name = "rules", description = "Rule sets, measures and the catalog"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as pretty JSON, as committed under `openapi/openapi.json`.
pub fn document_json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the document serialises") + "\n"
}

/// Swagger UI at `/docs`, serving the document at `/openapi.json`.
pub fn swagger_ui() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", ApiDoc::openapi())
}
