//! Matches, their history and meetings, and the record of disclosures.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{new_id, now, to_json};
use crate::{
    domain::{
        account::AccountRole,
        enums::ApplicationStatus,
        matching::{MatchOrigin, MatchStatus},
        meeting::{MeetingMode, MeetingStatus},
    },
    entities::{
        application, disclosure, match_event, matches, meeting, need, organization, profile,
        region, user,
    },
    repo::page::PageRequest,
};

/// A match to create.
#[derive(Debug)]
pub struct NewMatch<'a> {
    /// The need.
    pub need: &'a need::Model,
    /// The professional.
    pub professional_id: Uuid,
    /// The application it came from, if any.
    pub application_id: Option<Uuid>,
    /// Its first state.
    pub status: MatchStatus,
    /// The coordinator's note.
    pub note: &'a str,
    /// Score snapshot.
    pub score: Option<serde_json::Value>,
    /// The coordinator.
    pub created_by: Uuid,
}

/// Inserts a match and its first history row; a second match for the same pair is a
/// unique violation.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewMatch<'_>,
) -> Result<matches::Model, sea_orm::DbErr> {
    let at = now();
    let created = matches::ActiveModel {
        id: Set(new_id()),
        need_id: Set(new.need.id),
        professional_id: Set(new.professional_id),
        region_id: Set(new.need.region_id),
        application_id: Set(new.application_id),
        origin: Set(if new.application_id.is_some() {
            MatchOrigin::Application
        } else {
            MatchOrigin::Scout
        }
        .as_str()
        .to_owned()),
        status: Set(new.status.as_str().to_owned()),
        note: Set(new.note.to_owned()),
        score: Set(new.score),
        created_by: Set(new.created_by),
        nudged_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(db)
    .await?;
    record_event(
        db,
        created.id,
        None,
        new.status,
        Some((new.created_by, AccountRole::Coordinator)),
        new.note,
    )
    .await?;
    Ok(created)
}

/// Appends a history row.
pub async fn record_event(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    from: Option<MatchStatus>,
    to: MatchStatus,
    actor: Option<(Uuid, AccountRole)>,
    note: &str,
) -> Result<(), sea_orm::DbErr> {
    match_event::ActiveModel {
        id: Set(new_id()),
        match_id: Set(match_id),
        from_status: Set(from.map(|status| status.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        actor_id: Set(actor.map(|(id, _)| id)),
        actor_role: Set(actor.map_or("system", |(_, role)| role.as_str()).to_owned()),
        note: Set(note.to_owned()),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Moves a match from `from` to a new state, recording who did it. `None` when the
/// match is no longer in `from` (another request moved it since it was read): the
/// update is conditional on the state, so of two requests racing from one state only
/// one moves it.
pub async fn transition(
    db: &impl ConnectionTrait,
    current: matches::Model,
    from: MatchStatus,
    to: MatchStatus,
    actor: Option<(Uuid, AccountRole)>,
    note: &str,
) -> anyhow::Result<Option<matches::Model>> {
    let id = current.id;
    let updated_at = now();
    let moved = matches::Entity::update_many()
        .col_expr(matches::Column::Status, Expr::value(to.as_str()))
        .col_expr(matches::Column::UpdatedAt, Expr::value(updated_at))
        .filter(matches::Column::Id.eq(id))
        .filter(matches::Column::Status.eq(from.as_str()))
        .exec(db)
        .await
        .context("updating a match")?;
    if moved.rows_affected == 0 {
        return Ok(None);
    }
    record_event(db, id, Some(from), to, actor, note)
        .await
        .context("recording a match event")?;
    Ok(Some(matches::Model {
        status: to.as_str().to_owned(),
        updated_at,
        ..current
    }))
}

/// A match by id.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> anyhow::Result<Option<matches::Model>> {
    matches::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up a match")
}

/// The match of a need and a professional, if any (there is at most one: a unique rule).
pub async fn of_pair(
    db: &impl ConnectionTrait,
    need_id: Uuid,
    professional_id: Uuid,
) -> anyhow::Result<Option<matches::Model>> {
    matches::Entity::find()
        .filter(matches::Column::NeedId.eq(need_id))
        .filter(matches::Column::ProfessionalId.eq(professional_id))
        .one(db)
        .await
        .context("looking up the match of a pair")
}

/// The histories of these matches, each oldest first, in one query.
pub async fn histories(
    db: &impl ConnectionTrait,
    match_ids: &[Uuid],
) -> anyhow::Result<HashMap<Uuid, Vec<match_event::Model>>> {
    let mut histories: HashMap<Uuid, Vec<match_event::Model>> = HashMap::new();
    if match_ids.is_empty() {
        return Ok(histories);
    }
    let events = match_event::Entity::find()
        .filter(match_event::Column::MatchId.is_in(match_ids.iter().copied()))
        .order_by_asc(match_event::Column::CreatedAt)
        .order_by_asc(match_event::Column::Id)
        .all(db)
        .await
        .context("reading the history of matches")?;
    for event in events {
        histories.entry(event.match_id).or_default().push(event);
    }
    Ok(histories)
}

/// The meeting each of these matches shows, in one query: the current one (not
/// cancelled), or else the last one called off.
pub async fn shown_meetings(
    db: &impl ConnectionTrait,
    match_ids: &[Uuid],
) -> anyhow::Result<HashMap<Uuid, meeting::Model>> {
    let mut shown: HashMap<Uuid, meeting::Model> = HashMap::new();
    if match_ids.is_empty() {
        return Ok(shown);
    }
    let newest_first = meeting::Entity::find()
        .filter(meeting::Column::MatchId.is_in(match_ids.iter().copied()))
        .order_by_desc(meeting::Column::Id)
        .all(db)
        .await
        .context("reading the meetings of matches")?;
    for meeting in newest_first {
        let cancelled = meeting.status()? == MeetingStatus::Cancelled;
        match shown.get(&meeting.match_id) {
            None => {
                shown.insert(meeting.match_id, meeting);
            }
            Some(newer) if !cancelled && newer.status()? == MeetingStatus::Cancelled => {
                shown.insert(meeting.match_id, meeting);
            }
            Some(_) => {}
        }
    }
    Ok(shown)
}

/// The rows around some matches (their needs, organizations, people and regions),
/// fetched with one query per table whatever the number of matches.
#[derive(Debug, Default)]
pub struct Surroundings {
    /// Needs by id.
    pub needs: HashMap<Uuid, need::Model>,
    /// Organizations by id.
    pub organizations: HashMap<Uuid, organization::Model>,
    /// Owners, professionals and coordinators by id.
    pub users: HashMap<Uuid, user::Model>,
    /// The professionals' profiles by user id (none after erasure).
    pub profiles: HashMap<Uuid, profile::Model>,
    /// Regions by id.
    pub regions: HashMap<Uuid, region::Model>,
}

fn distinct(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    ids.into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect()
}

/// Reads the [`Surroundings`] of these matches.
pub async fn surroundings(
    db: &impl ConnectionTrait,
    rows: &[matches::Model],
) -> anyhow::Result<Surroundings> {
    if rows.is_empty() {
        return Ok(Surroundings::default());
    }
    let needs = need::Entity::find()
        .filter(need::Column::Id.is_in(distinct(rows.iter().map(|row| row.need_id))))
        .all(db)
        .await
        .context("reading the needs of matches")?;
    let organizations = organization::Entity::find()
        .filter(
            organization::Column::Id.is_in(distinct(needs.iter().map(|need| need.organization_id))),
        )
        .all(db)
        .await
        .context("reading the organizations of matches")?;
    let people = distinct(
        organizations
            .iter()
            .map(|organization| organization.owner_id)
            .chain(rows.iter().map(|row| row.professional_id))
            .chain(rows.iter().map(|row| row.created_by)),
    );
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await
        .context("reading the people of matches")?;
    let profiles = profile::Entity::find()
        .filter(profile::Column::UserId.is_in(distinct(rows.iter().map(|r| r.professional_id))))
        .all(db)
        .await
        .context("reading the profiles of matches")?;
    let regions = region::Entity::find()
        .filter(region::Column::Id.is_in(distinct(needs.iter().map(|need| need.region_id))))
        .all(db)
        .await
        .context("reading the regions of matches")?;
    Ok(Surroundings {
        needs: needs.into_iter().map(|row| (row.id, row)).collect(),
        organizations: organizations.into_iter().map(|row| (row.id, row)).collect(),
        users: users.into_iter().map(|row| (row.id, row)).collect(),
        profiles: profiles.into_iter().map(|row| (row.user_id, row)).collect(),
        regions: regions.into_iter().map(|row| (row.id, row)).collect(),
    })
}

/// The professional's submitted (not withdrawn) application to a need, if any: a match
/// made from it is an introduction.
pub async fn submitted_application(
    db: &impl ConnectionTrait,
    need_id: Uuid,
    professional_id: Uuid,
) -> anyhow::Result<Option<application::Model>> {
    application::Entity::find()
        .filter(application::Column::NeedId.eq(need_id))
        .filter(application::Column::ProfessionalId.eq(professional_id))
        .filter(application::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .one(db)
        .await
        .context("looking up an application to introduce")
}

/// The match's current (not cancelled) meeting.
pub async fn current_meeting(
    db: &impl ConnectionTrait,
    match_id: Uuid,
) -> anyhow::Result<Option<meeting::Model>> {
    meeting::Entity::find()
        .filter(meeting::Column::MatchId.eq(match_id))
        .filter(meeting::Column::Status.ne(MeetingStatus::Cancelled.as_str()))
        .order_by_desc(meeting::Column::Id)
        .one(db)
        .await
        .context("looking up a meeting")
}

/// A meeting's new or changed time and place.
#[derive(Debug, Clone)]
pub struct MeetingSlot {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Length.
    pub duration_minutes: i32,
    /// Online or on site.
    pub mode: MeetingMode,
    /// Where or which URL.
    pub location_or_url: String,
}

/// Schedules the first meeting of a match, or reschedules the current one (same UID,
/// one more SEQUENCE).
pub async fn schedule_meeting(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    slot: MeetingSlot,
) -> anyhow::Result<meeting::Model> {
    let at = now();
    let saved = match current_meeting(db, match_id).await? {
        Some(existing) => {
            let sequence = existing.sequence + 1;
            let mut model: meeting::ActiveModel = existing.into();
            model.sequence = Set(sequence);
            model.starts_at = Set(slot.starts_at);
            model.duration_minutes = Set(slot.duration_minutes);
            model.mode = Set(slot.mode.as_str().to_owned());
            model.location_or_url = Set(slot.location_or_url);
            model.status = Set(MeetingStatus::Scheduled.as_str().to_owned());
            model.updated_at = Set(at);
            model.update(db).await
        }
        None => {
            let id = new_id();
            meeting::ActiveModel {
                id: Set(id),
                match_id: Set(match_id),
                uid: Set(format!("{id}@musubi")),
                sequence: Set(0),
                starts_at: Set(slot.starts_at),
                duration_minutes: Set(slot.duration_minutes),
                mode: Set(slot.mode.as_str().to_owned()),
                location_or_url: Set(slot.location_or_url),
                status: Set(MeetingStatus::Scheduled.as_str().to_owned()),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(db)
            .await
        }
    };
    saved.context("saving a meeting")
}

/// Marks a meeting cancelled or held; a cancellation bumps the SEQUENCE, as RFC 5546 asks.
pub async fn set_meeting_status(
    db: &impl ConnectionTrait,
    meeting: meeting::Model,
    status: MeetingStatus,
) -> anyhow::Result<meeting::Model> {
    let bump = i32::from(status == MeetingStatus::Cancelled);
    let sequence = meeting.sequence + bump;
    let mut model: meeting::ActiveModel = meeting.into();
    model.status = Set(status.as_str().to_owned());
    model.sequence = Set(sequence);
    model.updated_at = Set(now());
    model.update(db).await.context("updating a meeting")
}

/// Lists matches newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    audience: super::Audience,
    status: Option<MatchStatus>,
    page: PageRequest,
) -> anyhow::Result<Vec<matches::Model>> {
    let mut query = matches::Entity::find();
    query = match audience {
        super::Audience::Professional(id) => query.filter(matches::Column::ProfessionalId.eq(id)),
        super::Audience::Region(id) => query.filter(matches::Column::RegionId.eq(id)),
        super::Audience::Owner(owner_id) => {
            query.filter(matches::Column::NeedId.in_subquery(super::needs::ids_owned_by(owner_id)))
        }
    };
    if let Some(status) = status {
        query = query.filter(matches::Column::Status.eq(status.as_str()));
    }
    if let Some(before) = page.before {
        query = query.filter(matches::Column::Id.lt(before));
    }
    query
        .order_by_desc(matches::Column::Id)
        .limit(page.limit + 1)
        .all(db)
        .await
        .context("listing matches")
}

/// Whether an organization has been introduced to a professional (contact shared).
pub async fn introduced_to_owner(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
    owner_id: Uuid,
) -> anyhow::Result<bool> {
    let needs = super::needs::ids_owned_by(owner_id);
    let shared: Vec<&str> = MatchStatus::ALL
        .iter()
        .filter(|s| s.contact_shared())
        .map(|s| s.as_str())
        .collect();
    let found = matches::Entity::find()
        .filter(matches::Column::ProfessionalId.eq(professional_id))
        .filter(matches::Column::NeedId.in_subquery(needs))
        .filter(matches::Column::Status.is_in(shared))
        .one(db)
        .await
        .context("looking for an introduction")?;
    Ok(found.is_some())
}

/// Whether a professional was proposed to (scouted for) any need of a region.
pub async fn proposed_in_region(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
    region_id: Uuid,
) -> anyhow::Result<bool> {
    let found = matches::Entity::find()
        .filter(matches::Column::ProfessionalId.eq(professional_id))
        .filter(matches::Column::RegionId.eq(region_id))
        .one(db)
        .await
        .context("looking for a match in a region")?;
    Ok(found.is_some())
}

/// The matches of a professional still under way (for erasure).
pub async fn open_of_professional(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<Vec<matches::Model>> {
    let open: Vec<&str> = MatchStatus::ALL
        .iter()
        .filter(|s| !s.is_final() && **s != MatchStatus::Met)
        .map(|s| s.as_str())
        .collect();
    matches::Entity::find()
        .filter(matches::Column::ProfessionalId.eq(professional_id))
        .filter(matches::Column::Status.is_in(open))
        .all(db)
        .await
        .context("listing a professional's open matches")
}

/// The matches whose next step has waited since `until` without a nudge: scouts not
/// answered, introductions not moved towards a meeting.
pub async fn due_for_nudge(
    db: &impl ConnectionTrait,
    until: DateTime<Utc>,
) -> anyhow::Result<Vec<matches::Model>> {
    matches::Entity::find()
        .filter(matches::Column::NudgedAt.is_null())
        .filter(matches::Column::Status.is_in([
            MatchStatus::Proposed.as_str(),
            MatchStatus::Introduced.as_str(),
        ]))
        .filter(matches::Column::UpdatedAt.lte(until))
        .all(db)
        .await
        .context("listing matches due for a nudge")
}

/// Marks a match nudged at `at`, unless it was nudged or moved on since it was read:
/// whether this caller got it (so of several processes only one sends the nudge).
pub async fn claim_nudge(
    db: &impl ConnectionTrait,
    found: &matches::Model,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let claimed = matches::Entity::update_many()
        .col_expr(matches::Column::NudgedAt, Expr::value(at))
        .filter(matches::Column::Id.eq(found.id))
        .filter(matches::Column::NudgedAt.is_null())
        .filter(matches::Column::Status.eq(found.status.as_str()))
        .exec(db)
        .await
        .context("claiming a nudge")?;
    Ok(claimed.rows_affected == 1)
}

/// A disclosure to record.
#[derive(Debug)]
pub struct NewDisclosure<'a> {
    /// Whose data.
    pub professional_id: Uuid,
    /// To whom.
    pub organization_id: Uuid,
    /// About which need.
    pub need_id: Option<Uuid>,
    /// Through which match.
    pub match_id: Option<Uuid>,
    /// Which fields.
    pub fields: &'a [&'a str],
    /// On what consent: `application` or `scout_acceptance`.
    pub consent: &'a str,
    /// How: `introduction_email` or `profile_view`.
    pub channel: &'a str,
    /// Who caused it.
    pub actor_id: Option<Uuid>,
}

/// Records that a profile's data was shown to an organization.
pub async fn record_disclosure(
    db: &impl ConnectionTrait,
    new: NewDisclosure<'_>,
) -> anyhow::Result<()> {
    disclosure::ActiveModel {
        id: Set(new_id()),
        professional_id: Set(new.professional_id),
        organization_id: Set(new.organization_id),
        need_id: Set(new.need_id),
        match_id: Set(new.match_id),
        fields: Set(to_json(&new.fields)?),
        consent: Set(new.consent.to_owned()),
        channel: Set(new.channel.to_owned()),
        actor_id: Set(new.actor_id),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .context("recording a disclosure")?;
    Ok(())
}

/// Every disclosure of a professional's data, oldest first.
pub async fn disclosures_of(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<Vec<disclosure::Model>> {
    disclosure::Entity::find()
        .filter(disclosure::Column::ProfessionalId.eq(professional_id))
        .order_by_asc(disclosure::Column::Id)
        .all(db)
        .await
        .context("listing disclosures")
}

/// The statuses of an engagement in progress: introduced and not yet over, or
/// contracted. A scout still waiting for the professional's answer (`proposed`) is not
/// one yet; a declined or cancelled match no longer is.
pub const IN_PROGRESS: [MatchStatus; 4] = [
    MatchStatus::Introduced,
    MatchStatus::MeetingScheduled,
    MatchStatus::Met,
    MatchStatus::Contracted,
];

/// Every match of a region's needs, as `(need, professional, status)`.
pub async fn pairs_in_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<(Uuid, Uuid, String)>> {
    matches::Entity::find()
        .select_only()
        .column(matches::Column::NeedId)
        .column(matches::Column::ProfessionalId)
        .column(matches::Column::Status)
        .filter(matches::Column::RegionId.eq(region_id))
        .into_tuple()
        .all(db)
        .await
        .context("listing a region's matches")
}

/// How many engagements in progress ([`IN_PROGRESS`], less those completed) each
/// professional has, in any region; professionals with none are absent.
pub async fn in_progress_counts(db: &impl ConnectionTrait) -> anyhow::Result<HashMap<Uuid, u32>> {
    let rows: Vec<(Uuid, i64)> = matches::Entity::find()
        .select_only()
        .column(matches::Column::ProfessionalId)
        .expr_as(
            sea_orm::sea_query::Func::count(Expr::col(matches::Column::Id)),
            "engagements",
        )
        .filter(matches::Column::Status.is_in(IN_PROGRESS.map(MatchStatus::as_str)))
        // A completed engagement frees its professional's place.
        .filter(matches::Column::Id.not_in_subquery(super::engagements::completed_match_ids()))
        .group_by(matches::Column::ProfessionalId)
        .into_tuple()
        .all(db)
        .await
        .context("counting engagements in progress")?;
    Ok(rows
        .into_iter()
        .map(|(id, count)| (id, u32::try_from(count).unwrap_or(u32::MAX)))
        .collect())
}

/// Every match of a region, oldest first (for the coordinator's export).
pub async fn of_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<matches::Model>> {
    matches::Entity::find()
        .filter(matches::Column::RegionId.eq(region_id))
        .order_by_asc(matches::Column::Id)
        .all(db)
        .await
        .context("listing a region's matches")
}
