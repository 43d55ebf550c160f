//! Domain types: the wire enums, and the validated forms of needs and profiles.
//!
//! Handlers parse request DTOs into these types at the edge; a value of a domain type
//! has passed every rule, so the code behind it never sees unchecked input.

pub mod account;
pub mod engagement;
pub mod enums;
pub mod error;
pub mod ids;
pub mod matching;
pub mod meeting;
pub mod need;
pub mod need_draft;
pub mod profile;
pub mod proposal;
pub mod sharing;
pub mod text;
