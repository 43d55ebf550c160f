//! Matches (紹介) and everything that hangs off them: their history, meetings, the record
//! of every disclosure of a profile, idempotency keys, and the change feed that keeps
//! each server process's ranking index in step with the profiles table.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    m20261121_000001_create_accounts::{Organizations, Regions, Users},
    m20261121_000002_create_needs_and_profiles::{Applications, Needs},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    cascade: bool,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        })
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Matches::Table)
                    .col(uuid(Matches::Id).primary_key())
                    .col(uuid(Matches::NeedId))
                    .col(uuid(Matches::ProfessionalId))
                    .col(uuid(Matches::RegionId))
                    .col(uuid_null(Matches::ApplicationId))
                    // application | scout
                    .col(string(Matches::Origin))
                    .col(string(Matches::Status))
                    .col(text(Matches::Note))
                    // The score when the coordinator chose the pair.
                    .col(json_null(Matches::Score))
                    .col(uuid(Matches::CreatedBy))
                    .col(timestamp_with_time_zone_null(Matches::NudgedAt))
                    .col(timestamp_with_time_zone(Matches::CreatedAt))
                    .col(timestamp_with_time_zone(Matches::UpdatedAt))
                    .foreign_key(&mut fk(
                        "matches_need_id_fkey",
                        (Matches::Table, Matches::NeedId),
                        (Needs::Table, Needs::Id),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "matches_professional_id_fkey",
                        (Matches::Table, Matches::ProfessionalId),
                        (Users::Table, Users::Id),
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "matches_region_id_fkey",
                        (Matches::Table, Matches::RegionId),
                        (Regions::Table, Regions::Id),
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "matches_application_id_fkey",
                        (Matches::Table, Matches::ApplicationId),
                        (Applications::Table, Applications::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        // One match per pair, ever: a second proposal for the same pair is a conflict, and
        // a cancelled pair stays in the history rather than being proposed again silently.
        manager
            .create_index(
                Index::create()
                    .name("matches_pair_key")
                    .table(Matches::Table)
                    .col(Matches::NeedId)
                    .col(Matches::ProfessionalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("matches_region_status_idx")
                    .table(Matches::Table)
                    .col(Matches::RegionId)
                    .col(Matches::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("matches_professional_idx")
                    .table(Matches::Table)
                    .col(Matches::ProfessionalId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MatchEvents::Table)
                    .col(uuid(MatchEvents::Id).primary_key())
                    .col(uuid(MatchEvents::MatchId))
                    .col(string_null(MatchEvents::FromStatus))
                    .col(string(MatchEvents::ToStatus))
                    // NULL actor: the system (a reminder job, say).
                    .col(uuid_null(MatchEvents::ActorId))
                    .col(string(MatchEvents::ActorRole))
                    .col(text(MatchEvents::Note))
                    .col(timestamp_with_time_zone(MatchEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        "match_events_match_id_fkey",
                        (MatchEvents::Table, MatchEvents::MatchId),
                        (Matches::Table, Matches::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("match_events_match_idx")
                    .table(MatchEvents::Table)
                    .col(MatchEvents::MatchId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Meetings::Table)
                    .col(uuid(Meetings::Id).primary_key())
                    .col(uuid(Meetings::MatchId))
                    // The iCalendar UID: stable across reschedules so calendars update the
                    // event instead of adding a second one.
                    .col(string(Meetings::Uid))
                    .col(integer(Meetings::Sequence))
                    .col(timestamp_with_time_zone(Meetings::StartsAt))
                    .col(integer(Meetings::DurationMinutes))
                    .col(string(Meetings::Mode))
                    .col(text(Meetings::LocationOrUrl))
                    // scheduled | cancelled | held
                    .col(string(Meetings::Status))
                    .col(timestamp_with_time_zone(Meetings::CreatedAt))
                    .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                    .foreign_key(&mut fk(
                        "meetings_match_id_fkey",
                        (Meetings::Table, Meetings::MatchId),
                        (Matches::Table, Matches::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("meetings_match_idx")
                    .table(Meetings::Table)
                    .col(Meetings::MatchId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Disclosures::Table)
                    .col(uuid(Disclosures::Id).primary_key())
                    .col(uuid(Disclosures::ProfessionalId))
                    .col(uuid(Disclosures::OrganizationId))
                    .col(uuid_null(Disclosures::NeedId))
                    .col(uuid_null(Disclosures::MatchId))
                    // The fields disclosed, as a JSON list of names.
                    .col(json(Disclosures::Fields))
                    // application | scout_acceptance
                    .col(string(Disclosures::Consent))
                    // introduction_email | profile_view
                    .col(string(Disclosures::Channel))
                    .col(uuid_null(Disclosures::ActorId))
                    .col(timestamp_with_time_zone(Disclosures::CreatedAt))
                    .foreign_key(&mut fk(
                        "disclosures_organization_id_fkey",
                        (Disclosures::Table, Disclosures::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("disclosures_professional_idx")
                    .table(Disclosures::Table)
                    .col(Disclosures::ProfessionalId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(uuid(IdempotencyKeys::UserId))
                    .col(string(IdempotencyKeys::Scope))
                    .col(string(IdempotencyKeys::Key))
                    .col(string(IdempotencyKeys::Fingerprint))
                    // in_progress | done
                    .col(string(IdempotencyKeys::Status))
                    .col(integer_null(IdempotencyKeys::ResponseStatus))
                    .col(text_null(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::UserId)
                            .col(IdempotencyKeys::Scope)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await?;

        // Every profile write appends here in its transaction; each server process polls
        // for rows past the last it applied and refreshes its in-memory index.
        manager
            .create_table(
                Table::create()
                    .table(ProfileChanges::Table)
                    .col(pk_auto(ProfileChanges::Seq))
                    .col(uuid(ProfileChanges::ProfileId))
                    .col(timestamp_with_time_zone(ProfileChanges::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProfileChanges::Table.into_iden(),
            IdempotencyKeys::Table.into_iden(),
            Disclosures::Table.into_iden(),
            Meetings::Table.into_iden(),
            MatchEvents::Table.into_iden(),
            Matches::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Matches {
    Table,
    Id,
    NeedId,
    ProfessionalId,
    RegionId,
    ApplicationId,
    Origin,
    Status,
    Note,
    Score,
    CreatedBy,
    NudgedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MatchEvents {
    Table,
    Id,
    MatchId,
    FromStatus,
    ToStatus,
    ActorId,
    ActorRole,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    MatchId,
    Uid,
    Sequence,
    StartsAt,
    DurationMinutes,
    Mode,
    LocationOrUrl,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Disclosures {
    Table,
    Id,
    ProfessionalId,
    OrganizationId,
    NeedId,
    MatchId,
    Fields,
    Consent,
    Channel,
    ActorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    UserId,
    Scope,
    Key,
    Fingerprint,
    Status,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProfileChanges {
    Table,
    Seq,
    ProfileId,
    CreatedAt,
}
