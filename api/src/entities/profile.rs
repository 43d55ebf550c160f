//! `profiles`: a professional's profile (複業人材), keyed by their user id.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub headline: String,
    #[sea_orm(column_type = "Text")]
    pub bio: String,
    #[sea_orm(column_type = "Text")]
    pub motivation: String,
    pub skills: Json,
    pub roles: Json,
    pub industries: Json,
    pub themes: Json,
    pub style: String,
    pub hours_per_month: i32,
    pub available_from: Option<Date>,
    pub max_engagements: i32,
    pub work_style: String,
    pub max_onsite_visits_per_month: i32,
    pub home_prefecture: String,
    pub home_city: String,
    pub ties: Json,
    pub meeting_slots: Json,
    pub min_compensation_jpy: i64,
    pub pro_bono_ok: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
