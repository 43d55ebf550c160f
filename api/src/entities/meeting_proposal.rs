//! `meeting_proposals`: up to three meeting times proposed for a match, answered by the
//! professional with one click.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub match_id: Uuid,
    pub batch: Uuid,
    pub proposed_by: Uuid,
    pub proposer_role: String,
    pub times: Json,
    pub duration_minutes: i32,
    pub mode: String,
    #[sea_orm(column_type = "Text")]
    pub location_or_url: String,
    pub status: String,
    pub chosen_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub settled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
