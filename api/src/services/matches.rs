//! Matches (紹介): made by coordinators, answered by professionals and SMEs, carried to
//! the introduction meeting ([`super::meetings`]) and its outcome.
//!
//! Every step is allowed by [`crate::access`], checked by the state machine of
//! [`crate::domain::matching`], recorded in the match's history, and writes its emails to
//! the outbox in the same transaction. Each returns the match as a [`MatchRecord`]; the
//! doors decide what of it the actor sees.

mod letters;
mod offers;
pub mod parties;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use uuid::Uuid;

pub use self::{
    offers::{Offers, offers},
    parties::Parties,
};
use super::{Error, Result};
use crate::{
    access::{self, Action, Actor, Decision, MatchFacts, NeedFacts},
    config::Settings,
    domain::{
        account::AccountRole,
        error::ConflictCode,
        ids::{MatchId, UserId},
        matching::{CreateMatch, Event, IllegalTransition, MatchStatus, Outcome, Reason},
        meeting::MeetingStatus,
    },
    entities::{match_event, matches, meeting, meeting_proposal, need},
    ranking::Ranking,
    repo::{
        self,
        page::{Page, PageRequest},
    },
};

/// What the emails of a match change take from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Mail<'a> {
    /// `MUSUBI_PUBLIC_URL`: where the links in the emails point.
    pub public_url: &'a str,
}

impl<'a> From<&'a Settings> for Mail<'a> {
    fn from(settings: &'a Settings) -> Self {
        Self {
            public_url: &settings.public_url,
        }
    }
}

pub use super::BeforeCommit;

/// A match with everything a door may show of it.
#[derive(Debug, Clone)]
pub struct MatchRecord {
    /// The row.
    pub row: matches::Model,
    /// Where it stands.
    pub status: MatchStatus,
    /// The need, the organization, the people, the region.
    pub parties: Parties,
    /// Every state change, oldest first.
    pub history: Vec<match_event::Model>,
    /// The current meeting, or else the last one called off.
    pub meeting: Option<meeting::Model>,
    /// Meeting times proposed and not answered yet (see [`super::proposals`]).
    pub proposal: Option<meeting_proposal::Model>,
}

impl MatchRecord {
    /// What the access policy needs to know about the match.
    pub fn facts(&self) -> MatchFacts {
        self.parties.facts(&self.row)
    }

    /// Whether the two sides have each other's contact: from the introduction on, unless
    /// the professional erased their data.
    pub fn contact_shared(&self) -> bool {
        self.status.contact_shared() && !self.parties.professional_erased()
    }
}

/// An illegal transition is a conflict that names the current state.
/// The match left the state it was read in before this request could move it: another
/// request moved it first (409, as any step its state does not allow).
pub(super) fn changed_meanwhile() -> Error {
    Error::conflict(
        ConflictCode::IllegalTransition,
        "the match changed while this request was made; reload it",
    )
}

impl From<IllegalTransition> for Error {
    fn from(error: IllegalTransition) -> Self {
        Error::conflict(ConflictCode::IllegalTransition, error.to_string())
    }
}

/// Runs `work` in one transaction (the change, its history, its emails and whatever the
/// door adds commit together or not at all), then wakes the mail worker.
pub(super) async fn committed<T, F>(db: &DatabaseConnection, work: F) -> Result<T>
where
    T: Send,
    F: for<'c> AsyncFnOnce(&'c DatabaseTransaction) -> Result<T> + Send,
{
    let done = db.transaction_async(work).await?;
    // The emails are committed: send them now rather than at the worker's next poll.
    crate::email::worker::wake();
    Ok(done)
}

/// Facts of no match in particular, for [`gate`].
const ANY_MATCH: MatchFacts = MatchFacts {
    professional_id: Uuid::nil(),
    owner_id: Uuid::nil(),
    region_id: Uuid::nil(),
};

/// Refuses a role that may never do `action` (403) before anything else: before the
/// request's body is judged and before the match is looked up, so a 403 never depends on
/// the object and an invalid body is a 422 even for a match the actor cannot see, as the
/// API has always answered. The policy's 403 depends on the role alone (the test below
/// holds it to that), so facts of no match in particular give it.
pub(super) fn gate(actor: &Actor, action: fn(MatchFacts) -> Action) -> Result<()> {
    match access::decide(Some(actor), action(ANY_MATCH)) {
        Decision::Forbidden(why) => Err(Error::Forbidden(why)),
        Decision::Allow | Decision::Hidden => Ok(()),
    }
}

/// The match `id` and its parties, when the actor may do `action` to it: 403 when their
/// role may never do this, 404 when they may not see the match.
pub(super) async fn allowed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MatchId,
    action: fn(MatchFacts) -> Action,
) -> Result<(matches::Model, Parties)> {
    gate(actor, action)?;
    let found = repo::matches::by_id(db, id.0)
        .await?
        .ok_or(Error::NotFound)?;
    let parties = Parties::of_match(db, &found).await?;
    access::decide(Some(actor), action(parties.facts(&found))).check()?;
    Ok((found, parties))
}

/// The record of a match whose parties are known.
pub(super) async fn record(
    db: &impl ConnectionTrait,
    row: matches::Model,
    parties: Parties,
) -> Result<MatchRecord> {
    let ids = [row.id];
    let history = repo::matches::histories(db, &ids)
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let meeting = repo::matches::shown_meetings(db, &ids)
        .await?
        .remove(&row.id);
    let proposal = repo::proposals::pending_of(db, &ids, repo::now())
        .await?
        .remove(&row.id);
    Ok(MatchRecord {
        status: row.status()?,
        row,
        parties,
        history,
        meeting,
        proposal,
    })
}

/// The records of a page of matches, with a fixed number of queries whatever its size.
async fn records(db: &impl ConnectionTrait, rows: Vec<matches::Model>) -> Result<Vec<MatchRecord>> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let parties = Parties::of_matches(db, &rows).await?;
    let mut histories = repo::matches::histories(db, &ids).await?;
    let mut meetings = repo::matches::shown_meetings(db, &ids).await?;
    let mut proposals = repo::proposals::pending_of(db, &ids, repo::now()).await?;
    rows.into_iter()
        .zip(parties)
        .map(|(row, parties)| {
            Ok(MatchRecord {
                status: row.status()?,
                history: histories.remove(&row.id).unwrap_or_default(),
                meeting: meetings.remove(&row.id),
                proposal: proposals.remove(&row.id),
                parties,
                row,
            })
        })
        .collect()
}

/// One match with its history: to its professional, the owner of its need, and the
/// coordinators of its region (404 to everyone else).
#[tracing::instrument(skip_all, fields(match_id = %id))]
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: MatchId) -> Result<MatchRecord> {
    let (found, parties) = allowed(db, actor, id, Action::ReadMatch).await?;
    record(db, found, parties).await
}

/// The id of the match of a need and a professional, if there is one the actor may read
/// (after a create refused as `already_matched`, a door shows the match there is).
#[tracing::instrument(skip_all, fields(need_id = %need_id, professional_id = %professional_id))]
pub async fn id_of_pair(
    db: &impl ConnectionTrait,
    actor: &Actor,
    need_id: Uuid,
    professional_id: Uuid,
) -> Result<Option<MatchId>> {
    let Some(found) = repo::matches::of_pair(db, need_id, professional_id).await? else {
        return Ok(None);
    };
    let parties = Parties::of_match(db, &found).await?;
    let readable = access::decide(Some(actor), Action::ReadMatch(parties.facts(&found))).allowed();
    Ok(readable.then_some(MatchId(found.id)))
}

/// The actor's matches, newest first: a professional's own, an SME's on its needs, a
/// coordinator's region's.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    status: Option<MatchStatus>,
    page: PageRequest,
) -> Result<Page<MatchRecord>> {
    let audience = access::audience(actor)?;
    let rows = repo::matches::list(db, audience, status, page).await?;
    let page = Page::from_rows(rows, page, |row| row.id, |row| row);
    Ok(Page {
        items: records(db, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// What the policy is asked about a need that does not exist (and, before the body is
/// read, about no need in particular): it is in no region and owned by nobody, so a
/// coordinator is told there is no such need in their region and every other role that
/// it may not introduce at all.
const NO_NEED: NeedFacts = NeedFacts {
    owner_id: Uuid::nil(),
    region_id: Uuid::nil(),
    open: false,
};

async fn need_facts(db: &impl ConnectionTrait, need: &need::Model) -> Result<NeedFacts> {
    let organization = repo::needs::organization(db, need.organization_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("need {} has no organization", need.id))?;
    Ok(NeedFacts {
        owner_id: organization.owner_id,
        region_id: need.region_id,
        open: need.is_open(),
    })
}

fn non_blank(text: &str) -> Option<&str> {
    (!text.trim().is_empty()).then_some(text)
}

/// Introduces a professional to a need (coordinators of the need's region). From a
/// submitted application: `introduced` at once, both sides emailed with each other's
/// contact (applying was consent). Otherwise a scout: `proposed`, and only the
/// professional is emailed, with no contact shared.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, need_id = %request.need_id))]
pub async fn create(
    db: &DatabaseConnection,
    ranking: &Ranking,
    mail: Mail<'_>,
    actor: &Actor,
    request: CreateMatch,
    before_commit: impl BeforeCommit<MatchRecord>,
) -> Result<MatchRecord> {
    // As for a match (see `gate`): a role that may never introduce is told so first.
    if let Decision::Forbidden(why) = access::decide(Some(actor), Action::CreateMatch(NO_NEED)) {
        return Err(Error::Forbidden(why));
    }
    let spec = request.parse().map_err(Error::Invalid)?;
    let need = repo::needs::by_id(db, spec.need_id().0).await?;
    let facts = match &need {
        Some(need) => need_facts(db, need).await?,
        None => NO_NEED,
    };
    let need = need
        .filter(|_| access::decide(Some(actor), Action::CreateMatch(facts)).allowed())
        .ok_or_else(|| Error::invalid("need_id", "no such need in your region"))?;
    if !facts.open {
        return Err(Error::conflict(
            ConflictCode::NeedClosed,
            "this need is closed",
        ));
    }
    let professional_id = spec.professional_id().0;
    let professional = repo::users::by_id(db, professional_id)
        .await?
        .filter(|user| {
            AccountRole::parse(&user.role) == Some(AccountRole::Professional)
                && user.erased_at.is_none()
        });
    let profile = match professional {
        Some(_) => repo::profiles::by_user(db, professional_id).await?,
        None => None,
    };
    let profile = profile
        .ok_or_else(|| Error::invalid("professional_id", "no such professional with a profile"))?;
    let application = repo::matches::submitted_application(db, need.id, professional_id).await?;
    // A scout reaches only whom the need's region may find (issue 14): to another
    // region, a professional who did not consent is not there at all.
    if application.is_none() && !super::sharing::may_reach(db, &profile, need.region_id).await? {
        return Err(Error::invalid(
            "professional_id",
            "no such professional with a profile",
        ));
    }
    let proposal = application
        .as_ref()
        .map(|application| application.message.as_str());
    let score = crate::scoring::snapshot(db, ranking, &need, &profile, proposal).await?;
    let status = if application.is_some() {
        MatchStatus::Introduced
    } else {
        MatchStatus::Proposed
    };
    committed(db, async move |txn| {
        let new = repo::matches::NewMatch {
            need: &need,
            professional_id,
            application_id: application.as_ref().map(|application| application.id),
            status,
            note: spec.note(),
            score,
            created_by: actor.id,
        };
        // A second match of the pair breaks a unique rule: `already_matched`.
        let created = repo::matches::insert(txn, new).await?;
        let parties = Parties::of_match(txn, &created).await?;
        let note = non_blank(spec.note());
        if status == MatchStatus::Introduced {
            letters::introduce(txn, mail, &created, &parties, "application", note, actor.id)
                .await?;
        } else {
            letters::scout_invitation(txn, mail, &created, &parties, note).await?;
        }
        let record = record(txn, created, parties).await?;
        before_commit.run(txn, &record).await?;
        Ok(record)
    })
    .await
}

/// The scouted professional accepts: contact is shared both ways now.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn accept(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
) -> Result<MatchRecord> {
    let (found, parties) = allowed(db, actor, id, Action::AnswerScout).await?;
    let from = found.status()?;
    let to = from.apply(Event::Accept)?;
    committed(db, async move |txn| {
        let by = Some((actor.id, actor.role));
        let updated = repo::matches::transition(txn, found, from, to, by, "")
            .await?
            .ok_or_else(changed_meanwhile)?;
        letters::introduce(
            txn,
            mail,
            &updated,
            &parties,
            "scout_acceptance",
            None,
            actor.id,
        )
        .await?;
        record(txn, updated, parties).await
    })
    .await
}

/// The professional or the SME says no: `declined` after they met, `cancelled` before.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn decline(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
    reason: Reason,
) -> Result<MatchRecord> {
    close(db, mail, actor, id, Event::Decline, reason).await
}

/// A coordinator of the region calls a match off before the parties met.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn cancel(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
    reason: Reason,
) -> Result<MatchRecord> {
    close(db, mail, actor, id, Event::Cancel, reason).await
}

async fn close(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
    event: Event,
    reason: Reason,
) -> Result<MatchRecord> {
    let action = if event == Event::Cancel {
        Action::CloseMatch
    } else {
        Action::DeclineMatch
    };
    gate(actor, action)?;
    let reason = reason.parse().map_err(Error::Invalid)?;
    let (found, parties) = allowed(db, actor, id, action).await?;
    let from = found.status()?;
    let to = from.apply(event)?;
    committed(db, async move |txn| {
        let by = Some((actor.id, actor.role));
        let updated = repo::matches::transition(txn, found, from, to, by, reason.as_str())
            .await?
            .ok_or_else(changed_meanwhile)?;
        super::meetings::call_off(txn, mail, &updated, &parties).await?;
        // Tell the other side(s); before an introduction the SME never knew of a scout.
        let mut recipients = vec![&parties.professional];
        if from.contact_shared() {
            recipients.push(&parties.owner);
        }
        for user in recipients
            .into_iter()
            .filter(|user| user.id != actor.id && user.erased_at.is_none())
        {
            letters::closed(
                txn,
                mail,
                &updated,
                &parties,
                user,
                to,
                non_blank(reason.as_str()),
            )
            .await?;
        }
        record(txn, updated, parties).await
    })
    .await
}

/// A coordinator of the region records what came of the meeting.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn record_outcome(
    db: &DatabaseConnection,
    actor: &Actor,
    id: MatchId,
    request: Outcome,
    before_commit: impl BeforeCommit<MatchRecord>,
) -> Result<MatchRecord> {
    gate(actor, Action::CloseMatch)?;
    let spec = request.parse().map_err(Error::Invalid)?;
    let (found, parties) = allowed(db, actor, id, Action::CloseMatch).await?;
    let from = found.status()?;
    let to = from.apply(spec.result().event())?;
    committed(db, async move |txn| {
        let by = Some((actor.id, actor.role));
        let updated = repo::matches::transition(txn, found, from, to, by, spec.note())
            .await?
            .ok_or_else(changed_meanwhile)?;
        if to == MatchStatus::Met
            && let Some(meeting) = repo::matches::current_meeting(txn, updated.id).await?
        {
            repo::matches::set_meeting_status(txn, meeting, MeetingStatus::Held).await?;
        }
        if to == MatchStatus::Contracted {
            // A contract opens an engagement (it counts against max_engagements).
            super::engagements::open(txn, &updated, &parties, by, repo::now()).await?;
            // The last place taken: the other applicants are owed a kind relay.
            if super::relay::filled(txn, updated.need_id).await? {
                super::relay::record(
                    txn,
                    updated.need_id,
                    repo::relays::Cause::Filled,
                    repo::now(),
                )
                .await?;
            }
        }
        let record = record(txn, updated, parties).await?;
        before_commit.run(txn, &record).await?;
        Ok(record)
    })
    .await
}

/// A professional erased their data: every match still under way ends `cancelled`, its
/// meeting is called off, and the organization is told. Runs inside the erasure's
/// transaction, before the account is anonymised.
#[tracing::instrument(skip_all, fields(user_id = %professional_id))]
pub async fn end_for_erasure(
    txn: &impl ConnectionTrait,
    mail: Mail<'_>,
    professional_id: UserId,
) -> Result<()> {
    let by = Some((professional_id.0, AccountRole::Professional));
    for found in repo::matches::open_of_professional(txn, professional_id.0).await? {
        let from = found.status()?;
        let to = from.apply(Event::Decline)?;
        let updated = repo::matches::transition(txn, found, from, to, by, "退会 (erased)")
            .await?
            .ok_or_else(changed_meanwhile)?;
        let parties = Parties::of_match(txn, &updated).await?;
        super::meetings::call_off(txn, mail, &updated, &parties).await?;
        if from.contact_shared() {
            letters::closed(txn, mail, &updated, &parties, &parties.owner, to, None).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`gate`] asks the policy about no match in particular: that is sound only while
    /// its 403 depends on the role alone, for every action on a match.
    #[test]
    fn the_policy_forbids_an_action_on_a_match_by_role_alone() {
        let actions: [fn(MatchFacts) -> Action; 6] = [
            Action::ReadMatch,
            Action::AnswerScout,
            Action::DeclineMatch,
            Action::CloseMatch,
            Action::ArrangeMeeting,
            |facts| {
                Action::CreateMatch(NeedFacts {
                    owner_id: facts.owner_id,
                    region_id: facts.region_id,
                    open: true,
                })
            },
        ];
        let (owner, professional, region) =
            (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let real = MatchFacts {
            professional_id: professional,
            owner_id: owner,
            region_id: region,
        };
        let actors = [
            (owner, AccountRole::Sme, None),
            (Uuid::from_u128(4), AccountRole::Sme, None),
            (professional, AccountRole::Professional, None),
            (Uuid::from_u128(5), AccountRole::Professional, None),
            (Uuid::from_u128(6), AccountRole::Coordinator, Some(region)),
            (
                Uuid::from_u128(7),
                AccountRole::Coordinator,
                Some(Uuid::from_u128(8)),
            ),
        ];
        for (id, role, region_id) in actors {
            let actor = Actor {
                id,
                role,
                region_id,
            };
            for action in actions {
                let forbidden = |facts| {
                    matches!(
                        access::decide(Some(&actor), action(facts)),
                        Decision::Forbidden(_)
                    )
                };
                assert_eq!(
                    forbidden(real),
                    forbidden(ANY_MATCH),
                    "{actor:?} {:?}",
                    action(real)
                );
                assert_eq!(forbidden(real), gate(&actor, action).is_err());
            }
        }
    }
}
