//! Regions.

use anyhow::Context;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use uuid::Uuid;

use super::{new_id, now};
use crate::entities::region;

/// A region by id.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> anyhow::Result<Option<region::Model>> {
    region::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up a region")
}

/// Every region, by name.
pub async fn all(db: &impl ConnectionTrait) -> anyhow::Result<Vec<region::Model>> {
    region::Entity::find()
        .order_by_asc(region::Column::Name)
        .all(db)
        .await
        .context("listing regions")
}

/// Creates a region.
pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    prefecture: &str,
    city: &str,
) -> Result<region::Model, sea_orm::DbErr> {
    region::ActiveModel {
        id: Set(new_id()),
        name: Set(name.to_owned()),
        prefecture: Set(prefecture.to_owned()),
        city: Set(city.to_owned()),
        weights: Set(None),
        congestion_weight: Set(None),
        created_at: Set(now()),
    }
    .insert(db)
    .await
}

/// Stores a region's congestion dampening weight.
pub async fn set_congestion(
    db: &impl ConnectionTrait,
    region: region::Model,
    weight: f64,
) -> anyhow::Result<region::Model> {
    use anyhow::Context as _;
    let mut model: region::ActiveModel = region.into();
    model.congestion_weight = Set(Some(weight));
    model
        .update(db)
        .await
        .context("storing a region's congestion weight")
}
