//! Database entities, one file per table, in sea-orm's generated form. They never go
//! over the wire: routes build response views from them.

pub mod application;
pub mod need;
pub mod need_skill;
pub mod organization;
pub mod outbox;
pub mod profile;
pub mod region;
pub mod user;
