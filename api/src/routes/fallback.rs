//! The answer to a request no route took: 405 with `Allow` when the path is served with
//! other methods, 404 otherwise. The served paths and their methods come from the OpenAPI
//! document, which lists every registered route. Outside the JSON API and the
//! operational endpoints, the 404 is a page (see `web::errors`).

use actix_web::{HttpRequest, HttpResponse, ResponseError, dev::ResourceDef, http::header, web};

use crate::error::ApiError;

/// Every documented path with the methods it accepts.
#[derive(Debug, Default)]
pub struct KnownPaths(Vec<(ResourceDef, String)>);

impl KnownPaths {
    /// Reads the paths and their methods from the OpenAPI document.
    pub fn from_document(document: &serde_json::Value) -> Self {
        let Some(paths) = document["paths"].as_object() else {
            return Self::default();
        };
        let known = paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = item
                    .as_object()
                    .into_iter()
                    .flat_map(|item| item.keys())
                    .filter(|key| {
                        matches!(
                            key.as_str(),
                            "get" | "put" | "post" | "delete" | "patch" | "head" | "options"
                        )
                    })
                    .map(|method| method.to_ascii_uppercase())
                    .collect();
                methods.sort();
                (ResourceDef::new(path.as_str()), methods.join(", "))
            })
            .collect();
        Self(known)
    }

    /// The `Allow` value for a served path, if it is one.
    pub fn allowed(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(pattern, _)| pattern.is_match(path))
            .map(|(_, methods)| methods.as_str())
    }
}

/// The default service.
pub async fn no_route(request: HttpRequest, known: web::Data<KnownPaths>) -> HttpResponse {
    if crate::web::is_page_path(request.path()) {
        return crate::web::errors::PageError::NotFound.error_response();
    }
    match known.allowed(request.path()) {
        Some(methods) => {
            let mut response = ApiError::MethodNotAllowed.error_response();
            if let Ok(value) = header::HeaderValue::from_str(methods) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        None => ApiError::NoRoute.error_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_served_path_names_its_methods() {
        let document = serde_json::json!({"paths": {
            "/api/v1/needs/{id}": {"get": {}, "patch": {}, "parameters": []},
            "/api/v1/needs": {"post": {}, "get": {}},
        }});
        let known = KnownPaths::from_document(&document);
        assert_eq!(known.allowed("/api/v1/needs/abc"), Some("GET, PATCH"));
        assert_eq!(known.allowed("/api/v1/needs"), Some("GET, POST"));
        assert_eq!(known.allowed("/api/v1/needs/abc/nothing"), None);
        assert_eq!(known.allowed("/api/v1/nothing"), None);
    }
}
