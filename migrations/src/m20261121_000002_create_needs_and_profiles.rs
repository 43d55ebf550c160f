//! Needs (募集), their skill side table, profiles (複業人材) and applications (応募).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_accounts::{Organizations, Regions, Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Needs::Table)
                    .col(uuid(Needs::Id).primary_key())
                    .col(uuid(Needs::OrganizationId))
                    .col(uuid(Needs::RegionId))
                    .col(string(Needs::Status))
                    .col(text(Needs::Title))
                    .col(text(Needs::Description))
                    .col(text(Needs::Goal))
                    .col(string(Needs::Role))
                    .col(string(Needs::Style))
                    .col(json(Needs::Skills))
                    .col(json(Needs::Themes))
                    .col(integer(Needs::HoursMin))
                    .col(integer(Needs::HoursMax))
                    .col(integer(Needs::DurationMonths))
                    .col(string(Needs::WorkStyle))
                    .col(integer(Needs::OnsiteVisitsPerMonth))
                    .col(json(Needs::MeetingSlots))
                    .col(big_integer(Needs::CompensationMinJpy))
                    .col(big_integer(Needs::CompensationMaxJpy))
                    .col(boolean(Needs::ProBono))
                    .col(integer(Needs::Headcount))
                    .col(date_null(Needs::ApplyBy))
                    .col(timestamp_with_time_zone(Needs::CreatedAt))
                    .col(timestamp_with_time_zone(Needs::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("needs_organization_id_fkey")
                            .from(Needs::Table, Needs::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("needs_region_id_fkey")
                            .from(Needs::Table, Needs::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("needs_status_region_idx")
                    .table(Needs::Table)
                    .col(Needs::Status)
                    .col(Needs::RegionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("needs_organization_idx")
                    .table(Needs::Table)
                    .col(Needs::OrganizationId)
                    .to_owned(),
            )
            .await?;

        // One row per skill of a need, so `GET /needs?skill=` is an indexed join on
        // both databases instead of a JSON query that only PostgreSQL could run.
        manager
            .create_table(
                Table::create()
                    .table(NeedSkills::Table)
                    .col(uuid(NeedSkills::NeedId))
                    .col(string(NeedSkills::Skill))
                    .primary_key(
                        Index::create()
                            .col(NeedSkills::NeedId)
                            .col(NeedSkills::Skill),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("need_skills_need_id_fkey")
                            .from(NeedSkills::Table, NeedSkills::NeedId)
                            .to(Needs::Table, Needs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("need_skills_skill_idx")
                    .table(NeedSkills::Table)
                    .col(NeedSkills::Skill)
                    .to_owned(),
            )
            .await?;

        // A profile's key is its professional's user id: one id names the person
        // everywhere (`professional_id` in the API).
        manager
            .create_table(
                Table::create()
                    .table(Profiles::Table)
                    .col(uuid(Profiles::UserId).primary_key())
                    .col(text(Profiles::Headline))
                    .col(text(Profiles::Bio))
                    .col(text(Profiles::Motivation))
                    .col(json(Profiles::Skills))
                    .col(json(Profiles::Roles))
                    .col(json(Profiles::Industries))
                    .col(json(Profiles::Themes))
                    .col(string(Profiles::Style))
                    .col(integer(Profiles::HoursPerMonth))
                    .col(date_null(Profiles::AvailableFrom))
                    .col(integer(Profiles::MaxEngagements))
                    .col(string(Profiles::WorkStyle))
                    .col(integer(Profiles::MaxOnsiteVisitsPerMonth))
                    .col(string(Profiles::HomePrefecture))
                    .col(string(Profiles::HomeCity))
                    .col(json(Profiles::Ties))
                    .col(json(Profiles::MeetingSlots))
                    .col(big_integer(Profiles::MinCompensationJpy))
                    .col(boolean(Profiles::ProBonoOk))
                    .col(boolean(Profiles::Active))
                    .col(timestamp_with_time_zone(Profiles::CreatedAt))
                    .col(timestamp_with_time_zone(Profiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("profiles_user_id_fkey")
                            .from(Profiles::Table, Profiles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Applications::Table)
                    .col(uuid(Applications::Id).primary_key())
                    .col(uuid(Applications::NeedId))
                    .col(uuid(Applications::ProfessionalId))
                    .col(text(Applications::Message))
                    .col(string(Applications::Status))
                    // The score at the time of applying, so a coordinator can later see
                    // why the pair ranked where it did.
                    .col(json_null(Applications::Score))
                    .col(timestamp_with_time_zone(Applications::CreatedAt))
                    .col(timestamp_with_time_zone(Applications::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("applications_need_id_fkey")
                            .from(Applications::Table, Applications::NeedId)
                            .to(Needs::Table, Needs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("applications_professional_id_fkey")
                            .from(Applications::Table, Applications::ProfessionalId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("applications_need_professional_key")
                    .table(Applications::Table)
                    .col(Applications::NeedId)
                    .col(Applications::ProfessionalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("applications_professional_idx")
                    .table(Applications::Table)
                    .col(Applications::ProfessionalId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Applications::Table.into_iden(),
            Profiles::Table.into_iden(),
            NeedSkills::Table.into_iden(),
            Needs::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Needs {
    Table,
    Id,
    OrganizationId,
    RegionId,
    Status,
    Title,
    Description,
    Goal,
    Role,
    Style,
    Skills,
    Themes,
    HoursMin,
    HoursMax,
    DurationMonths,
    WorkStyle,
    OnsiteVisitsPerMonth,
    MeetingSlots,
    CompensationMinJpy,
    CompensationMaxJpy,
    ProBono,
    Headcount,
    ApplyBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NeedSkills {
    Table,
    NeedId,
    Skill,
}

#[derive(DeriveIden)]
pub(crate) enum Profiles {
    Table,
    UserId,
    Headline,
    Bio,
    Motivation,
    Skills,
    Roles,
    Industries,
    Themes,
    Style,
    HoursPerMonth,
    AvailableFrom,
    MaxEngagements,
    WorkStyle,
    MaxOnsiteVisitsPerMonth,
    HomePrefecture,
    HomeCity,
    Ties,
    MeetingSlots,
    MinCompensationJpy,
    ProBonoOk,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Applications {
    Table,
    Id,
    NeedId,
    ProfessionalId,
    Message,
    Status,
    Score,
    CreatedAt,
    UpdatedAt,
}
