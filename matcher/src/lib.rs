//! # musubi-matcher — the Shiojiri model
//!
//! A pure engine (no I/O, no async, no clock: today is passed in) that scores a need
//! (募集) against a professional's profile (複業人材) on the factors of the Shiojiri
//! model, explains every score in Japanese and English, ranks large pools of profiles
//! quickly, ranks needs for a professional by the reciprocal score, and suggests a
//! region-wide assignment as an exact b-matching.
#![deny(missing_docs)]

pub mod assign;
pub mod error;
pub mod exclusion;
pub mod factors;
pub mod index;
pub mod model;
pub mod reciprocal;
pub mod score;
pub mod taxonomy;
pub mod text;
pub mod topk;
pub mod weights;

pub use error::{Error, ErrorKind, Result};
pub use model::*;
