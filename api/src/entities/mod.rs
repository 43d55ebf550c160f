//! Database entities, one file per table, in sea-orm's generated form. They never go
//! over the wire: routes build response views from them.

pub mod action_link;
pub mod application;
pub mod check_in;
pub mod disclosure;
pub mod engagement;
pub mod engagement_event;
pub mod idempotency_key;
pub mod invitation;
pub mod match_event;
pub mod matches;
pub mod meeting;
pub mod meeting_proposal;
pub mod need;
pub mod need_skill;
pub mod organization;
pub mod outbox;
pub mod password_reset;
pub mod profile;
pub mod profile_change;
pub mod provision;
pub mod region;
pub mod relay;
pub mod relay_preference;
pub mod reply_escalation;
pub mod revoked_token;
pub mod sharing_consent;
pub mod user;
pub mod web_session;
