//! The kind relay (issue 14): when a need closes or its places are filled, each
//! applicant not introduced gets one kind email with other open needs ranked for them.
//!
//! `relays` records each relay: one row per need and professional (the primary key is
//! the pair, so nobody is relayed twice for one need, whoever closes it how often).
//! A row is written in the closing transaction with `queued_at` empty; the email is
//! written to the outbox, and `queued_at` set, in one later transaction (right after the
//! close, or by the clock's retry), so closing stays fast and nothing is lost.
//!
//! `relay_preferences` holds a professional's choice to receive relays; no row means the
//! default, on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Relays::Table)
                    .col(uuid(Relays::NeedId))
                    .col(uuid(Relays::ProfessionalId))
                    // Why the need stopped taking people: `closed` or `filled`.
                    .col(string(Relays::Cause))
                    .col(timestamp_with_time_zone(Relays::CreatedAt))
                    // When the email was written to the outbox; empty until then.
                    .col(timestamp_with_time_zone_null(Relays::QueuedAt))
                    // The outbox row of the email (none when no open need was left to
                    // suggest and nothing was sent).
                    .col(uuid_null(Relays::OutboxId))
                    // How many needs the email suggested.
                    .col(integer(Relays::Suggested).default(0))
                    .primary_key(
                        Index::create()
                            .col(Relays::NeedId)
                            .col(Relays::ProfessionalId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("relays_need_id_fkey")
                            .from(Relays::Table, Relays::NeedId)
                            .to(Needs::Table, Needs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("relays_professional_id_fkey")
                            .from(Relays::Table, Relays::ProfessionalId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("relays_waiting_idx")
                    .table(Relays::Table)
                    .col(Relays::QueuedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RelayPreferences::Table)
                    .col(uuid(RelayPreferences::UserId).primary_key())
                    .col(boolean(RelayPreferences::Enabled))
                    .col(timestamp_with_time_zone(RelayPreferences::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("relay_preferences_user_id_fkey")
                            .from(RelayPreferences::Table, RelayPreferences::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RelayPreferences::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Relays::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Relays {
    Table,
    NeedId,
    ProfessionalId,
    Cause,
    CreatedAt,
    QueuedAt,
    OutboxId,
    Suggested,
}

#[derive(DeriveIden)]
enum RelayPreferences {
    Table,
    UserId,
    Enabled,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Needs {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
