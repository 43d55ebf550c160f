//! Engagements: what follows a contract. A match that becomes `contracted` opens one
//! engagement (start date, agreed length in months, monthly hours); once a month both
//! sides are asked how it goes (`check_ins`, answered by one-click links or on the page);
//! it ends `completed` or is `extended` to a new end date. Every step is recorded with who
//! and when in `engagement_events`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Engagements::Table)
                    .col(uuid(Engagements::Id).primary_key())
                    // One engagement per contracted match.
                    .col(uuid_uniq(Engagements::MatchId))
                    .col(uuid(Engagements::RegionId))
                    .col(uuid(Engagements::ProfessionalId))
                    // `active` or `completed` (an extension returns to `active`).
                    .col(string(Engagements::Status))
                    .col(date(Engagements::StartsOn))
                    .col(integer(Engagements::Months))
                    .col(date(Engagements::EndsOn))
                    .col(integer(Engagements::HoursPerMonth))
                    // The last monthly check-in round sent (0: none yet).
                    .col(integer(Engagements::CheckInRound).default(0))
                    // On the coordinator's desk since, and why (`consult`, `end`, `no_answer`).
                    .col(timestamp_with_time_zone_null(Engagements::AtRiskSince))
                    .col(string_null(Engagements::AtRiskReason))
                    .col(timestamp_with_time_zone(Engagements::CreatedAt))
                    .col(timestamp_with_time_zone(Engagements::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Engagements::CompletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("engagements_match_id_fkey")
                            .from(Engagements::Table, Engagements::MatchId)
                            .to(Matches::Table, Matches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("engagements_region_status_idx")
                    .table(Engagements::Table)
                    .col(Engagements::RegionId)
                    .col(Engagements::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("engagements_professional_idx")
                    .table(Engagements::Table)
                    .col(Engagements::ProfessionalId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EngagementEvents::Table)
                    .col(uuid(EngagementEvents::Id).primary_key())
                    .col(uuid(EngagementEvents::EngagementId))
                    // `opened`, `adjusted`, `check_in_sent`, `check_in_answered`,
                    // `at_risk`, `completed`, `extended`, `retrospective`.
                    .col(string(EngagementEvents::Kind))
                    // Who (none for the clock), and in which role.
                    .col(uuid_null(EngagementEvents::ActorId))
                    .col(string(EngagementEvents::ActorRole))
                    // What changed (JSON, per kind).
                    .col(json(EngagementEvents::Detail))
                    .col(timestamp_with_time_zone(EngagementEvents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("engagement_events_engagement_id_fkey")
                            .from(EngagementEvents::Table, EngagementEvents::EngagementId)
                            .to(Engagements::Table, Engagements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("engagement_events_engagement_idx")
                    .table(EngagementEvents::Table)
                    .col(EngagementEvents::EngagementId)
                    .col(EngagementEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CheckIns::Table)
                    .col(uuid(CheckIns::Id).primary_key())
                    .col(uuid(CheckIns::EngagementId))
                    // The month of the engagement it asks about (1, 2, …).
                    .col(integer(CheckIns::Round))
                    // Who is asked: the professional or the owner of the need.
                    .col(uuid(CheckIns::UserId))
                    .col(timestamp_with_time_zone(CheckIns::SentAt))
                    // `fine` (順調), `consult` (相談したい), `end` (終了したい).
                    .col(string_null(CheckIns::Answer))
                    .col(timestamp_with_time_zone_null(CheckIns::AnsweredAt))
                    .col(text_null(CheckIns::Comment))
                    // Hex SHA-256 of the link that answered: the answer page's comment
                    // form proves itself with it (the link's token is never stored).
                    .col(string_null(CheckIns::AnsweredBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("check_ins_engagement_id_fkey")
                            .from(CheckIns::Table, CheckIns::EngagementId)
                            .to(Engagements::Table, Engagements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("check_ins_round_user_key")
                    .table(CheckIns::Table)
                    .col(CheckIns::EngagementId)
                    .col(CheckIns::Round)
                    .col(CheckIns::UserId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CheckIns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(EngagementEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Engagements::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Engagements {
    Table,
    Id,
    MatchId,
    RegionId,
    ProfessionalId,
    Status,
    StartsOn,
    Months,
    EndsOn,
    HoursPerMonth,
    CheckInRound,
    AtRiskSince,
    AtRiskReason,
    CreatedAt,
    UpdatedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum EngagementEvents {
    Table,
    Id,
    EngagementId,
    Kind,
    ActorId,
    ActorRole,
    Detail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CheckIns {
    Table,
    Id,
    EngagementId,
    Round,
    UserId,
    SentAt,
    Answer,
    AnsweredAt,
    Comment,
    AnsweredBy,
}

#[derive(DeriveIden)]
enum Matches {
    Table,
    Id,
}
