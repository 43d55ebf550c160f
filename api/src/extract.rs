//! Request extractors that turn bad input into problem+json naming the field.
//!
//! actix's own `web::Json` reports a bad field as a string; this one reports the JSON path
//! (`hours_per_month.min`), tells malformed JSON (400) from a well-formed body with bad
//! fields (422), and enforces the body limit (413) before parsing anything.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON body, deserialised with the path of any field that fails.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                let essence = value
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            });
        let declared_length = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared_length.is_some_and(|length| length > BODY_LIMIT) {
                return Err(ApiError::PayloadTooLarge);
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|error| {
                    ApiError::BadRequest(format!("could not read the body: {error}"))
                })?;
                if body.len() + chunk.len() > BODY_LIMIT {
                    return Err(ApiError::PayloadTooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            if content_type_ok == Some(false) {
                return Err(ApiError::UnsupportedMediaType("application/json"));
            }
            parse_json(&body).map(Json)
        })
    }
}

/// Parses a JSON body: syntax errors are 400, type and field errors are 422 with the path.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = match parsed {
        Ok(value) => value,
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            return Err(match inner.classify() {
                serde_json::error::Category::Syntax
                | serde_json::error::Category::Eof
                | serde_json::error::Category::Io => {
                    ApiError::BadRequest(format!("the body is not valid JSON: {inner}"))
                }
                serde_json::error::Category::Data => data_error(&path, &inner.to_string()),
            });
        }
    };
    deserializer
        .end()
        .map_err(|error| ApiError::BadRequest(format!("the body is not valid JSON: {error}")))?;
    Ok(value)
}

fn data_error(path: &str, message: &str) -> ApiError {
    // serde's message for an unknown field names the field; the path is its parent.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned();
    // For an unknown field the path already ends with it; for a missing one it is the parent.
    let field = if message.starts_with("unknown field `") && path != "." && !path.is_empty() {
        path.to_owned()
    } else if let Some(name) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        name.to_owned()
    } else if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    } else if path == "." || path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    ApiError::Validation(vec![FieldError::new(field, message)])
}

/// A query string, deserialised with the name of any parameter that fails (422).
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(request.query_string()).map(Query))
    }
}

/// Parses a query string; a bad value names its parameter. No parameter may hold a
/// control character (a NUL would otherwise reach the database, which PostgreSQL refuses
/// with a 500): every value is one line of text under the one rule of
/// [`SingleLine`](crate::domain::text::SingleLine).
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let refused: Vec<FieldError> = url_pairs(query.as_bytes())
        .filter_map(|(name, value)| {
            let message = crate::domain::text::SingleLine::parse(&value, 0, usize::MAX).err()?;
            let name = crate::domain::text::SingleLine::neutralise(&name);
            Some(FieldError::new(name, message))
        })
        .collect();
    if !refused.is_empty() {
        return Err(ApiError::Validation(refused));
    }
    let deserializer = serde_urlencoded::Deserializer::new(url_pairs(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        data_error(&path, &error.into_inner().to_string())
    })
}

fn url_pairs(query: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query)
}

/// A path segment that is not a valid id can name nothing: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_error, _request| ApiError::NotFound.into())
}

/// An optional JSON body: no body at all, or `null`, is `None`; a body that is sent is
/// read and checked exactly as [`Json`] does (400, 413, 415, 422), never silently ignored.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = request.headers();
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<usize>().ok());
        let no_body = length == Some(0)
            || (length.is_none() && !headers.contains_key(header::TRANSFER_ENCODING));
        if no_body {
            return Box::pin(std::future::ready(Ok(Self(None))));
        }
        let body = Json::<Option<T>>::from_request(request, payload);
        Box::pin(async move { body.await.map(|Json(value)| Self(value)) })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(
        dead_code,
        reason = "the fields are only deserialised, to see which fail"
    )]
    struct Range {
        min: u16,
        max: u16,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(
        dead_code,
        reason = "the fields are only deserialised, to see which fail"
    )]
    struct Body {
        title: String,
        hours_per_month: Range,
    }

    #[derive(Debug, Deserialize)]
    struct Filter {
        role: Option<musubi_matcher::Role>,
        limit: Option<u64>,
    }

    #[test]
    fn a_bad_query_parameter_is_named() {
        assert_eq!(
            field_of(parse_query::<Filter>("role=wizard").unwrap_err()),
            "role"
        );
        assert_eq!(
            field_of(parse_query::<Filter>("limit=lots").unwrap_err()),
            "limit"
        );
        let ok: Filter = parse_query("role=cmo&limit=5").unwrap();
        assert_eq!(
            (ok.role, ok.limit),
            (Some(musubi_matcher::Role::Cmo), Some(5))
        );
    }

    #[test]
    fn a_control_character_in_a_query_value_names_its_parameter() {
        for query in [
            "q=a%00b",
            "q=a%0D%0Ab",
            "q=a%09b",
            "q=%E2%80%AE",
            "cursor=%7F",
        ] {
            let error =
                parse_query::<std::collections::HashMap<String, String>>(query).unwrap_err();
            let name = query.split('=').next().unwrap();
            assert_eq!(field_of(error), name, "{query}");
        }
        let ok: std::collections::HashMap<String, String> = parse_query("q=漆器%20EC").unwrap();
        assert_eq!(ok["q"], "漆器 EC");
    }

    fn field_of(error: ApiError) -> String {
        match error {
            ApiError::Validation(errors) => errors[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(
            parse_json::<Body>(b"{\"title\": "),
            Err(ApiError::BadRequest(_))
        ));
        let trailing = br#"{"title":"x","hours_per_month":{"min":1,"max":3}} trailing"#;
        assert!(matches!(
            parse_json::<Body>(trailing),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn a_bad_nested_value_names_its_path() {
        let error = parse_json::<Body>(br#"{"title":"x","hours_per_month":{"min":"a","max":3}}"#)
            .unwrap_err();
        assert_eq!(field_of(error), "hours_per_month.min");
    }

    #[test]
    fn an_unknown_field_is_named() {
        let error =
            parse_json::<Body>(br#"{"title":"x","hours_per_month":{"min":1,"max":3,"avg":2}}"#)
                .unwrap_err();
        assert_eq!(field_of(error), "hours_per_month.avg");
        let error = parse_json::<Body>(
            br#"{"title":"x","colour":"red","hours_per_month":{"min":1,"max":3}}"#,
        )
        .unwrap_err();
        assert_eq!(field_of(error), "colour");
    }

    #[test]
    fn a_missing_field_is_named() {
        let error = parse_json::<Body>(br#"{"hours_per_month":{"min":1,"max":3}}"#).unwrap_err();
        assert_eq!(field_of(error), "title");
    }
}
