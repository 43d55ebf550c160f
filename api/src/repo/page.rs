//! Pages of a list: lists are ordered by id, newest first (ids are UUIDv7), and a page
//! ends where the next one starts (`next_cursor`).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

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
