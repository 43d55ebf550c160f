//! A region's lists as CSV files for its coordinators (`services::exports`): needs,
//! applications and matches, UTF-8 with a BOM or Shift_JIS.

use actix_web::{HttpResponse, get, http::header, web};
use chrono::Utc;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    error::ApiResult,
    services::exports::{self, Encoding, ExportKind},
    state::AppState,
};

/// Registers the export route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_region_list);
}

/// The bytes of a CSV file.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark (what Japanese Excel needs to read UTF-8).
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Shift_JIS (Windows-31J); a character it cannot hold is written as `?`.
    #[serde(rename = "shift_jis")]
    ShiftJis,
}

impl From<CsvEncoding> for Encoding {
    fn from(encoding: CsvEncoding) -> Self {
        match encoding {
            CsvEncoding::Utf8 => Self::Utf8Bom,
            CsvEncoding::ShiftJis => Self::ShiftJis,
        }
    }
}

/// `?encoding=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `utf-8` (default, with a BOM) or `shift_jis`.
    pub encoding: Option<CsvEncoding>,
}

/// One list of a region as CSV (coordinators of the region). Headers are fixed English
/// snake_case; times are `YYYY-MM-DD HH:MM` in Asia/Tokyo; a cell that would start a
/// formula (`=`, `+`, `-`, `@`, tab, CR) starts with `'`.
///
/// - `needs`: `id, title, organization, status, role, headcount, hours_per_month,
///   work_style, posted_at, applicants` (every need, open and closed; applicants are
///   submitted applications)
/// - `applications`: `id, need_id, need_title, professional, status, submitted_at`
/// - `matches`: `id, need_id, need_title, professional, status, origin, created_at,
///   meeting_at, outcome` (`origin` is `application` or `scout`; `outcome` is
///   `contracted` or `declined` once recorded, else empty)
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(
    ("id" = Uuid, Path, description = "region id"),
    ("kind" = ExportKind, Path, description = "which list"),
    ExportQuery,
), responses(
    (status = 200, description = "the CSV file, as an attachment named like `musubi-needs-2026-12-04.csv`", body = String, content_type = "text/csv",
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"musubi-needs-2026-12-04.csv\"; filename*=UTF-8''…`"))),
    (status = 403, description = "not a coordinator", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "not the caller's region, or no such list", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/regions/{id}/exports/{kind}")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn export_region_list(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, ExportKind)>,
    query: crate::extract::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let (region_id, kind) = path.into_inner();
    let table = exports::region(&state.db, &caller, region_id.into(), kind).await?;
    let date = exports::tokyo_today(Utc::now());
    let encoding = query.encoding.unwrap_or_default().into();
    let file = exports::csv_file(&table, kind.as_str(), date, encoding)?;
    Ok(HttpResponse::Ok()
        .content_type(file.content_type())
        .insert_header((header::CONTENT_DISPOSITION, file.content_disposition()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(file.bytes))
}
