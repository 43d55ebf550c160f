//! Users and organizations.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::{new_id, now};
use crate::{
    domain::account::AccountRole,
    entities::{organization, user},
};

/// A user to create.
#[derive(Debug)]
pub struct NewUser<'a> {
    /// Lower-cased email.
    pub email: &'a str,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// Display name.
    pub display_name: &'a str,
    /// Role.
    pub role: AccountRole,
    /// Coordinators only.
    pub region_id: Option<Uuid>,
}

/// Inserts a user; a duplicate email surfaces as a unique violation.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewUser<'_>,
) -> Result<user::Model, sea_orm::DbErr> {
    user::ActiveModel {
        id: Set(new_id()),
        email: Set(new.email.to_owned()),
        password_hash: Set(new.password_hash),
        display_name: Set(new.display_name.to_owned()),
        role: Set(new.role.as_str().to_owned()),
        region_id: Set(new.region_id),
        created_at: Set(now()),
        erased_at: Set(None),
        token_version: Set(0),
    }
    .insert(db)
    .await
}

/// A live (not erased) user by email.
pub async fn by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> anyhow::Result<Option<user::Model>> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::ErasedAt.is_null())
        .one(db)
        .await
        .context("looking up a user by email")
}

/// A user by id.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> anyhow::Result<Option<user::Model>> {
    user::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up a user")
}

/// The organization an SME account owns.
pub async fn organization_of(
    db: &impl ConnectionTrait,
    owner_id: Uuid,
) -> anyhow::Result<Option<organization::Model>> {
    organization::Entity::find()
        .filter(organization::Column::OwnerId.eq(owner_id))
        .one(db)
        .await
        .context("looking up an organization")
}

/// An organization to create with its owner.
#[derive(Debug)]
pub struct NewOrganization<'a> {
    /// Owner.
    pub owner_id: Uuid,
    /// Region.
    pub region_id: Uuid,
    /// Name.
    pub name: &'a str,
    /// `sme` or `municipality`.
    pub kind: &'static str,
    /// Industry key.
    pub industry: &'a str,
    /// City.
    pub city: &'a str,
    /// Head count.
    pub employees: Option<i32>,
    /// Description.
    pub description: Option<&'a str>,
}

/// Inserts an organization.
pub async fn insert_organization(
    db: &impl ConnectionTrait,
    new: NewOrganization<'_>,
) -> anyhow::Result<organization::Model> {
    organization::ActiveModel {
        id: Set(new_id()),
        owner_id: Set(new.owner_id),
        region_id: Set(new.region_id),
        name: Set(new.name.to_owned()),
        kind: Set(new.kind.to_owned()),
        industry: Set(new.industry.to_owned()),
        city: Set(new.city.to_owned()),
        employees: Set(new.employees),
        description: Set(new.description.map(str::to_owned)),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .context("inserting an organization")
}

/// The names of some organizations, by id, in one query.
pub async fn organization_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> anyhow::Result<HashMap<Uuid, String>> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    let rows = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Name)
        .filter(organization::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await
        .context("looking up the names of organizations")?;
    Ok(rows.into_iter().collect())
}
