//! `matches`: a coordinator's introduction (紹介) of a professional to a need.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "matches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub need_id: Uuid,
    pub professional_id: Uuid,
    pub region_id: Uuid,
    pub application_id: Option<Uuid>,
    pub origin: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub score: Option<Json>,
    pub created_by: Uuid,
    pub nudged_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
