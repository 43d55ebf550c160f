//! What a caller sees of a match: contact details only once they are shared, and only to
//! the parties and the region's coordinators.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::parties::Parties;
use crate::{
    auth::{AccountRole, AuthUser},
    domain::matching::MatchStatus,
    entities::{match_event, matches, meeting},
    error::ApiResult,
    repo,
};

/// The professional, as the viewer may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfessionalSide {
    /// Their id.
    pub professional_id: Uuid,
    /// The pseudonymous line.
    pub display: String,
    /// Name: coordinators always; the SME once contact is shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Email: coordinators always; the SME once contact is shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The organization, as the viewer may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationSide {
    /// Its id.
    pub organization_id: Uuid,
    /// Its name.
    pub name: String,
    /// The contact person: coordinators always; the professional once contact is shared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// The contact email, under the same rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The introduction meeting.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingView {
    /// Id.
    pub id: Uuid,
    /// The iCalendar UID.
    pub uid: String,
    /// The iCalendar SEQUENCE.
    pub sequence: i32,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Length.
    pub duration_minutes: i32,
    /// `online` or `onsite`.
    pub mode: String,
    /// URL or place.
    pub location_or_url: String,
    /// `scheduled`, `held` or `cancelled`.
    pub status: String,
}

impl From<meeting::Model> for MeetingView {
    fn from(meeting: meeting::Model) -> Self {
        Self {
            id: meeting.id,
            uid: meeting.uid,
            sequence: meeting.sequence,
            starts_at: meeting.starts_at,
            duration_minutes: meeting.duration_minutes,
            mode: meeting.mode,
            location_or_url: meeting.location_or_url,
            status: meeting.status,
        }
    }
}

/// One state change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// The state before (none for the first).
    pub from: Option<String>,
    /// The state after.
    pub to: String,
    /// Who: `coordinator`, `sme`, `professional` or `system`.
    pub actor_role: String,
    /// Their id (none for the system).
    pub actor_id: Option<Uuid>,
    /// Note or reason.
    pub note: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<match_event::Model> for HistoryEntry {
    fn from(event: match_event::Model) -> Self {
        Self {
            from: event.from_status,
            to: event.to_status,
            actor_role: event.actor_role,
            actor_id: event.actor_id,
            note: event.note,
            at: event.created_at,
        }
    }
}

/// A match.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchView {
    /// Id.
    pub id: Uuid,
    /// The need.
    pub need_id: Uuid,
    /// Its title.
    pub need_title: String,
    /// The region.
    pub region_id: Uuid,
    /// The application it came from (`null` when scouted).
    pub application_id: Option<Uuid>,
    /// `application` or `scout`.
    pub origin: String,
    /// Current state.
    pub status: MatchStatus,
    /// The coordinator's note (coordinators only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The score when the pair was chosen, with its reasons.
    pub score: Option<serde_json::Value>,
    /// The professional.
    pub professional: ProfessionalSide,
    /// The organization.
    pub organization: OrganizationSide,
    /// The current or last meeting.
    pub meeting: Option<MeetingView>,
    /// Every state change, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// Whether the caller may see this match at all: its professional, the owner of its need,
/// or a coordinator of its region.
pub fn may_see(caller: &AuthUser, found: &matches::Model, parties: &Parties) -> bool {
    match caller.role {
        AccountRole::Professional => caller.id == found.professional_id,
        AccountRole::Sme => caller.id == parties.owner.id,
        AccountRole::Coordinator => caller.coordinates(found.region_id),
    }
}

/// Builds the caller's view of a match.
pub async fn build(
    db: &impl sea_orm::ConnectionTrait,
    caller: &AuthUser,
    found: &matches::Model,
    parties: &Parties,
) -> ApiResult<MatchView> {
    let status = MatchStatus::parse(&found.status).unwrap_or(MatchStatus::Cancelled);
    let shared = status.contact_shared() && !parties.professional_erased();
    let coordinator = caller.role == AccountRole::Coordinator;
    let professional_contact = coordinator
        || (shared && caller.role == AccountRole::Sme)
        || caller.id == found.professional_id;
    let organization_contact = coordinator
        || caller.role == AccountRole::Sme
        || (shared && caller.id == found.professional_id);
    let display = match &parties.profile {
        Some(profile) => crate::scoring::display(profile)?,
        None => "退会済み (erased)".to_owned(),
    };
    let events = repo::matches::events(db, found.id).await?;
    let meeting = match repo::matches::current_meeting(db, found.id).await? {
        Some(meeting) => Some(meeting),
        None => last_meeting(db, found.id).await?,
    };
    Ok(MatchView {
        id: found.id,
        need_id: found.need_id,
        need_title: parties.need.title.clone(),
        region_id: found.region_id,
        application_id: found.application_id,
        origin: found.origin.clone(),
        status,
        note: coordinator.then(|| found.note.clone()),
        score: found.score.clone(),
        professional: ProfessionalSide {
            professional_id: found.professional_id,
            display,
            display_name: professional_contact.then(|| parties.professional.display_name.clone()),
            email: professional_contact.then(|| parties.professional.email.clone()),
        },
        organization: OrganizationSide {
            organization_id: parties.organization.id,
            name: parties.organization.name.clone(),
            contact_name: organization_contact.then(|| parties.owner.display_name.clone()),
            email: organization_contact.then(|| parties.owner.email.clone()),
        },
        meeting: meeting.map(MeetingView::from),
        history: events.into_iter().map(HistoryEntry::from).collect(),
        created_at: found.created_at,
        updated_at: found.updated_at,
    })
}

async fn last_meeting(
    db: &impl sea_orm::ConnectionTrait,
    match_id: Uuid,
) -> anyhow::Result<Option<meeting::Model>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    meeting::Entity::find()
        .filter(meeting::Column::MatchId.eq(match_id))
        .order_by_desc(meeting::Column::Id)
        .one(db)
        .await
        .map_err(Into::into)
}
