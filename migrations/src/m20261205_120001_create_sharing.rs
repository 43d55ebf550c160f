//! The alliance (issue 14): regions find each other's professionals only with their
//! consent, and every such display is kept as a provision record (APPI third-party
//! provision); a region may dampen the scores of professionals already much asked.
//!
//! - `sharing_consents`: one row per professional who chose something other than the
//!   default (`ties`: only the regions of their own home and ties). `mode` is `ties`,
//!   `all` or `list`; `region_ids` the chosen regions of a `list`. Withdrawing writes
//!   `ties` again (the row stays, with when it changed).
//! - `provisions`: each time a professional's profile was shown to a region that is not
//!   their own. Not `disclosures`: a disclosure is to an organization (its
//!   `organization_id` is required), a provision is to a region's coordinators.
//!   Records outlive the consent they were made under, and the profile too (erasure
//!   keeps the account row they hang from).
//! - `regions.congestion_weight`: the region's congestion dampening weight (`NULL`:
//!   the default, none).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SharingConsents::Table)
                    .col(uuid(SharingConsents::ProfessionalId).primary_key())
                    // ties | all | list
                    .col(string(SharingConsents::Mode))
                    // The chosen regions' ids (a JSON list), for `list`.
                    .col(json(SharingConsents::RegionIds))
                    .col(timestamp_with_time_zone(SharingConsents::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("sharing_consents_professional_id_fkey")
                            .from(SharingConsents::Table, SharingConsents::ProfessionalId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Provisions::Table)
                    .col(uuid(Provisions::Id).primary_key())
                    .col(uuid(Provisions::ProfessionalId))
                    // The region shown to, and the coordinator who was shown.
                    .col(uuid(Provisions::RegionId))
                    .col(uuid_null(Provisions::ActorId))
                    // The need the profile was shown for, if any.
                    .col(uuid_null(Provisions::NeedId))
                    // The fields shown, as a JSON list of names.
                    .col(json(Provisions::Fields))
                    // The consent it was shown under: all | list
                    .col(string(Provisions::Consent))
                    // candidates | suggestion | profile_view
                    .col(string(Provisions::Channel))
                    .col(timestamp_with_time_zone(Provisions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("provisions_professional_id_fkey")
                            .from(Provisions::Table, Provisions::ProfessionalId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("provisions_professional_idx")
                    .table(Provisions::Table)
                    .col(Provisions::ProfessionalId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Regions::Table)
                    .add_column(double_null(Regions::CongestionWeight))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Regions::Table)
                    .drop_column(Regions::CongestionWeight)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Provisions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SharingConsents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SharingConsents {
    Table,
    ProfessionalId,
    Mode,
    RegionIds,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Provisions {
    Table,
    Id,
    ProfessionalId,
    RegionId,
    ActorId,
    NeedId,
    Fields,
    Consent,
    Channel,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    CongestionWeight,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
