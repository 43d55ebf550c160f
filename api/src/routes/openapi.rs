//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use actix_web::{HttpResponse, get, web};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

/// The document's frame; paths and schemas are collected from the registered routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Musubi (結び) API",
        description = "Matches regional SMEs and municipalities with 複業 professionals on the Shiojiri model. Errors are application/problem+json (RFC 9457).",
        license(name = "Apache-2.0"),
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Register, log in, who am I"),
        (name = "regions", description = "Regions of the alliance"),
        (name = "taxonomy", description = "Skills, themes, roles, prefectures"),
        (name = "needs", description = "Needs (募集) posted by SMEs and municipalities"),
        (name = "profiles", description = "Profiles of professionals (複業人材)"),
        (name = "applications", description = "Applications (応募)"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The serialised document, built once at start-up.
#[derive(Debug, Clone)]
pub struct Document(pub String);

/// This OpenAPI 3.1 document.
#[utoipa::path(tag = "operations", responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn serve(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(document.0.clone())
}
