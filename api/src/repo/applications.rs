//! Applications (応募).

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::{new_id, now};
use crate::{
    domain::enums::ApplicationStatus,
    entities::{application, profile, user},
    repo::page::PageRequest,
};

/// Inserts an application; a second one for the same need and professional surfaces as a
/// unique violation.
pub async fn insert(
    db: &impl ConnectionTrait,
    need_id: Uuid,
    professional_id: Uuid,
    message: &str,
    score: Option<serde_json::Value>,
) -> Result<application::Model, sea_orm::DbErr> {
    let at = now();
    application::ActiveModel {
        id: Set(new_id()),
        need_id: Set(need_id),
        professional_id: Set(professional_id),
        message: Set(message.to_owned()),
        status: Set(ApplicationStatus::Submitted.as_str().to_owned()),
        score: Set(score),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(db)
    .await
}

/// An application by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> anyhow::Result<Option<application::Model>> {
    application::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up an application")
}

/// Marks an application withdrawn.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    application: application::Model,
) -> anyhow::Result<application::Model> {
    let mut model: application::ActiveModel = application.into();
    model.status = Set(ApplicationStatus::Withdrawn.as_str().to_owned());
    model.updated_at = Set(now());
    model.update(db).await.context("withdrawing an application")
}

/// Lists applications newest first, optionally for one need.
pub async fn list(
    db: &impl ConnectionTrait,
    audience: super::Audience,
    need_id: Option<Uuid>,
    page: PageRequest,
) -> anyhow::Result<Vec<application::Model>> {
    let mut query = application::Entity::find();
    query = match audience {
        super::Audience::Professional(id) => {
            query.filter(application::Column::ProfessionalId.eq(id))
        }
        super::Audience::Owner(owner_id) => query
            .filter(application::Column::NeedId.in_subquery(super::needs::ids_owned_by(owner_id))),
        super::Audience::Region(region_id) => query.filter(
            application::Column::NeedId.in_subquery(super::needs::ids_in_region(region_id)),
        ),
    };
    if let Some(need_id) = need_id {
        query = query.filter(application::Column::NeedId.eq(need_id));
    }
    if let Some(before) = page.before {
        query = query.filter(application::Column::Id.lt(before));
    }
    query
        .order_by_desc(application::Column::Id)
        .limit(page.limit + 1)
        .all(db)
        .await
        .context("listing applications")
}

/// Whether a professional applied to any need of a region.
pub async fn applied_in_region(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
    region_id: Uuid,
) -> anyhow::Result<bool> {
    let found = application::Entity::find()
        .filter(application::Column::ProfessionalId.eq(professional_id))
        .filter(application::Column::NeedId.in_subquery(super::needs::ids_in_region(region_id)))
        .one(db)
        .await
        .context("looking for an application in a region")?;
    Ok(found.is_some())
}

/// Every application of a professional (for the export).
pub async fn of_professional(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<Vec<application::Model>> {
    application::Entity::find()
        .filter(application::Column::ProfessionalId.eq(professional_id))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await
        .context("listing a professional's applications")
}

/// Applicants as a list of applications shows them: their names and profiles, by id
/// (an erased professional has a name of `""` and no profile).
#[derive(Debug, Default)]
pub struct Applicants {
    /// Display names, by professional id.
    pub names: HashMap<Uuid, String>,
    /// Profiles, by professional id.
    pub profiles: HashMap<Uuid, profile::Model>,
}

/// The names and profiles of some professionals: two queries, however many there are.
pub async fn applicants(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> anyhow::Result<Applicants> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Applicants::default());
    }
    let names: Vec<(Uuid, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
        .context("looking up applicants' names")?;
    let profiles = profile::Entity::find()
        .filter(profile::Column::UserId.is_in(ids))
        .all(db)
        .await
        .context("looking up applicants' profiles")?;
    Ok(Applicants {
        names: names.into_iter().collect(),
        profiles: profiles
            .into_iter()
            .map(|profile| (profile.user_id, profile))
            .collect(),
    })
}

/// Every application to a region's needs, oldest first (for the coordinator's export).
pub async fn of_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<application::Model>> {
    application::Entity::find()
        .filter(application::Column::NeedId.in_subquery(super::needs::ids_in_region(region_id)))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await
        .context("listing a region's applications")
}

/// The submitted (not withdrawn) applications to a region's open needs, oldest first:
/// what a coordinator may still introduce.
pub async fn submitted_to_open_needs(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<application::Model>> {
    application::Entity::find()
        .filter(
            application::Column::NeedId.in_subquery(super::needs::open_ids_in_region(region_id)),
        )
        .filter(application::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await
        .context("listing a region's submitted applications")
}
