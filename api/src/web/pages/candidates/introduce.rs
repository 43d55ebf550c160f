//! `POST /needs/{id}/candidates/match`: a coordinator introduces an applicant, or scouts
//! anyone else, from the candidates page, with a note; then the match's page. The form
//! carries an `Idempotency-Key` made when the page was rendered, kept as the JSON API
//! keeps its own: the same form sent twice (a double click, a reload) makes one match
//! and sends its emails once.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Again, CandidatesQuery, Filters, need_id, render};
use crate::{
    auth::AccountRole,
    domain::{error::ConflictCode, ids::NeedId, matching::CreateMatch},
    error::ApiError,
    idempotency::{self, CompleteWith, Found, IdempotencyKey},
    services::{
        self,
        matches::{Mail, MatchRecord},
    },
    state::AppState,
    web::{caller::PageUser, csrf::CsrfForm, errors::PageError, frame::see_other},
};

/// The longest note, as the JSON API takes it.
const NOTE_MAX: usize = 2_000;

/// The operation an `Idempotency-Key` of the page's form is kept under (apart from the
/// JSON API's keys).
const KEY_SCOPE: &str = "page POST /needs/{id}/candidates/match";

/// What the coordinator's form sends.
#[derive(Debug, Deserialize)]
pub struct MatchFields {
    #[serde(default)]
    professional_id: String,
    #[serde(default)]
    note: String,
    /// Made when the page was rendered: the same form sent twice makes one match and
    /// sends its emails once.
    #[serde(default)]
    idempotency_key: String,
}

/// The stored answer to a key: the match made.
#[derive(Debug, Serialize, Deserialize)]
struct Made {
    match_id: Uuid,
}

/// How long a duplicate waits, at most, for the first request with its key to finish.
const DUPLICATE_WAITS: u32 = 25;
const DUPLICATE_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

/// The key claimed for this form, or the match a first sending of it made.
async fn claim(
    state: &AppState,
    user: &PageUser,
    key: &IdempotencyKey,
    fingerprint: &str,
) -> Result<Found, PageError> {
    for _ in 0..DUPLICATE_WAITS {
        match idempotency::begin_or_stored(
            &state.db,
            user.caller.id,
            KEY_SCOPE,
            key,
            fingerprint.to_owned(),
        )
        .await
        {
            Ok(found) => return Ok(found),
            // A double click: the first sending is still at work. Its answer is this
            // one's too.
            Err(ApiError::Conflict(ConflictCode::IdempotencyKeyInUse, _)) => {
                tokio::time::sleep(DUPLICATE_PAUSE).await;
            }
            Err(ApiError::Unavailable(cause)) => return Err(PageError::Unavailable(cause)),
            Err(ApiError::Internal(cause)) => return Err(PageError::Internal(cause)),
            Err(_) => return Err(PageError::BadRequest),
        }
    }
    Err(PageError::Unavailable(anyhow::anyhow!(
        "an idempotency key stayed in progress"
    )))
}

/// What became of a coordinator's form that makes a match.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Made, now or by an earlier sending of the same form (its key): that match.
    Made(Uuid),
    /// The pair had a match already (another coordinator's, or through the API).
    Existing(Uuid),
    /// Refused: the need is closed.
    Closed,
    /// Refused: the note is over [`NOTE_MAX`] characters.
    NoteTooLong,
    /// Refused: the note has characters that cannot be used.
    NoteInvalid,
}

/// Introduces an applicant to a need, or scouts anyone else for it, with a note, once
/// per `key` (the form's `idempotency_key`): a second sending of the same form (a
/// double click, a reload) answers with the match the first made, and no more mail.
/// The one way the pages make a match (the candidates page and the region-wide
/// suggestion both send here). A need outside the coordinator's region, or a
/// professional who is not listed, is the 404 page.
pub(crate) async fn make_match(
    state: &AppState,
    user: &PageUser,
    need: NeedId,
    professional_id: Uuid,
    note: String,
    key: &str,
) -> Result<Outcome, PageError> {
    if user.role() != AccountRole::Coordinator {
        return Err(PageError::NotFound);
    }
    if note.chars().count() > NOTE_MAX {
        return Ok(Outcome::NoteTooLong);
    }
    let key = key.trim();
    let key = IdempotencyKey((!key.is_empty() && key.len() <= 255).then(|| key.to_owned()));
    let fingerprint = idempotency::fingerprint(&serde_json::json!({
        "need_id": need.0, "professional_id": professional_id, "note": note,
    }));
    let claimed = match claim(state, user, &key, &fingerprint).await? {
        Found::Fresh(claimed) => claimed,
        Found::Done(stored) => {
            let made: Made = serde_json::from_str(&stored.body)
                .map_err(|error| PageError::Internal(error.into()))?;
            return Ok(Outcome::Made(made.match_id));
        }
    };
    let store = CompleteWith::new(
        claimed.clone(),
        StatusCode::SEE_OTHER,
        |record: &MatchRecord| -> anyhow::Result<Made> {
            Ok(Made {
                match_id: record.row.id,
            })
        },
    );
    let created = services::matches::create(
        &state.db,
        &state.ranking,
        Mail::from(&*state.settings),
        &user.caller,
        CreateMatch {
            need_id: need.0,
            professional_id,
            note,
        },
        store,
    )
    .await;
    if created.is_err() {
        claimed.release(&state.db).await;
    }
    match created {
        Ok(record) => Ok(Outcome::Made(record.row.id)),
        Err(services::Error::Conflict(ConflictCode::AlreadyMatched, _)) => {
            // Matched already (by another coordinator, or through the API): that match.
            let existing =
                services::matches::id_of_pair(&state.db, &user.caller, need.0, professional_id)
                    .await?;
            existing
                .map(|found| Outcome::Existing(found.0))
                .ok_or(PageError::NotFound)
        }
        Err(services::Error::Conflict(ConflictCode::NeedClosed, _)) => Ok(Outcome::Closed),
        Err(services::Error::Invalid(errors)) if errors.iter().any(|e| e.field == "note") => {
            Ok(Outcome::NoteInvalid)
        }
        // No such need in the coordinator's region, or no such professional to list.
        Err(services::Error::Invalid(_) | services::Error::Forbidden(_)) => {
            Err(PageError::NotFound)
        }
        Err(error) => Err(error.into()),
    }
}

/// Introduces an applicant, or scouts anyone else, with a note; then shows the match.
/// Sent twice with the same key (a double click, a reload), it makes one match.
#[post("/needs/{id}/candidates/match")]
pub async fn create_match(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    query: web::Query<CandidatesQuery>,
    CsrfForm(form): CsrfForm<MatchFields>,
) -> Result<HttpResponse, PageError> {
    let need = need_id(&id)?;
    if user.role() != AccountRole::Coordinator {
        return Err(PageError::NotFound);
    }
    let filters = Filters::of(&query, true);
    let professional_id =
        Uuid::parse_str(form.professional_id.trim()).map_err(|_| PageError::BadRequest)?;
    let mut again = Again {
        professional_id: Some(professional_id),
        note: form.note.clone(),
        ..Again::default()
    };
    let outcome = make_match(
        &state,
        &user,
        need,
        professional_id,
        form.note,
        &form.idempotency_key,
    )
    .await?;
    let status = match outcome {
        Outcome::Made(id) | Outcome::Existing(id) => {
            return Ok(see_other(&format!("/matches/{id}")).finish());
        }
        Outcome::NoteTooLong => {
            again.note_error = Some("candidates.note.too_long");
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Outcome::Closed => {
            again.refusal = Some("candidates.refused.closed");
            StatusCode::CONFLICT
        }
        Outcome::NoteInvalid => {
            again.note_error = Some("candidates.note.invalid");
            again.refusal = Some("candidates.refused.note");
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    render(&request, &state, &user, need, filters, status, again).await
}
