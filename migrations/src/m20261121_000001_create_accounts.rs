//! Regions, users and organizations.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(uuid(Regions::Id).primary_key())
                    .col(string(Regions::Name))
                    .col(string(Regions::Prefecture))
                    .col(string(Regions::City))
                    // Per-region factor weights; NULL means the model's defaults.
                    .col(json_null(Regions::Weights))
                    .col(timestamp_with_time_zone(Regions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("regions_name_key")
                    .table(Regions::Table)
                    .col(Regions::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(uuid(Users::Id).primary_key())
                    // Stored lower-cased, so uniqueness is case-insensitive on both databases.
                    .col(string(Users::Email))
                    .col(string(Users::PasswordHash))
                    .col(string(Users::DisplayName))
                    .col(string(Users::Role))
                    // Set for coordinators only: the one region they act in.
                    .col(uuid_null(Users::RegionId))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone_null(Users::ErasedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("users_region_id_fkey")
                            .from(Users::Table, Users::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_email_key")
                    .table(Users::Table)
                    .col(Users::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(uuid(Organizations::Id).primary_key())
                    .col(uuid(Organizations::OwnerId))
                    .col(uuid(Organizations::RegionId))
                    .col(string(Organizations::Name))
                    .col(string(Organizations::Kind))
                    .col(string(Organizations::Industry))
                    .col(string(Organizations::City))
                    .col(integer_null(Organizations::Employees))
                    .col(text_null(Organizations::Description))
                    .col(timestamp_with_time_zone(Organizations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("organizations_owner_id_fkey")
                            .from(Organizations::Table, Organizations::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("organizations_region_id_fkey")
                            .from(Organizations::Table, Organizations::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("organizations_owner_id_key")
                    .table(Organizations::Table)
                    .col(Organizations::OwnerId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Organizations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Regions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Regions {
    Table,
    Id,
    Name,
    Prefecture,
    City,
    Weights,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    Role,
    RegionId,
    CreatedAt,
    ErasedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Organizations {
    Table,
    Id,
    OwnerId,
    RegionId,
    Name,
    Kind,
    Industry,
    City,
    Employees,
    Description,
    CreatedAt,
}
