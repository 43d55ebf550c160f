//! Musubi's schema as `sea-orm-migration` migrations.
//!
//! Self-contained (it never imports the service's entities) and portable: every
//! migration runs unchanged on PostgreSQL and SQLite. Ids are UUIDs (v7, so they sort by
//! creation time); nested lists from the API (skills, themes, ties) are JSON columns,
//! with side tables where the service filters on them (`need_skills`).

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_accounts;
mod m20261121_000002_create_needs_and_profiles;
mod m20261121_000003_create_outbox;
mod m20261121_000004_create_matches;
mod m20261203_000003_outbox_retry_until;
mod m20261203_000030_add_token_revocation;
mod m20261203_160600_create_web_session;
mod m20261204_181500_create_invitations;
mod m20261205_000001_create_action_links;
mod m20261205_100001_create_meeting_proposals;
mod m20261205_110001_create_engagements;
mod m20261205_120001_create_sharing;
mod m20261205_130001_create_relays;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_accounts::Migration),
            Box::new(m20261121_000002_create_needs_and_profiles::Migration),
            Box::new(m20261121_000003_create_outbox::Migration),
            Box::new(m20261121_000004_create_matches::Migration),
            Box::new(m20261203_000003_outbox_retry_until::Migration),
            Box::new(m20261203_000030_add_token_revocation::Migration),
            Box::new(m20261203_160600_create_web_session::Migration),
            Box::new(m20261204_181500_create_invitations::Migration),
            Box::new(m20261205_000001_create_action_links::Migration),
            Box::new(m20261205_100001_create_meeting_proposals::Migration),
            Box::new(m20261205_110001_create_engagements::Migration),
            Box::new(m20261205_120001_create_sharing::Migration),
            Box::new(m20261205_130001_create_relays::Migration),
        ]
    }
}
