//! Proposed meeting times and the coordinators' reply-window escalations.
//!
//! `meeting_proposals`: one row per set of up to three times the SME or a coordinator
//! proposed for a match's meeting (the times are a JSON list of RFC 3339 instants). The
//! professional's email carries one one-click link per time and one for "none of these
//! work", all of one `batch` of `action_links`. A set is `pending` until a time is
//! confirmed (`confirmed`, with `chosen_at`), the professional asks for other times
//! (`declined`), a new set or a meeting scheduled directly replaces it (`replaced`);
//! it stops being offered at `expires_at` (see `services::proposals`).
//!
//! `reply_escalations`: the second nudge of a match whose answer is owed for seven days,
//! sent to the region's coordinators; one per match (the primary key says so).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MeetingProposals::Table)
                    .col(uuid(MeetingProposals::Id).primary_key())
                    .col(uuid(MeetingProposals::MatchId))
                    // The one-click links of its email.
                    .col(uuid(MeetingProposals::Batch))
                    .col(uuid(MeetingProposals::ProposedBy))
                    // `sme` or `coordinator`.
                    .col(string(MeetingProposals::ProposerRole))
                    // JSON list of 1–3 RFC 3339 instants (UTC).
                    .col(json(MeetingProposals::Times))
                    .col(integer(MeetingProposals::DurationMinutes))
                    .col(string(MeetingProposals::Mode))
                    .col(text(MeetingProposals::LocationOrUrl))
                    // `pending`, `confirmed`, `declined`, `replaced`.
                    .col(string(MeetingProposals::Status))
                    .col(timestamp_with_time_zone_null(MeetingProposals::ChosenAt))
                    .col(timestamp_with_time_zone(MeetingProposals::CreatedAt))
                    .col(timestamp_with_time_zone(MeetingProposals::ExpiresAt))
                    .col(timestamp_with_time_zone_null(MeetingProposals::SettledAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("meeting_proposals_match_id_fkey")
                            .from(MeetingProposals::Table, MeetingProposals::MatchId)
                            .to(Matches::Table, Matches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("meeting_proposals_match_id_idx")
                    .table(MeetingProposals::Table)
                    .col(MeetingProposals::MatchId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReplyEscalations::Table)
                    .col(uuid(ReplyEscalations::MatchId).primary_key())
                    // The status whose answer was owed.
                    .col(string(ReplyEscalations::Status))
                    .col(timestamp_with_time_zone(ReplyEscalations::EscalatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("reply_escalations_match_id_fkey")
                            .from(ReplyEscalations::Table, ReplyEscalations::MatchId)
                            .to(Matches::Table, Matches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReplyEscalations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MeetingProposals::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MeetingProposals {
    Table,
    Id,
    MatchId,
    Batch,
    ProposedBy,
    ProposerRole,
    Times,
    DurationMinutes,
    Mode,
    LocationOrUrl,
    Status,
    ChosenAt,
    CreatedAt,
    ExpiresAt,
    SettledAt,
}

#[derive(DeriveIden)]
enum ReplyEscalations {
    Table,
    MatchId,
    Status,
    EscalatedAt,
}

#[derive(DeriveIden)]
enum Matches {
    Table,
    Id,
}
