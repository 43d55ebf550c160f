//! `POST /regions/{id}/invitations/import`: a coordinator's CSV of professionals the
//! region already knows, each row invited by email to make an account (see
//! `services::invitations` for the rules and `services::invitations::sheet` for the file).

use actix_web::{HttpRequest, http::header, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    error::{ApiError, ApiResult},
    services::invitations::{
        self, DuplicateOf, ImportReport, Imported, Outcome,
        sheet::{self, Encoding, FileProblem},
    },
    state::AppState,
};

/// Past this a too-large body is not read further.
const DRAIN_LIMIT: usize = 32 * 1024 * 1024;

/// Registers the invitation routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import_invitations);
}

/// `?encoding=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `auto` (default: UTF-8 with or without a BOM, else Shift_JIS), `utf-8` or
    /// `shift_jis`. Without it, a `charset` of the `Content-Type` is used.
    pub encoding: Option<String>,
}

/// What is wrong with one cell of a rejected row.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellProblemView {
    /// The column (its English header name), e.g. `email`.
    pub field: String,
    /// `missing`, `invalid`, `too_long`, `out_of_range`, `unknown_skill` or
    /// `unknown_prefecture`.
    pub code: String,
    /// What is wrong, in words.
    pub detail: String,
}

/// What became of one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowView {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    /// The name as written.
    pub name: String,
    /// The email as written.
    pub email: String,
    /// `invited`, `duplicate` or `rejected`.
    pub outcome: String,
    /// For a duplicate: `account`, `pending_invitation` or `earlier_row`.
    pub duplicate_of: Option<String>,
    /// For a duplicate of an earlier row: that row's line.
    pub duplicate_line: Option<u64>,
    /// For a rejected row: every problem of its cells.
    pub problems: Vec<CellProblemView>,
}

/// An import's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportView {
    /// The encoding the file was read in: `utf-8` or `shift_jis`.
    pub encoding: String,
    /// Rows invited (an invitation and its email were written).
    pub invited: usize,
    /// Rows skipped because the email is known.
    pub duplicates: usize,
    /// Rows rejected because a cell is wrong.
    pub rejected: usize,
    /// Every row, in the file's order.
    pub rows: Vec<ImportRowView>,
}

impl From<ImportReport> for ImportReportView {
    fn from(report: ImportReport) -> Self {
        Self {
            encoding: report.encoding.as_str().to_owned(),
            invited: report.invited(),
            duplicates: report.duplicates(),
            rejected: report.rejected(),
            rows: report
                .rows
                .into_iter()
                .map(|row| {
                    let (outcome, duplicate_of, problems) = match row.outcome {
                        Outcome::Invited => ("invited", None, Vec::new()),
                        Outcome::Duplicate(of) => ("duplicate", Some(of), Vec::new()),
                        Outcome::Rejected(problems) => ("rejected", None, problems),
                    };
                    ImportRowView {
                        line: row.line,
                        name: row.name,
                        email: row.email,
                        outcome: outcome.to_owned(),
                        duplicate_of: duplicate_of.map(|of| of.code().to_owned()),
                        duplicate_line: match duplicate_of {
                            Some(DuplicateOf::EarlierRow(line)) => Some(line),
                            _ => None,
                        },
                        problems: problems
                            .into_iter()
                            .map(|problem| CellProblemView {
                                field: problem.column.as_str().to_owned(),
                                code: problem.problem.code().to_owned(),
                                detail: problem.detail,
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// The problem of a refused file: the header's in `header`, the rest in `body`.
fn refused(problem: &FileProblem) -> ApiError {
    match problem {
        FileProblem::TooLarge => ApiError::PayloadTooLarge,
        FileProblem::MissingColumn(_)
        | FileProblem::UnknownColumn(_)
        | FileProblem::RepeatedColumn(_) => ApiError::invalid("header", problem.detail()),
        _ => ApiError::invalid("body", problem.detail()),
    }
}

/// The `Content-Type`'s media type (lower-cased) and its `charset`, if any.
fn content_type(request: &HttpRequest) -> Option<(String, Option<String>)> {
    let value = request.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    let charset = parts.find_map(|part| {
        let (name, value) = part.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    });
    Some((essence, charset))
}

/// The encoding asked for: the query's, else the `Content-Type`'s charset, else `auto`.
fn encoding(request: &HttpRequest, query: &ImportQuery) -> Result<Encoding, ApiError> {
    if let Some(asked) = &query.encoding {
        return Encoding::parse(asked)
            .ok_or_else(|| ApiError::invalid("encoding", "must be auto, utf-8 or shift_jis"));
    }
    let charset = content_type(request).and_then(|(_, charset)| charset);
    Ok(charset
        .as_deref()
        .and_then(Encoding::parse)
        .unwrap_or(Encoding::Auto))
}

/// Invite professionals from a CSV (`text/csv`, at most 2 MB and 5,000 rows). Columns
/// (any order; Japanese names accepted): `name` (氏名), `email` (メール), `headline`
/// (見出し), `hours_per_month` (月間稼働時間), `work_style` (働き方: remote, hybrid,
/// onsite), `prefecture` (都道府県) are required; `city` (市区町村), `skills` (スキル:
/// keys or names separated by `;` or `、`, each optionally `:level`), `bio` (自己紹介)
/// are optional. Each good row becomes an invitation emailed in the region's name; no
/// account or profile exists until the person accepts. Rows whose email is known (an
/// account, a pending invitation, an earlier row) are skipped, bad rows are rejected
/// with their cells' problems, the rest invited, all in one transaction. A file whose
/// header or encoding is broken changes nothing (422), nor does one over 2 MB (413).
#[utoipa::path(tag = "regions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "region id"), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "the CSV file"),
    responses(
        (status = 200, body = ImportReportView),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "the file is over 2 MB", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "the body is not text/csv", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "the header lacks a required column or names an unknown one, the file is neither UTF-8 nor Shift_JIS, or it has more than 5,000 rows; nothing was imported", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/regions/{id}/invitations/import")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn import_invitations(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<ImportQuery>,
    mut payload: web::Payload,
) -> ApiResult<web::Json<ImportReportView>> {
    let desk = invitations::desk(&state.db, &caller, id.into_inner().into()).await?;
    let is_csv = content_type(&request)
        .is_some_and(|(essence, _)| matches!(essence.as_str(), "text/csv" | "text/plain"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType("text/csv"));
    }
    let encoding = encoding(&request, &query)?;
    let mut body = web::BytesMut::new();
    let mut read = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| ApiError::BadRequest(error.to_string()))?;
        read += chunk.len();
        // A little over the limit is read to its end, so the client hears the 413
        // rather than a connection closed under it; far over, the connection is dropped.
        if read > DRAIN_LIMIT {
            return Err(ApiError::PayloadTooLarge);
        }
        if read <= sheet::MAX_BYTES {
            body.extend_from_slice(&chunk);
        }
    }
    if read > sheet::MAX_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    match invitations::import(
        &state.db,
        &desk,
        &state.settings.public_url,
        &body,
        encoding,
    )
    .await?
    {
        Imported::Done(report) => Ok(web::Json(report.into())),
        Imported::Refused(problem) => Err(refused(&problem)),
    }
}
