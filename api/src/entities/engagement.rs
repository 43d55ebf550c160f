//! `engagements`: what follows a contract, one per contracted match.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "engagements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub match_id: Uuid,
    pub region_id: Uuid,
    pub professional_id: Uuid,
    pub status: String,
    pub starts_on: Date,
    pub months: i32,
    pub ends_on: Date,
    pub hours_per_month: i32,
    pub check_in_round: i32,
    pub at_risk_since: Option<DateTimeUtc>,
    pub at_risk_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
