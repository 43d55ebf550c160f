//! `relays`: one kind email to an applicant not introduced when a need stopped taking
//! people, keyed by the need and the professional (at most one each).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "relays")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub need_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub professional_id: Uuid,
    pub cause: String,
    pub created_at: DateTimeUtc,
    pub queued_at: Option<DateTimeUtc>,
    pub outbox_id: Option<Uuid>,
    pub suggested: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
