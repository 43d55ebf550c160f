//! Creating matches and moving them through their states.

use actix_web::http::StatusCode;
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{parties::Parties, view};
use crate::{
    auth::{AccountRole, AuthUser},
    db,
    domain::{
        matching::{Event, IllegalTransition, MatchStatus},
        text::Errors,
    },
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::matches,
    error::{ApiError, ApiResult},
    idempotency::Claim,
    repo,
    state::AppState,
};

/// `POST /matches`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMatch {
    /// The need.
    pub need_id: Uuid,
    /// The professional.
    pub professional_id: Uuid,
    /// The coordinator's note, sent with the introduction (up to 2000 characters).
    #[serde(default)]
    pub note: String,
}

/// `POST /matches/{id}/decline` (and `/cancel`).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Why (optional, up to 2000 characters); shared with the other side.
    #[serde(default)]
    pub reason: Option<String>,
}

/// An outcome the coordinator records.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeResult {
    /// They met.
    Met,
    /// They agreed to work together.
    Contracted,
    /// They decided not to.
    Declined,
}

/// `POST /matches/{id}/outcome`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// What happened.
    pub result: OutcomeResult,
    /// Note (up to 2000 characters).
    #[serde(default)]
    pub note: String,
}

/// An illegal transition is a 409 that names the current state.
impl From<IllegalTransition> for ApiError {
    fn from(error: IllegalTransition) -> Self {
        ApiError::Conflict(
            crate::error::ConflictCode::IllegalTransition,
            error.to_string(),
        )
    }
}

fn status_of(found: &matches::Model) -> ApiResult<MatchStatus> {
    MatchStatus::parse(&found.status).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "match {} has status {:?}",
            found.id,
            found.status
        ))
    })
}

/// Runs `work` in one transaction: the change, its history, its emails and its stored
/// idempotent response commit together or not at all.
pub async fn in_transaction<T, F>(state: &AppState, work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: for<'c> FnOnce(
            &'c DatabaseTransaction,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = ApiResult<T>> + Send + 'c>,
        > + Send,
{
    let done = state
        .db
        .transaction::<_, T, ApiError>(work)
        .await
        .map_err(ApiError::from)?;
    // The emails are committed: send them now rather than at the worker's next poll.
    crate::email::worker::wake();
    Ok(done)
}

/// A match the caller may see, with its parties; 404 otherwise.
pub async fn visible(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<(matches::Model, Parties)> {
    let found = repo::matches::by_id(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let parties = Parties::of_match(&state.db, &found).await?;
    if view::may_see(caller, &found, &parties) {
        Ok((found, parties))
    } else {
        Err(ApiError::NotFound)
    }
}

/// Introduces a professional to a need. From a submitted application: `introduced` at
/// once, both sides emailed with each other's contact (applying was consent). Otherwise a
/// scout: `proposed`, and only the professional is emailed, with no contact shared.
pub async fn create(
    state: &AppState,
    caller: &AuthUser,
    request: CreateMatch,
    claim: Claim,
) -> ApiResult<view::MatchView> {
    caller.require(AccountRole::Coordinator)?;
    let mut errors = Errors::default();
    errors.lines("note", &request.note, 0, 2_000);
    errors.finish()?;
    let need = repo::needs::by_id(&state.db, request.need_id)
        .await?
        .filter(|need| caller.coordinates(need.region_id))
        .ok_or_else(|| ApiError::invalid("need_id", "no such need in your region"))?;
    if need.status != "open" {
        return Err(ApiError::Conflict(
            crate::error::ConflictCode::NeedClosed,
            "this need is closed".to_owned(),
        ));
    }
    let professional = repo::users::by_id(&state.db, request.professional_id)
        .await?
        .filter(|user| user.role == AccountRole::Professional.as_str() && user.erased_at.is_none());
    let profile = match professional {
        Some(_) => repo::profiles::by_user(&state.db, request.professional_id).await?,
        None => None,
    };
    let profile = profile.ok_or_else(|| {
        ApiError::invalid("professional_id", "no such professional with a profile")
    })?;
    let application = repo::applications::list(
        &state.db,
        repo::Audience::Professional(request.professional_id),
        Some(need.id),
        crate::repo::page::PageRequest {
            limit: 1,
            before: None,
        },
    )
    .await?
    .into_iter()
    .find(|application| application.status == "submitted");
    let proposal = application
        .as_ref()
        .map(|application| application.message.clone());
    let score = crate::scoring::snapshot(
        &state.db,
        &state.ranking,
        &need,
        &profile,
        proposal.as_deref(),
    )
    .await?;
    let status = if application.is_some() {
        MatchStatus::Introduced
    } else {
        MatchStatus::Proposed
    };
    let caller = caller.clone();
    let settings = state.settings.clone();
    in_transaction(state, move |txn| {
        Box::pin(async move {
            let new = repo::matches::NewMatch {
                need: &need,
                professional_id: request.professional_id,
                application_id: application.as_ref().map(|application| application.id),
                status,
                note: &request.note,
                score,
                created_by: caller.id,
            };
            let created = repo::matches::insert(txn, new).await.map_err(|error| {
                if db::is_unique_violation(&error) {
                    ApiError::Conflict(
                        crate::error::ConflictCode::AlreadyMatched,
                        "this professional has already been matched with this need".to_owned(),
                    )
                } else {
                    error.into()
                }
            })?;
            let parties = Parties::of_match(txn, &created).await?;
            let note = (!request.note.trim().is_empty()).then_some(request.note.as_str());
            if status == MatchStatus::Introduced {
                introduce(
                    txn,
                    &settings.public_url,
                    &created,
                    &parties,
                    "application",
                    note,
                    caller.id,
                )
                .await?;
            } else {
                let rendered = templates::scout_invitation(&templates::ScoutInvitation {
                    recipient_name: &parties.professional.display_name,
                    region_name: &parties.region.name,
                    need_title: &parties.need.title,
                    organization_kind: if parties.organization.kind == "municipality" {
                        "自治体"
                    } else {
                        "企業"
                    },
                    city: &parties.organization.city,
                    note,
                    public_url: &settings.public_url,
                    match_id: created.id,
                });
                let email = NewEmail::new(
                    kind::SCOUT_INVITATION,
                    &parties.professional.email,
                    &parties.professional.display_name,
                    rendered,
                );
                outbox::enqueue(
                    txn,
                    email
                        .to_user(parties.professional.id)
                        .in_region(created.region_id)
                        .about_match(created.id),
                )
                .await?;
            }
            let view = view::build(txn, &caller, &created, &parties).await?;
            claim.complete(txn, StatusCode::CREATED, &view).await?;
            Ok(view)
        })
    })
    .await
}

/// Emails both sides each other's contact and records the disclosure.
async fn introduce(
    txn: &DatabaseTransaction,
    public_url: &str,
    found: &matches::Model,
    parties: &Parties,
    consent: &str,
    note: Option<&str>,
    actor: Uuid,
) -> ApiResult<()> {
    let to_sme = templates::introduction(&templates::Introduction {
        recipient_name: &parties.owner.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        counterpart: templates::Counterpart::Professional {
            name: &parties.professional.display_name,
            email: &parties.professional.email,
            headline: parties.headline(),
        },
        note,
        public_url,
        match_id: found.id,
    });
    let to_professional = templates::introduction(&templates::Introduction {
        recipient_name: &parties.professional.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        counterpart: templates::Counterpart::Organization {
            name: &parties.organization.name,
            contact_name: &parties.owner.display_name,
            email: &parties.owner.email,
        },
        note,
        public_url,
        match_id: found.id,
    });
    for (email, user) in [
        (to_sme, &parties.owner),
        (to_professional, &parties.professional),
    ] {
        let email = NewEmail::new(kind::INTRODUCTION, &user.email, &user.display_name, email);
        outbox::enqueue(
            txn,
            email
                .to_user(user.id)
                .in_region(found.region_id)
                .about_match(found.id),
        )
        .await?;
    }
    repo::matches::record_disclosure(
        txn,
        repo::matches::NewDisclosure {
            professional_id: parties.professional.id,
            organization_id: parties.organization.id,
            need_id: Some(parties.need.id),
            match_id: Some(found.id),
            fields: &["display_name", "email", "headline"],
            consent,
            channel: "introduction_email",
            actor_id: Some(actor),
        },
    )
    .await?;
    Ok(())
}

/// The scouted professional accepts: contact is shared both ways now.
pub async fn accept(state: &AppState, caller: &AuthUser, id: Uuid) -> ApiResult<view::MatchView> {
    caller.require(AccountRole::Professional)?;
    let (found, _) = visible(state, caller, id).await?;
    let from = status_of(&found)?;
    let to = from.apply(Event::Accept)?;
    let caller = caller.clone();
    let public_url = state.settings.public_url.clone();
    in_transaction(state, move |txn| {
        Box::pin(async move {
            let updated =
                repo::matches::transition(txn, found, from, to, Some((caller.id, caller.role)), "")
                    .await?;
            let parties = Parties::of_match(txn, &updated).await?;
            introduce(
                txn,
                &public_url,
                &updated,
                &parties,
                "scout_acceptance",
                None,
                caller.id,
            )
            .await?;
            view::build(txn, &caller, &updated, &parties).await
        })
    })
    .await
}

/// The professional or the SME says no: `declined` after they met, `cancelled` before.
/// A coordinator may call off a match before they met (`cancel`).
pub async fn close(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    event: Event,
    reason: Reason,
) -> ApiResult<view::MatchView> {
    match event {
        Event::Cancel => caller.require(AccountRole::Coordinator)?,
        _ if caller.role == AccountRole::Coordinator => {
            return Err(ApiError::Forbidden(
                "only the professional or the SME declines; coordinators cancel",
            ));
        }
        _ => {}
    }
    let reason_text = reason.reason.unwrap_or_default();
    let mut errors = Errors::default();
    errors.lines("reason", &reason_text, 0, 2_000);
    errors.finish()?;
    let (found, _) = visible(state, caller, id).await?;
    let from = status_of(&found)?;
    let to = from.apply(event)?;
    let caller = caller.clone();
    let public_url = state.settings.public_url.clone();
    in_transaction(state, move |txn| {
        Box::pin(async move {
            let updated = repo::matches::transition(
                txn,
                found,
                from,
                to,
                Some((caller.id, caller.role)),
                &reason_text,
            )
            .await?;
            let parties = Parties::of_match(txn, &updated).await?;
            super::meetings::call_off(txn, &public_url, &updated, &parties).await?;
            // Tell the other side(s); before an introduction the SME never knew of a scout.
            let mut recipients = vec![&parties.professional];
            if from.contact_shared() {
                recipients.push(&parties.owner);
            }
            for user in recipients
                .into_iter()
                .filter(|user| user.id != caller.id && user.erased_at.is_none())
            {
                let context = templates::Closed {
                    recipient_name: &user.display_name,
                    region_name: &parties.region.name,
                    need_title: &parties.need.title,
                    reason: (!reason_text.trim().is_empty()).then_some(reason_text.as_str()),
                    public_url: &public_url,
                    match_id: updated.id,
                };
                let (kind, rendered) = if to == MatchStatus::Declined {
                    (kind::DECLINED, templates::declined(&context))
                } else {
                    (kind::CANCELLED, templates::cancelled(&context))
                };
                let email = NewEmail::new(kind, &user.email, &user.display_name, rendered);
                outbox::enqueue(
                    txn,
                    email
                        .to_user(user.id)
                        .in_region(updated.region_id)
                        .about_match(updated.id),
                )
                .await?;
            }
            view::build(txn, &caller, &updated, &parties).await
        })
    })
    .await
}

/// The coordinator records what came of the meeting.
pub async fn outcome(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    request: Outcome,
    claim: Claim,
) -> ApiResult<view::MatchView> {
    caller.require(AccountRole::Coordinator)?;
    let mut errors = Errors::default();
    errors.lines("note", &request.note, 0, 2_000);
    errors.finish()?;
    let (found, _) = visible(state, caller, id).await?;
    let from = status_of(&found)?;
    let event = match request.result {
        OutcomeResult::Met => Event::OutcomeMet,
        OutcomeResult::Contracted => Event::OutcomeContracted,
        OutcomeResult::Declined => Event::OutcomeDeclined,
    };
    let to = from.apply(event)?;
    let caller = caller.clone();
    in_transaction(state, move |txn| {
        Box::pin(async move {
            let updated = repo::matches::transition(
                txn,
                found,
                from,
                to,
                Some((caller.id, caller.role)),
                &request.note,
            )
            .await?;
            if to == MatchStatus::Met
                && let Some(meeting) = repo::matches::current_meeting(txn, updated.id).await?
            {
                repo::matches::set_meeting_status(txn, meeting, "held").await?;
            }
            if to == MatchStatus::Contracted {
                // A contract counts against max_engagements: refresh the ranking index.
                repo::profiles::record_change(txn, updated.professional_id).await?;
            }
            let parties = Parties::of_match(txn, &updated).await?;
            let view = view::build(txn, &caller, &updated, &parties).await?;
            claim.complete(txn, StatusCode::OK, &view).await?;
            Ok(view)
        })
    })
    .await
}

/// A professional erased their data: every match still under way ends `cancelled`, its
/// meeting is called off, and the organization is told. Runs inside the erasure's
/// transaction, before the account is anonymised.
pub async fn end_for_erasure(
    txn: &DatabaseTransaction,
    public_url: &str,
    professional_id: Uuid,
) -> ApiResult<()> {
    for found in repo::matches::open_of_professional(txn, professional_id).await? {
        let from = status_of(&found)?;
        let to = from.apply(Event::Decline)?;
        let updated = repo::matches::transition(
            txn,
            found,
            from,
            to,
            Some((professional_id, AccountRole::Professional)),
            "退会 (erased)",
        )
        .await?;
        let parties = Parties::of_match(txn, &updated).await?;
        super::meetings::call_off(txn, public_url, &updated, &parties).await?;
        if from.contact_shared() {
            let context = templates::Closed {
                recipient_name: &parties.owner.display_name,
                region_name: &parties.region.name,
                need_title: &parties.need.title,
                reason: None,
                public_url,
                match_id: updated.id,
            };
            let email = NewEmail::new(
                kind::CANCELLED,
                &parties.owner.email,
                &parties.owner.display_name,
                templates::cancelled(&context),
            );
            outbox::enqueue(
                txn,
                email
                    .to_user(parties.owner.id)
                    .in_region(updated.region_id)
                    .about_match(updated.id),
            )
            .await?;
        }
    }
    Ok(())
}
