//! `profile_changes`: the feed that keeps every process's ranking index current.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "profile_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i32,
    pub profile_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
