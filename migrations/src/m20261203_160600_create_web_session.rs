//! Sessions of the pages: a browser holds an opaque random id in a cookie, the database
//! keeps only its SHA-256 (a copy of the table cannot be used to log in), with the
//! session's CSRF secret and the two instants its idle and absolute expiry are measured
//! from. Deleting a row ends that session; deleting a user's rows ends all of them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebSessions::Table)
                    // Hex SHA-256 of the id in the cookie; the id itself is never stored.
                    .col(string(WebSessions::IdHash).primary_key())
                    .col(uuid(WebSessions::UserId))
                    .col(string(WebSessions::CsrfSecret))
                    .col(timestamp_with_time_zone(WebSessions::CreatedAt))
                    .col(timestamp_with_time_zone(WebSessions::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("web_sessions_user_id_fkey")
                            .from(WebSessions::Table, WebSessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Ending every session of a user (password change, erasure) finds them by user.
        manager
            .create_index(
                Index::create()
                    .name("web_sessions_user_id_idx")
                    .table(WebSessions::Table)
                    .col(WebSessions::UserId)
                    .to_owned(),
            )
            .await?;
        // Expired sessions are swept by age.
        manager
            .create_index(
                Index::create()
                    .name("web_sessions_last_seen_at_idx")
                    .table(WebSessions::Table)
                    .col(WebSessions::LastSeenAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebSessions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WebSessions {
    Table,
    IdHash,
    UserId,
    CsrfSecret,
    CreatedAt,
    LastSeenAt,
}
