//! What a caller sees of a match: contact details only as far as
//! [`access::contact_rights`] allows, the coordinator's note only on the region's desk.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::{self, Action, Actor},
    domain::{matching::MatchStatus, proposal::OwedBy},
    entities::{match_event, meeting, meeting_proposal},
    services::{self, matches::MatchRecord},
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

impl From<&meeting::Model> for MeetingView {
    fn from(meeting: &meeting::Model) -> Self {
        Self {
            id: meeting.id,
            uid: meeting.uid.clone(),
            sequence: meeting.sequence,
            starts_at: meeting.starts_at,
            duration_minutes: meeting.duration_minutes,
            mode: meeting.mode.clone(),
            location_or_url: meeting.location_or_url.clone(),
            status: meeting.status.clone(),
        }
    }
}

/// A proposed time that can still be chosen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedTime {
    /// Its place in the proposal (0–2), as the emailed links and the page name it.
    pub index: usize,
    /// Start.
    pub starts_at: DateTime<Utc>,
}

/// Meeting times proposed to the professional and not answered yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    /// Id.
    pub id: Uuid,
    /// The times that can still be chosen (until each starts, and for 7 days at most).
    pub times: Vec<ProposedTime>,
    /// Length.
    pub duration_minutes: i32,
    /// `online` or `onsite`.
    pub mode: String,
    /// URL or place.
    pub location_or_url: String,
    /// `sme` or `coordinator`.
    pub proposer_role: String,
    /// Proposed at.
    pub created_at: DateTime<Utc>,
    /// No time can be chosen after this.
    pub expires_at: DateTime<Utc>,
}

/// Whose answer the match waits for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwaitingView {
    /// `professional` or `organization`.
    pub from: String,
    /// Since when.
    pub since: DateTime<Utc>,
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

impl From<&match_event::Model> for HistoryEntry {
    fn from(event: &match_event::Model) -> Self {
        Self {
            from: event.from_status.clone(),
            to: event.to_status.clone(),
            actor_role: event.actor_role.clone(),
            actor_id: event.actor_id,
            note: event.note.clone(),
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
    /// Meeting times proposed and not answered yet.
    pub meeting_proposal: Option<ProposalView>,
    /// Whose answer the match waits for, and since when (none once a meeting is set).
    pub awaiting: Option<AwaitingView>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

fn proposal_view(proposal: &meeting_proposal::Model) -> anyhow::Result<ProposalView> {
    let times = services::proposals::open_times(proposal, Utc::now())
        .map_err(|error| anyhow::anyhow!("{error}"))?
        .into_iter()
        .map(|(index, starts_at)| ProposedTime { index, starts_at })
        .collect();
    Ok(ProposalView {
        id: proposal.id,
        times,
        duration_minutes: proposal.duration_minutes,
        mode: proposal.mode.clone(),
        location_or_url: proposal.location_or_url.clone(),
        proposer_role: proposal.proposer_role.clone(),
        created_at: proposal.created_at,
        expires_at: proposal.expires_at,
    })
}

/// The caller's view of a match the service let them see.
pub fn build(caller: &Actor, record: &MatchRecord) -> anyhow::Result<MatchView> {
    let found = &record.row;
    let parties = &record.parties;
    let rights = access::contact_rights(caller, &record.facts(), record.contact_shared());
    // The note is for the desk of the match's region.
    let desk = access::decide(Some(caller), Action::CoordinateRegion(found.region_id)).allowed();
    let display = match &parties.profile {
        Some(profile) => crate::scoring::display(profile)?,
        None => "退会済み (erased)".to_owned(),
    };
    Ok(MatchView {
        id: found.id,
        need_id: found.need_id,
        need_title: parties.need.title.clone(),
        region_id: found.region_id,
        application_id: found.application_id,
        origin: found.origin.clone(),
        status: record.status,
        note: desk.then(|| found.note.clone()),
        score: found.score.clone(),
        professional: ProfessionalSide {
            professional_id: found.professional_id,
            display,
            display_name: rights
                .professional
                .then(|| parties.professional.display_name.clone()),
            email: rights
                .professional
                .then(|| parties.professional.email.clone()),
        },
        organization: OrganizationSide {
            organization_id: parties.organization.id,
            name: parties.organization.name.clone(),
            contact_name: rights
                .organization
                .then(|| parties.owner.display_name.clone()),
            email: rights.organization.then(|| parties.owner.email.clone()),
        },
        meeting: record.meeting.as_ref().map(MeetingView::from),
        history: record.history.iter().map(HistoryEntry::from).collect(),
        meeting_proposal: match &record.proposal {
            Some(proposal) => Some(proposal_view(proposal)?),
            None => None,
        },
        awaiting: services::reply_windows::owed(record).map(|owed| AwaitingView {
            from: match owed.by {
                OwedBy::Professional => "professional",
                OwedBy::Organization => "organization",
            }
            .to_owned(),
            since: owed.since,
        }),
        created_at: found.created_at,
        updated_at: found.updated_at,
    })
}
