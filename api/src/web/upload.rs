//! A file upload (`multipart/form-data`), read whole and bounded: its text fields and at
//! most one file. Only what a page form sends is understood (no nested multiparts, no
//! transfer encodings), which is all a browser sends for `<input type="file">`. The
//! CSRF token is one of the text fields: [`Upload::check_csrf`] before acting on it.

use std::{collections::HashMap, future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header};
use futures_util::StreamExt;

use super::{csrf, errors::PageError};

/// Largest body read: a 2 MB file and its form, with room for the multipart framing.
pub const LIMIT: usize = 2 * 1024 * 1024 + 64 * 1024;

/// Past this the connection is not read further: the upload is refused outright.
const DRAIN_LIMIT: usize = 32 * 1024 * 1024;

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct File {
    /// The name the browser gave.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A read upload.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The text fields by name.
    pub fields: HashMap<String, String>,
    /// The file, if one was chosen.
    pub file: Option<File>,
    /// Whether the body was over [`LIMIT`] (then nothing of it was kept).
    pub too_large: bool,
}

impl Upload {
    /// A text field ("" when absent).
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// Checks the form's CSRF token.
    pub async fn check_csrf(&self, request: &HttpRequest) -> Result<(), PageError> {
        csrf::check_token(request, self.field(csrf::FIELD)).await
    }
}

impl FromRequest for Upload {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let boundary = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(boundary);
        let mut payload = payload.take();
        Box::pin(async move {
            let boundary = boundary.ok_or(PageError::BadRequest)?;
            let mut body = Vec::new();
            let mut read = 0usize;
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| PageError::BadRequest)?;
                read += chunk.len();
                if read > DRAIN_LIMIT {
                    return Err(PageError::PayloadTooLarge);
                }
                if read <= LIMIT {
                    body.extend_from_slice(&chunk);
                }
            }
            if read > LIMIT {
                return Ok(Upload {
                    too_large: true,
                    ..Upload::default()
                });
            }
            parse(&body, &boundary).ok_or(PageError::BadRequest)
        })
    }
}

/// The boundary of a `multipart/form-data` content type.
fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    parts.find_map(|part| {
        let (name, value) = part.split_once('=')?;
        let value = value.trim().trim_matches('"');
        (name.trim().eq_ignore_ascii_case("boundary") && !value.is_empty())
            .then(|| value.to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| at + from)
}

/// A `Content-Disposition` parameter (`name="…"`).
fn parameter(disposition: &str, wanted: &str) -> Option<String> {
    disposition.split(';').skip(1).find_map(|part| {
        let (name, value) = part.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case(wanted)
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// Splits a body into its parts; `None` when it is not multipart with this boundary.
fn parse(body: &[u8], boundary: &str) -> Option<Upload> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut upload = Upload::default();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2)? == b"--" {
            return Some(upload);
        }
        at = find(body, b"\r\n", at)? + 2;
        let headers_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(body.get(at..headers_end)?).ok()?;
        let content_start = headers_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let content_end = find(body, &closing, content_start)?;
        let content = body.get(content_start..content_end)?;
        let disposition = headers.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value.trim())
        })?;
        let name = parameter(disposition, "name")?;
        match parameter(disposition, "filename") {
            // An empty file input sends a part with an empty name and no bytes.
            Some(file_name) if !(file_name.is_empty() && content.is_empty()) => {
                upload.file = Some(File {
                    name: file_name,
                    bytes: content.to_vec(),
                });
            }
            Some(_) => {}
            None => {
                upload
                    .fields
                    .insert(name, String::from_utf8_lossy(content).into_owned());
            }
        }
        at = content_end + closing.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_a_file_are_read_from_a_browsers_body() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\nContent-Type: text/csv\r\n\r\nname,email\r\n\xe5\xb1\xb1,a@b.jp\r\n\r\n--XyZ--\r\n";
        assert_eq!(
            boundary("multipart/form-data; boundary=XyZ").as_deref(),
            Some("XyZ")
        );
        let upload = parse(body, "XyZ").unwrap();
        assert_eq!(upload.field("csrf_token"), "abc");
        let file = upload.file.unwrap();
        assert_eq!(file.name, "list.csv");
        assert_eq!(file.bytes, b"name,email\r\n\xe5\xb1\xb1,a@b.jp\r\n");
        assert!(parse(b"not multipart", "XyZ").is_none());
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
    }
}
