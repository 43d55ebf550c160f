//! The email outbox: every email is a row, written in the same transaction as the change
//! that causes it, and delivered (or given up on) by the worker.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(uuid(Outbox::Id).primary_key())
                    .col(string(Outbox::Kind))
                    // pending | sending | sent | dead | cancelled
                    .col(string(Outbox::Status))
                    // No foreign keys on purpose: the outbox is a delivery log that must
                    // outlive what it mentions (an erased user, a cancelled match), and it
                    // is written before the tables of later features exist.
                    .col(uuid_null(Outbox::RecipientUserId))
                    .col(uuid_null(Outbox::RegionId))
                    .col(uuid_null(Outbox::MatchId))
                    .col(string(Outbox::ToAddress))
                    .col(string(Outbox::ToName))
                    .col(text(Outbox::Subject))
                    .col(text(Outbox::TextBody))
                    .col(text(Outbox::HtmlBody))
                    // An RFC 5545 document and its METHOD (REQUEST or CANCEL), for meetings.
                    .col(text_null(Outbox::Calendar))
                    .col(string_null(Outbox::CalendarMethod))
                    .col(integer(Outbox::Attempts))
                    .col(integer(Outbox::MaxAttempts))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    // The lease of the worker sending it: another worker may take the row
                    // over only once `locked_until` has passed. On a sent row, `locked_by`
                    // names the worker that sent it.
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(string_null(Outbox::LockedBy))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone(Outbox::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The worker's poll: due rows by status and time.
        manager
            .create_index(
                Index::create()
                    .name("outbox_status_next_attempt_at_idx")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        // Erasure cancels a person's pending mail.
        manager
            .create_index(
                Index::create()
                    .name("outbox_recipient_user_id_idx")
                    .table(Outbox::Table)
                    .col(Outbox::RecipientUserId)
                    .to_owned(),
            )
            .await?;
        // A reschedule cancels the old reminder of a match.
        manager
            .create_index(
                Index::create()
                    .name("outbox_match_id_idx")
                    .table(Outbox::Table)
                    .col(Outbox::MatchId)
                    .to_owned(),
            )
            .await?;
        // `GET /outbox`: a region's rows, newest first.
        manager
            .create_index(
                Index::create()
                    .name("outbox_region_id_id_idx")
                    .table(Outbox::Table)
                    .col(Outbox::RegionId)
                    .col(Outbox::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Status,
    RecipientUserId,
    RegionId,
    MatchId,
    ToAddress,
    ToName,
    Subject,
    TextBody,
    HtmlBody,
    Calendar,
    CalendarMethod,
    Attempts,
    MaxAttempts,
    NextAttemptAt,
    LockedUntil,
    LockedBy,
    LastError,
    SentAt,
    CreatedAt,
    UpdatedAt,
}
