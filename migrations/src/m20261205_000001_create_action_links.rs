//! One-click links: emailed links that carry out one answer without a login (a meeting
//! time chosen, a monthly check-in answered). Each link is bound to one match, one person
//! and one choice; the database keeps only the SHA-256 of its token (as for password
//! resets). Links sent together share a `batch`: using one uses them all, so a second
//! click, or a click on another choice of the same email, changes nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ActionLinks::Table)
                    // Hex SHA-256 of the token in the emailed link; the token is never stored.
                    .col(string(ActionLinks::TokenHash).primary_key())
                    // What answering does: `meeting_time`, `check_in`, …
                    .col(string(ActionLinks::Purpose))
                    // The links of one email; using one uses them all.
                    .col(uuid(ActionLinks::Batch))
                    .col(uuid(ActionLinks::MatchId))
                    // Whose answer it is.
                    .col(uuid(ActionLinks::UserId))
                    // The answer the link gives (JSON, per purpose).
                    .col(json(ActionLinks::Choice))
                    .col(timestamp_with_time_zone(ActionLinks::CreatedAt))
                    .col(timestamp_with_time_zone(ActionLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ActionLinks::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("action_links_match_id_fkey")
                            .from(ActionLinks::Table, ActionLinks::MatchId)
                            .to(Matches::Table, Matches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("action_links_user_id_fkey")
                            .from(ActionLinks::Table, ActionLinks::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("action_links_batch_idx")
                    .table(ActionLinks::Table)
                    .col(ActionLinks::Batch)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActionLinks::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ActionLinks {
    Table,
    TokenHash,
    Purpose,
    Batch,
    MatchId,
    UserId,
    Choice,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Matches {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
