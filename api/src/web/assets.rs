//! Static files, embedded in the binary and served under a name carrying a hash of their
//! content (`/static/site.3f9a0c2b1d4e.css`): a changed file gets a new URL, so each
//! URL's answer may be cached for a year without ever going stale.

use std::sync::LazyLock;

use actix_web::{
    HttpResponse,
    http::header::{self, HeaderValue},
    web,
};
use sha2::{Digest, Sha256};

use super::errors::PageError;

/// One embedded file.
#[derive(Debug)]
struct Asset {
    /// The name the pages ask for (`site.css`).
    name: &'static str,
    /// The `/static/…` path with the content hash.
    path: String,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Every static file of the pages. The vendored htmx keeps its own name and licence
/// beside it (`static/vendor/`).
static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    [
        (
            "site.css",
            "text/css; charset=utf-8",
            include_bytes!("static/site.css").as_slice(),
        ),
        (
            "icon.svg",
            "image/svg+xml",
            include_bytes!("static/icon.svg").as_slice(),
        ),
        (
            "htmx.min.js",
            "text/javascript; charset=utf-8",
            include_bytes!("static/vendor/htmx-2.0.11.min.js").as_slice(),
        ),
        // Only /region/weights links it (with htmx): its live preview.
        (
            "region-weights.js",
            "text/javascript; charset=utf-8",
            include_bytes!("static/region-weights.js").as_slice(),
        ),
    ]
    .into_iter()
    .map(|(name, content_type, bytes)| Asset {
        name,
        path: hashed_path(name, bytes),
        content_type,
        bytes,
    })
    .collect()
});

/// `/static/{stem}.{12 hex digits of SHA-256}.{extension}`.
fn hashed_path(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    // `htmx.min.js` → `htmx.min.{hash}.js`
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("/static/{stem}.{hash}.{extension}"),
        None => format!("/static/{name}.{hash}"),
    }
}

/// The URL of an embedded file by its plain name; an unknown name is a bug, and gives a
/// path that answers 404 rather than a page that fails to render.
pub fn url(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .map_or("/static/missing", |asset| asset.path.as_str())
}

/// `GET /static/{file}`: the file, cacheable for a year.
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, PageError> {
    let wanted = format!("/static/{file}");
    let asset = ASSETS
        .iter()
        .find(|asset| asset.path == wanted)
        .ok_or(PageError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .body(asset.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_is_named_by_its_content() {
        assert!(url("site.css").starts_with("/static/site."));
        assert!(url("site.css").ends_with(".css"));
        assert!(url("htmx.min.js").starts_with("/static/htmx.min."));
        assert_ne!(hashed_path("a.css", b"one"), hashed_path("a.css", b"two"));
        assert_eq!(hashed_path("a.css", b"one"), hashed_path("a.css", b"one"));
        assert_eq!(url("nothing.css"), "/static/missing");
    }

    #[test]
    fn the_stylesheet_has_no_rule_left_open() {
        // A rule left open (a bad merge) makes the browser read everything after it as
        // part of that rule, and drop it. Only an `@media` block may hold rules.
        let css = std::str::from_utf8(include_bytes!("static/site.css")).unwrap();
        let mut open: Vec<bool> = Vec::new(); // each open block: is it an @-rule?
        for (n, line) in css.lines().enumerate() {
            for c in line.chars() {
                match c {
                    '{' => {
                        assert!(
                            open.last().is_none_or(|at_rule| *at_rule),
                            "line {}: a rule opens inside a rule: {line}",
                            n + 1
                        );
                        open.push(line.trim_start().starts_with('@'));
                    }
                    '}' => assert!(open.pop().is_some(), "line {}: closes nothing", n + 1),
                    _ => {}
                }
            }
        }
        assert!(open.is_empty(), "a rule is left open");
    }

    /// The static files every page links: those `base.html` names through
    /// `frame.asset("…")` (pages add none of their own).
    fn linked_by_every_page() -> Vec<&'static str> {
        let template = include_str!("templates/base.html");
        template
            .split("frame.asset(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect()
    }

    #[test]
    fn a_pages_css_and_scripts_stay_under_60_kb() {
        let linked = linked_by_every_page();
        assert!(linked.contains(&"site.css"), "{linked:?}");
        let total: usize = linked
            .iter()
            .filter(|name| name.ends_with(".css") || name.ends_with(".js"))
            .map(|name| {
                ASSETS
                    .iter()
                    .find(|asset| asset.name == *name)
                    .map(|asset| asset.bytes.len())
                    .unwrap_or_else(|| panic!("base.html links {name}, which is not embedded"))
            })
            .sum();
        assert!(total < 60 * 1024, "CSS + JS is {total} bytes: {linked:?}");
    }
}
