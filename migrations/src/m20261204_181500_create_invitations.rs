//! Invitations: a coordinator's import of professionals the region already knows. Each
//! row of the file becomes one invitation, emailed with a link; no account and no profile
//! exist until the person opens the link, sets a password and consents. The database keeps
//! only the SHA-256 of the link's token (as for password resets), the profile the row
//! described (JSON, shown for review on the link's page), and whether it was accepted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(uuid(Invitations::Id).primary_key())
                    // Hex SHA-256 of the token in the emailed link; the token is never stored.
                    .col(string(Invitations::TokenHash))
                    .col(uuid(Invitations::RegionId))
                    // The coordinator who imported the row (NULL once that account is gone).
                    .col(uuid_null(Invitations::InvitedBy))
                    // Lower-cased, as users.email: duplicates are found by equality.
                    .col(string(Invitations::Email))
                    .col(string(Invitations::DisplayName))
                    // The profile as the row described it (the API's profile JSON).
                    .col(json(Invitations::Profile))
                    // pending → accepted (or expired, once a visit finds it past expires_at).
                    .col(string(Invitations::Status))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                    // The account made on acceptance.
                    .col(uuid_null(Invitations::UserId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("invitations_region_id_fkey")
                            .from(Invitations::Table, Invitations::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("invitations_invited_by_fkey")
                            .from(Invitations::Table, Invitations::InvitedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("invitations_user_id_fkey")
                            .from(Invitations::Table, Invitations::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_token_hash_key")
                    .table(Invitations::Table)
                    .col(Invitations::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // An import looks up which of its emails already have a pending invitation.
        manager
            .create_index(
                Index::create()
                    .name("invitations_email_idx")
                    .table(Invitations::Table)
                    .col(Invitations::Email)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_region_id_idx")
                    .table(Invitations::Table)
                    .col(Invitations::RegionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TokenHash,
    RegionId,
    InvitedBy,
    Email,
    DisplayName,
    Profile,
    Status,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    UserId,
}
