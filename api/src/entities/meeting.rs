//! `meetings`: the introduction meeting (面談) of a match, online or on site.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub match_id: Uuid,
    pub uid: String,
    pub sequence: i32,
    pub starts_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub mode: String,
    #[sea_orm(column_type = "Text")]
    pub location_or_url: String,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
