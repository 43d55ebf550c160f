//! `/region/export/{needs|applications|matches}.csv`: the coordinator's region's lists
//! as CSV files (`services::exports`), UTF-8 with a BOM, or Shift_JIS with
//! `?encoding=shift_jis`. For coordinators; other roles get the 403 page.

use actix_web::{HttpResponse, get, http::header, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{
    services::{
        self,
        exports::{Encoding, ExportKind, Table},
    },
    state::AppState,
    web::{caller::PageUser, errors::PageError},
};

/// `?encoding=utf-8|shift_jis`.
#[derive(Debug, Default, Deserialize)]
pub struct EncodingQuery {
    encoding: Option<String>,
}

impl EncodingQuery {
    /// The encoding asked for (UTF-8 with a BOM when none is); 400 for an unknown one.
    pub fn parse(&self) -> Result<Encoding, PageError> {
        match self.encoding.as_deref().filter(|text| !text.is_empty()) {
            None => Ok(Encoding::default()),
            Some(text) => Encoding::parse(text).ok_or(PageError::BadRequest),
        }
    }
}

/// A sheet as a file to download, named for `name` and today in Tokyo.
pub fn download(
    table: &Table,
    name: &str,
    encoding: Encoding,
    now: DateTime<Utc>,
) -> Result<HttpResponse, PageError> {
    let date = services::exports::tokyo_today(now);
    let file = services::exports::csv_file(table, name, date, encoding)?;
    Ok(HttpResponse::Ok()
        .content_type(file.content_type())
        .insert_header((header::CONTENT_DISPOSITION, file.content_disposition()))
        // A file to keep, not a page to cache.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(file.bytes))
}

/// One list of the region.
#[get("/region/export/{file}")]
pub async fn export(
    state: web::Data<AppState>,
    user: PageUser,
    file: web::Path<String>,
    query: web::Query<EncodingQuery>,
) -> Result<HttpResponse, PageError> {
    let region = services::desk::region(&user.caller)?;
    let kind = file
        .strip_suffix(".csv")
        .and_then(ExportKind::parse)
        .ok_or(PageError::NotFound)?;
    let encoding = query.parse()?;
    let table = services::exports::region(&state.db, &user.caller, region, kind).await?;
    download(&table, kind.as_str(), encoding, Utc::now())
}
