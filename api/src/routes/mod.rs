//! HTTP routes, one file per resource, each with a `configure(cfg)`.
//!
//! Handlers are short: parse the request, call a repo or service function, build the
//! response view. Every handler carries `#[utoipa::path]`, and registration goes through
//! `utoipa_actix_web`, so a route cannot be served without appearing in the OpenAPI
//! document.

pub mod applications;
pub mod assignment;
pub mod auth;
pub mod candidates;
pub mod engagements;
pub mod exports;
pub mod fallback;
pub mod health;
pub mod invitations;
pub mod matches;
pub mod need_preview;
pub mod needs;
pub mod openapi;
pub mod outbox;
pub mod profiles;
pub mod proposals;
pub mod regions;
pub mod relays;
pub mod reports;
pub mod sessions;
pub mod sharing;
pub mod taxonomy;
pub mod weights;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::error::ApiError;
pub use crate::repo::page::{Page, PageRequest};

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    sessions::configure(cfg);
    regions::configure(cfg);
    taxonomy::configure(cfg);
    need_preview::configure(cfg);
    needs::configure(cfg);
    profiles::configure(cfg);
    relays::configure(cfg);
    applications::configure(cfg);
    matches::configure(cfg);
    proposals::configure(cfg);
    engagements::configure(cfg);
    reports::configure(cfg);
    assignment::configure(cfg);
    candidates::configure(cfg);
    weights::configure(cfg);
    outbox::configure(cfg);
    exports::configure(cfg);
    invitations::configure(cfg);
    sharing::configure(cfg);
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
