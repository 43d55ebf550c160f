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
        (name = "engagements", description = "Engagements after a contract: monthly check-ins (順調 / 相談したい / 終了したい), at risk, and the state machine active ──complete──► completed, active ──extend──► extended ──► active (a new end date); any other step is 409 illegal_transition naming the state"),
        (name = "email", description = "The outbox: emails and their delivery"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    ),
    // Enums used only as query parameters are referenced by name and must be listed here.
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::routes::candidates::Scope,
        crate::routes::candidates::RankMode,
        crate::routes::assignment::AssignmentMode,
        crate::domain::matching::MatchStatus,
        crate::domain::engagement::EngagementStatus,
        crate::domain::enums::Role,
        crate::domain::enums::WorkStyle,
        crate::email::outbox::OutboxStatus,
        crate::services::exports::ExportKind,
        crate::routes::exports::CsvEncoding,
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

/// Makes the generated document describe what the server really does: view schemas
/// that flatten an input are merged into one object (the input's `additionalProperties:
/// false` would forbid the view's own fields), and every operation lists the errors its
/// kind can answer; then every response gets a description.
pub fn make_truthful(document: &mut serde_json::Value) {
    merge_flattened_schemas(document);
    add_common_responses(document);
    complete_responses(document);
}

/// `#[serde(flatten)]` becomes `allOf: [input, {view's own fields}]`; when the input
/// denies unknown fields (as every request body does), no real response satisfies that.
/// Replace each such `allOf` of plain objects, wherever it appears (generic pages inline
/// their items), by one object with every property.
fn merge_flattened_schemas(document: &mut serde_json::Value) {
    use serde_json::{Map, Value};
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let resolve = |member: &Value| -> Option<Map<String, Value>> {
        let member = match member.get("$ref").and_then(Value::as_str) {
            Some(reference) => schemas.get(reference.strip_prefix("#/components/schemas/")?)?,
            None => member,
        };
        let object = member.as_object()?;
        let plain = object.get("type").and_then(Value::as_str) == Some("object")
            && !["allOf", "oneOf", "anyOf"]
                .iter()
                .any(|key| object.contains_key(*key));
        plain.then(|| object.clone())
    };
    fn visit(value: &mut Value, merge: &dyn Fn(&mut Map<String, Value>)) {
        match value {
            Value::Object(object) => {
                for child in object.values_mut() {
                    visit(child, merge);
                }
                merge(object);
            }
            Value::Array(items) => {
                for item in items {
                    visit(item, merge);
                }
            }
            _ => {}
        }
    }
    let merge = |schema: &mut Map<String, Value>| {
        let Some(members) = schema.get("allOf").and_then(Value::as_array) else {
            return;
        };
        let Some(resolved) = members.iter().map(resolve).collect::<Option<Vec<_>>>() else {
            return;
        };
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        for member in resolved {
            if let Some(Value::Object(more)) = member.get("properties") {
                properties.extend(more.clone());
            }
            for name in member
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
        }
        schema.remove("allOf");
        schema.insert("type".to_owned(), Value::from("object"));
        schema.insert("properties".to_owned(), Value::Object(properties));
        schema.insert("required".to_owned(), Value::Array(required));
    };
    visit(document, &merge);
}

/// Paths whose handlers never touch the database (everything else can answer 503).
const WITHOUT_DATABASE: &[&str] = &[
    "/health",
    "/metrics",
    "/api/v1/openapi.json",
    "/api/v1/taxonomy",
];

/// Adds to each operation the error responses its kind can answer, where the handler's
/// annotation does not already list them, so routes added later get them too:
/// a bearer token → 401; a JSON body → 400, 413, 415, 422; query parameters → 422;
/// a header parameter → 400; an `{id}` → 404 (a malformed id names nothing);
/// `/auth/…` → 429; the database → 503.
fn add_common_responses(document: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let retry_after = json!({"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}}});
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let has = |location: &str| {
                operation["parameters"]
                    .as_array()
                    .is_some_and(|parameters| parameters.iter().any(|p| p["in"] == location))
            };
            let (query, header, path_id) = (has("query"), has("header"), has("path"));
            let body = operation.get("requestBody").is_some();
            let security = operation["security"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let bearer = security
                .iter()
                .any(|requirement| requirement.as_object().is_some_and(|r| !r.is_empty()));
            let optional_auth = security
                .iter()
                .any(|requirement| requirement.as_object().is_some_and(|r| r.is_empty()));
            let mut common: Vec<(&str, String, Option<Value>)> = Vec::new();
            if body || header {
                let what = match (body, header) {
                    (true, true) => {
                        "the body is not valid JSON, or a header (e.g. `Idempotency-Key`) is malformed"
                    }
                    (true, false) => "the body is not valid JSON",
                    _ => "a header (e.g. `Idempotency-Key`) is malformed",
                };
                common.push(("400", what.to_owned(), None));
            }
            if bearer {
                let what = if optional_auth {
                    "a bearer token was sent but is not valid (omit it to call anonymously)"
                } else {
                    "no valid bearer token"
                };
                common.push((
                    "401",
                    what.to_owned(),
                    Some(json!({"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}})),
                ));
            }
            if path_id {
                common.push((
                    "404",
                    "no such resource, or not one the caller may see".to_owned(),
                    None,
                ));
            }
            if body {
                common.push((
                    "413",
                    format!("the body is over {} bytes", crate::extract::BODY_LIMIT),
                    None,
                ));
                common.push(("415", "the body is not `application/json`".to_owned(), None));
            }
            if body || query {
                common.push((
                    "422",
                    "a field or query parameter is invalid; `errors` names each".to_owned(),
                    None,
                ));
            }
            if path.starts_with("/api/v1/auth/") {
                common.push((
                    "429",
                    "too many attempts; retry after `Retry-After` seconds".to_owned(),
                    Some(retry_after.clone()),
                ));
            }
            if !WITHOUT_DATABASE.contains(&path.as_str()) {
                common.push((
                    "503",
                    "the database is unavailable; retry after `Retry-After` seconds".to_owned(),
                    Some(retry_after.clone()),
                ));
            }
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (status, description, headers) in common {
                if let Some(existing) = responses.get_mut(status) {
                    // Say what the server sends with it even where the handler lists it.
                    if let (Some(headers), Some(existing)) = (headers, existing.as_object_mut()) {
                        existing.entry("headers").or_insert(headers);
                    }
                    continue;
                }
                let mut response = json!({
                    "description": description,
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                });
                if let Some(headers) = headers {
                    response["headers"] = headers;
                }
                responses.insert(status.to_owned(), response);
            }
            // Keep the responses in status order, as a reader expects.
            let mut sorted: Vec<(String, Value)> = std::mem::take(responses).into_iter().collect();
            sorted.sort_by(|(a, _), (b, _)| a.cmp(b));
            responses.extend(sorted);
        }
    }
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
    fn a_view_flattening_a_closed_input_becomes_one_open_object() {
        let view = serde_json::json!({"allOf": [
            {"$ref": "#/components/schemas/Input"},
            {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        ]});
        let mut document = serde_json::json!({
            "components": {"schemas": {
                "Input": {"type": "object", "additionalProperties": false, "properties": {"title": {"type": "string"}}, "required": ["title"]},
                "View": view.clone(),
                "Page_View": {"type": "object", "properties": {"items": {"type": "array", "items": view}}},
            }},
        });
        super::merge_flattened_schemas(&mut document);
        let schemas = &document["components"]["schemas"];
        for merged in [
            &schemas["View"],
            &schemas["Page_View"]["properties"]["items"]["items"],
        ] {
            assert!(merged["allOf"].is_null(), "{merged}");
            assert!(merged["additionalProperties"].is_null(), "{merged}");
            assert_eq!(merged["required"], serde_json::json!(["title", "id"]));
            assert!(
                merged["properties"]["title"].is_object() && merged["properties"]["id"].is_object()
            );
        }
        assert_eq!(schemas["Input"]["additionalProperties"], false);
    }

    #[test]
    fn each_operation_gets_the_errors_of_its_kind() {
        let mut document = serde_json::json!({"paths": {
            "/api/v1/things/{id}": {"post": {
                "security": [{"bearer": []}],
                "parameters": [{"name": "id", "in": "path"}],
                "requestBody": {"content": {}},
                "responses": {"200": {"description": "ok"}, "404": {"description": "no such thing"}},
            }},
            "/api/v1/auth/login": {"post": {"requestBody": {"content": {}}, "responses": {"200": {"description": "ok"}}}},
            "/health": {"get": {"responses": {"200": {"description": "ok"}}}},
        }});
        super::add_common_responses(&mut document);
        let statuses = |path: &str, method: &str| -> Vec<String> {
            document["paths"][path][method]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(
            statuses("/api/v1/things/{id}", "post"),
            ["200", "400", "401", "404", "413", "415", "422", "503"]
        );
        // What the handler said is kept.
        assert_eq!(
            document["paths"]["/api/v1/things/{id}"]["post"]["responses"]["404"]["description"],
            "no such thing"
        );
        assert_eq!(
            statuses("/api/v1/auth/login", "post"),
            ["200", "400", "413", "415", "422", "429", "503"]
        );
        assert_eq!(statuses("/health", "get"), ["200"]);
    }

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
