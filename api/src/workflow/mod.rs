//! The match workflow: what happens, in one transaction each, when a coordinator
//! introduces a pair, a scouted professional answers, a meeting is set, and an outcome is
//! recorded. Every state change is checked by [`crate::domain::matching`], recorded in the
//! match's history, and writes its emails to the outbox in the same transaction.

pub mod matches;
pub mod meetings;
pub mod nudges;
pub mod parties;
pub mod view;
