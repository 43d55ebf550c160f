//! `needs`: a need (募集), the written spec of one engagement.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "needs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub region_id: Uuid,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub goal: String,
    pub role: String,
    pub style: String,
    pub skills: Json,
    pub themes: Json,
    pub hours_min: i32,
    pub hours_max: i32,
    pub duration_months: i32,
    pub work_style: String,
    pub onsite_visits_per_month: i32,
    pub meeting_slots: Json,
    pub compensation_min_jpy: i64,
    pub compensation_max_jpy: i64,
    pub pro_bono: bool,
    pub headcount: i32,
    pub apply_by: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
