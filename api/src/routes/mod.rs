//! HTTP routes, one file per resource, each with a `configure(cfg)`.
//!
//! Handlers are short: parse the request, call a repo or service function, build the
//! response view. Every handler carries `#[utoipa::path]`, and registration goes through
//! `utoipa_actix_web`, so a route cannot be served without appearing in the OpenAPI
//! document.

pub mod applications;
pub mod auth;
pub mod candidates;
pub mod fallback;
pub mod health;
pub mod matches;
pub mod needs;
pub mod openapi;
pub mod outbox;
pub mod profiles;
pub mod regions;
pub mod reports;
pub mod sessions;
pub mod taxonomy;
pub mod weights;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::error::ApiError;

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    sessions::configure(cfg);
    regions::configure(cfg);
    taxonomy::configure(cfg);
    needs::configure(cfg);
    profiles::configure(cfg);
    applications::configure(cfg);
    matches::configure(cfg);
    reports::configure(cfg);
    candidates::configure(cfg);
    weights::configure(cfg);
    outbox::configure(cfg);
    cfg.service(openapi::serve);
}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of a list, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A validated page request: lists are ordered by id, newest first (ids are UUIDv7).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// How many items.
    pub limit: u64,
    /// Only ids strictly older than this.
    pub before: Option<Uuid>,
}

impl PageQuery {
    /// Checks `limit` and decodes `cursor`.
    pub fn parse(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::invalid("limit", "must be between 1 and 100"));
        }
        let before = match &self.cursor {
            None => None,
            Some(cursor) => Some(
                Uuid::parse_str(cursor)
                    .map_err(|_| ApiError::invalid("cursor", "not a cursor from this list"))?,
            ),
        };
        Ok(PageRequest { limit, before })
    }
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched newest first.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        request: PageRequest,
        id_of: impl Fn(&R) -> Uuid,
        view: impl FnMut(R) -> T,
    ) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|row| id_of(row).to_string())
        } else {
            None
        };
        Self {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }
}
