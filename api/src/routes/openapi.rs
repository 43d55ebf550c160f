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
        (name = "matches", description = "Matches (紹介), meetings and outcomes"),
        (name = "email", description = "The outbox: emails and their delivery"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    ),
    // Enums used only as query parameters are referenced by name and must be listed here.
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::routes::candidates::Scope,
        crate::routes::candidates::RankMode,
        crate::domain::matching::MatchStatus,
        crate::domain::enums::Role,
        crate::domain::enums::WorkStyle,
        crate::email::outbox::OutboxStatus,
    )),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
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
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}

/// OpenAPI requires a `description` on every response; annotations that only name a
/// body leave it out, so give each the standard reason phrase of its status.
pub fn complete_responses(document: &mut serde_json::Value) {
    let Some(paths) = document
        .get_mut("paths")
        .and_then(|paths| paths.as_object_mut())
    else {
        return;
    };
    for item in paths.values_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(|r| r.as_object_mut())
            else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                let Some(response) = response.as_object_mut() else {
                    continue;
                };
                let missing = response
                    .get("description")
                    .and_then(|d| d.as_str())
                    .is_none_or(str::is_empty);
                if missing {
                    let reason = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|code| actix_web::http::StatusCode::from_u16(code).ok())
                        .and_then(|code| code.canonical_reason())
                        .unwrap_or("Response");
                    response.insert(
                        "description".to_owned(),
                        serde_json::Value::String(reason.to_owned()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_response_gets_a_description() {
        let mut document = serde_json::json!({"paths": {"/x": {"get": {"responses": {"404": {}, "200": {"description": "ok"}}}}}});
        super::complete_responses(&mut document);
        assert_eq!(
            document["paths"]["/x"]["get"]["responses"]["404"]["description"],
            "Not Found"
        );
        assert_eq!(
            document["paths"]["/x"]["get"]["responses"]["200"]["description"],
            "ok"
        );
    }
}
