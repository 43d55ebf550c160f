//! `/matches` (the viewer's matches, newest first) and `/matches/{id}` (one match: the
//! need and organization, the status and its history, the other side's contact only as
//! far as [`access::contact_rights`] allows, the meeting with its `.ics` at
//! `/matches/{id}/meeting.ics`), and the forms of the actions the viewer may take now
//! ([`super::match_actions`], [`super::match_forms`]). For the parties and the region's coordinators; anyone
//! else gets the 404 page.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    access,
    domain::{
        ids::MatchId,
        matching::MatchStatus,
        meeting::{MeetingMode, MeetingStatus},
    },
    entities::meeting,
    repo::page::PageRequest,
    scoring,
    services::{self, matches::MatchRecord},
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        form::Errors,
        frame::{Frame, page},
        pages::match_forms::{self, Actions, Again},
    },
};

/// Matches on one page of the list.
const PER_PAGE: u64 = 20;

/// A time as Japanese participants read it (Asia/Tokyo has no daylight saving).
pub(super) fn in_tokyo(at: DateTime<Utc>) -> String {
    (at + Duration::hours(9))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A status in words.
fn status_words(frame: &Frame, status: &str) -> String {
    match MatchStatus::parse(status) {
        Some(known) => frame.msg(status_key(known)).to_owned(),
        None => status.to_owned(),
    }
}

pub(super) fn status_key(status: MatchStatus) -> &'static str {
    match status {
        MatchStatus::Proposed => "match.status.proposed",
        MatchStatus::Introduced => "match.status.introduced",
        MatchStatus::MeetingScheduled => "match.status.meeting_scheduled",
        MatchStatus::Met => "match.status.met",
        MatchStatus::Contracted => "match.status.contracted",
        MatchStatus::Declined => "match.status.declined",
        MatchStatus::Cancelled => "match.status.cancelled",
    }
}

/// How the viewer sees the professional: by name once they may, else pseudonymously.
pub(super) fn professional_line(record: &MatchRecord, by_name: bool) -> Result<String, PageError> {
    if by_name {
        return Ok(record.parties.professional.display_name.clone());
    }
    Ok(match &record.parties.profile {
        Some(profile) => scoring::display(profile)?,
        None => String::new(),
    })
}

/// A match as the list shows it.
#[derive(Debug)]
pub struct MatchCard {
    href: String,
    need: String,
    organization: String,
    professional: String,
    status: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "matches.html")]
struct MatchesPage<'a> {
    frame: &'a Frame,
    cards: Vec<MatchCard>,
    next: Option<String>,
}

/// The list's paging.
#[derive(Debug, Default, Deserialize)]
pub struct MatchesQuery {
    cursor: Option<String>,
}

/// The viewer's matches, newest first.
#[get("/matches")]
pub async fn list(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<MatchesQuery>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, Some(&user));
    let before = match query.cursor.as_deref().filter(|cursor| !cursor.is_empty()) {
        Some(cursor) => Some(Uuid::parse_str(cursor).map_err(|_| PageError::BadRequest)?),
        None => None,
    };
    let found = services::matches::list(
        &state.db,
        &user.caller,
        None,
        PageRequest {
            limit: PER_PAGE,
            before,
        },
    )
    .await?;
    let mut cards = Vec::new();
    for record in &found.items {
        let rights = access::contact_rights(&user.caller, &record.facts(), record.contact_shared());
        cards.push(MatchCard {
            href: format!("/matches/{}", record.row.id),
            need: record.parties.need.title.clone(),
            organization: record.parties.organization.name.clone(),
            professional: professional_line(record, rights.professional)?,
            status: frame.msg(status_key(record.status)).to_owned(),
            updated: frame.msg_with(
                "matches.updated",
                &[(
                    "date",
                    &record.row.updated_at.format("%Y-%m-%d").to_string(),
                )],
            ),
        });
    }
    let next = found
        .next_cursor
        .map(|cursor| format!("/matches?cursor={cursor}"));
    page(
        &frame,
        StatusCode::OK,
        &MatchesPage {
            frame: &frame,
            cards,
            next,
        },
    )
}

/// A person to contact.
#[derive(Debug)]
pub struct Contact {
    name: String,
    email: String,
}

/// One line of the history.
#[derive(Debug)]
pub struct Change {
    at: String,
    status: String,
    by: String,
    note: String,
}

/// The meeting as the page shows it.
#[derive(Debug)]
pub struct MeetingFacts {
    starts: String,
    duration: String,
    mode: String,
    place: String,
    /// Whether `place` is a URL to link.
    online: bool,
    status: String,
    ics: String,
}

/// The meeting in words.
fn meeting_facts(
    frame: &Frame,
    record: &MatchRecord,
    meeting: &meeting::Model,
) -> Result<MeetingFacts, PageError> {
    let online = meeting.mode()? == MeetingMode::Online;
    let status = match MeetingStatus::parse(&meeting.status) {
        Some(MeetingStatus::Held) => "match.meeting.status.held",
        Some(MeetingStatus::Cancelled) => "match.meeting.status.cancelled",
        Some(MeetingStatus::Scheduled) | None => "match.meeting.status.scheduled",
    };
    Ok(MeetingFacts {
        starts: frame.msg_with(
            "match.meeting.starts.value",
            &[("at", &in_tokyo(meeting.starts_at))],
        ),
        duration: frame.msg_with(
            "match.meeting.duration.value",
            &[("minutes", &meeting.duration_minutes.to_string())],
        ),
        mode: frame
            .msg(if online {
                "match.meeting.mode.online"
            } else {
                "match.meeting.mode.onsite"
            })
            .to_owned(),
        place: meeting.location_or_url.clone(),
        online,
        status: frame.msg(status).to_owned(),
        ics: format!("/matches/{}/meeting.ics", record.row.id),
    })
}

/// One proposed time, and the index its form sends.
#[derive(Debug)]
pub struct OfferedTime {
    index: usize,
    starts: String,
}

/// Times proposed for the meeting, waiting for the professional.
#[derive(Debug)]
pub struct ProposalBlock {
    /// The proposal's id, which the forms send.
    id: String,
    /// The times that can still be chosen.
    times: Vec<OfferedTime>,
    /// Whether the viewer is the professional, who chooses.
    choosable: bool,
    /// "Proposed by the SME on …, open until …".
    lead: String,
}

/// Whose answer the match waits for, in words, and whether it is late.
#[derive(Debug)]
pub struct Awaiting {
    line: String,
    /// Past the first nudge (3 days).
    late: bool,
}

fn proposal_block(
    frame: &Frame,
    user: &PageUser,
    record: &MatchRecord,
    now: DateTime<Utc>,
) -> Result<Option<ProposalBlock>, PageError> {
    let Some(proposal) = &record.proposal else {
        return Ok(None);
    };
    let times: Vec<OfferedTime> = services::proposals::open_times(proposal, now)?
        .into_iter()
        .map(|(index, starts_at)| OfferedTime {
            index,
            starts: in_tokyo(starts_at),
        })
        .collect();
    if times.is_empty() {
        return Ok(None);
    }
    let by = frame.msg(if proposal.proposer_role == "coordinator" {
        "match.by.coordinator"
    } else {
        "match.by.sme"
    });
    Ok(Some(ProposalBlock {
        id: proposal.id.to_string(),
        times,
        choosable: user.caller.id == record.row.professional_id,
        lead: frame.msg_with(
            "match.proposal.lead",
            &[
                ("by", by),
                ("at", &in_tokyo(proposal.created_at)),
                ("until", &in_tokyo(proposal.expires_at)),
            ],
        ),
    }))
}

fn awaiting(frame: &Frame, record: &MatchRecord, now: DateTime<Utc>) -> Option<Awaiting> {
    let owed = services::reply_windows::owed(record)?;
    let days = (now - owed.since).num_days().max(0);
    let who = frame.msg(match owed.by {
        services::reply_windows::OwedBy::Professional => "match.awaiting.professional",
        services::reply_windows::OwedBy::Organization => "match.awaiting.organization",
    });
    Some(Awaiting {
        line: frame.msg_with(
            "match.awaiting.line",
            &[
                ("who", who),
                ("since", &in_tokyo(owed.since)),
                ("days", &days.to_string()),
            ],
        ),
        late: days >= services::nudges::NUDGE_AFTER_DAYS,
    })
}

#[derive(Template)]
#[template(path = "match.html")]
struct MatchPage<'a> {
    frame: &'a Frame,
    need: String,
    need_href: String,
    organization: String,
    region: String,
    professional: String,
    status: String,
    organization_contact: Option<Contact>,
    professional_contact: Option<Contact>,
    meeting: Option<MeetingFacts>,
    /// Times proposed for the meeting, waiting for the professional.
    proposal: Option<ProposalBlock>,
    /// Whose answer the match waits for.
    awaiting: Option<Awaiting>,
    history: Vec<Change>,
    /// What was just done, above everything.
    notice: Option<&'static str>,
    /// The forms the viewer may use.
    actions: Actions,
    /// The errors of the form sent back, for the summary.
    errors: Errors,
    /// The engagement after a contract.
    engagement: Option<super::engagement::Section>,
}

async fn visible(state: &AppState, user: &PageUser, id: &str) -> Result<MatchRecord, PageError> {
    let id = Uuid::parse_str(id).map_err(|_| PageError::NotFound)?;
    match services::matches::get(&state.db, &user.caller, MatchId(id)).await {
        // A role that may read no match at all sees the same page as a stranger.
        Err(services::Error::Forbidden(_)) => Err(PageError::NotFound),
        found => Ok(found?),
    }
}

/// `?done=`: what the action just taken did.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// One match.
#[get("/matches/{id}")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    let notice = match query.done.as_deref() {
        Some("accepted") => Some("match.done.accepted"),
        Some("declined") => Some("match.done.declined"),
        Some("cancelled") => Some("match.done.cancelled"),
        Some("scheduled") => Some("match.done.scheduled"),
        Some("rescheduled") => Some("match.done.rescheduled"),
        Some("meeting_cancelled") => Some("match.done.meeting_cancelled"),
        Some("outcome") => Some("match.done.outcome"),
        Some("time_chosen") => Some("match.done.time_chosen"),
        Some("proposed") => Some("match.done.proposed"),
        Some("times_declined") => Some("match.done.times_declined"),
        _ => None,
    };
    render(
        &request,
        &state,
        &user,
        id,
        StatusCode::OK,
        notice,
        Again::default(),
    )
    .await
}

/// The page of match `id` with `status`, its forms drawn afresh or as `again` sent them.
pub(super) async fn render(
    request: &HttpRequest,
    state: &AppState,
    user: &PageUser,
    id: Uuid,
    status: StatusCode,
    notice: Option<&'static str>,
    again: Again,
) -> Result<HttpResponse, PageError> {
    let record = visible(state, user, &id.to_string()).await?;
    let frame = Frame::new(request, Some(user));
    let rights = access::contact_rights(&user.caller, &record.facts(), record.contact_shared());
    let parties = &record.parties;
    let organization_contact = rights.organization.then(|| Contact {
        name: parties.owner.display_name.clone(),
        email: parties.owner.email.clone(),
    });
    let professional_contact = rights.professional.then(|| Contact {
        name: parties.professional.display_name.clone(),
        email: parties.professional.email.clone(),
    });
    let meeting = match &record.meeting {
        Some(meeting) => Some(meeting_facts(&frame, &record, meeting)?),
        None => None,
    };
    let history = record
        .history
        .iter()
        .map(|event| Change {
            at: in_tokyo(event.created_at),
            status: status_words(&frame, &event.to_status),
            by: frame
                .msg(match event.actor_role.as_str() {
                    "coordinator" => "match.by.coordinator",
                    "sme" => "match.by.sme",
                    "professional" => "match.by.professional",
                    _ => "match.by.system",
                })
                .to_owned(),
            note: event.note.clone(),
        })
        .collect();
    let now = Utc::now();
    let proposal = proposal_block(&frame, user, &record, now)?;
    let awaiting = awaiting(&frame, &record, now);
    let offers = services::matches::offers(&user.caller, &record);
    let mut errors = Errors::default();
    let suggested = services::proposals::suggest_for(parties, now)
        .times
        .first()
        .copied();
    let actions = match_forms::actions(
        &frame,
        record.row.id,
        &offers,
        record.meeting.as_ref(),
        again,
        &mut errors,
        suggested,
    );
    let engagement = super::engagement::section(request, state, &frame, &user.caller, id).await?;
    page(
        &frame,
        status,
        &MatchPage {
            frame: &frame,
            need: parties.need.title.clone(),
            need_href: format!("/needs/{}", parties.need.id),
            organization: parties.organization.name.clone(),
            region: parties.region.name.clone(),
            professional: professional_line(&record, rights.professional)?,
            status: frame.msg(status_key(record.status)).to_owned(),
            organization_contact,
            professional_contact,
            meeting,
            proposal,
            awaiting,
            history,
            notice,
            actions,
            errors,
            engagement,
        },
    )
}

/// The meeting's `.ics`: to whoever may read the match, once both sides' contacts are
/// theirs to see (the invitation names everyone on it).
#[get("/matches/{id}/meeting.ics")]
pub async fn meeting_ics(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let record = visible(&state, &user, &id).await?;
    let rights = access::contact_rights(&user.caller, &record.facts(), record.contact_shared());
    if !(rights.professional && rights.organization) {
        return Err(PageError::NotFound);
    }
    let document = services::meetings::calendar(&record).ok_or(PageError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"meeting.ics\"",
        ))
        .body(document))
}
