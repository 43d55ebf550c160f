//! Applications (応募): a professional's proposal to an open need. SMEs see applicants
//! pseudonymously; the applicant and coordinators see them by name.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::{BeforeCommit, Error, Result, needs};
use crate::{
    access::{self, Action, Actor},
    domain::{
        enums::ApplicationStatus,
        error::ConflictCode,
        ids::{ApplicationId, NeedId},
        text::MultiLine,
    },
    entities::application,
    ranking::Ranking,
    repo::{
        self, Audience,
        page::{Page, PageRequest},
    },
    scoring,
};

/// An application as its viewer may see it.
#[derive(Debug, Clone)]
pub struct Detail {
    /// The application.
    pub application: application::Model,
    /// The title of the need applied to (`""` if it is gone).
    pub need_title: String,
    /// The applicant's pseudonymous line (role / home / tie).
    pub applicant_display: String,
    /// The applicant's name: for a viewer who sees applicants by name only.
    pub applicant_name: Option<String>,
}

/// The line shown for a professional whose profile was erased.
const ERASED: &str = "退会済み (erased)";

/// Details of some applications as `viewer` may see them: three queries (the needs'
/// titles, the applicants' names and profiles), however many rows there are.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn details(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    rows: Vec<application::Model>,
) -> Result<Vec<Detail>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let by_name = access::sees_applicants_by_name(viewer);
    let titles = repo::needs::titles(db, rows.iter().map(|row| row.need_id)).await?;
    let applicants =
        repo::applications::applicants(db, rows.iter().map(|row| row.professional_id)).await?;
    let displays = applicants
        .profiles
        .iter()
        .map(|(id, profile)| Ok((*id, scoring::display(profile)?)))
        .collect::<anyhow::Result<HashMap<Uuid, String>>>()?;
    let mut details = Vec::with_capacity(rows.len());
    for application in rows {
        let applicant_display = displays
            .get(&application.professional_id)
            .map_or_else(|| ERASED.to_owned(), Clone::clone);
        let applicant_name = by_name.then(|| {
            applicants
                .names
                .get(&application.professional_id)
                .cloned()
                .unwrap_or_default()
        });
        let need_title = titles
            .get(&application.need_id)
            .cloned()
            .unwrap_or_default();
        details.push(Detail {
            application,
            need_title,
            applicant_display,
            applicant_name,
        });
    }
    Ok(details)
}

/// The 403 of a role that may never apply, for a door to answer before it parses the
/// proposal (as the API always has).
pub fn may_apply(actor: &Actor) -> Result<()> {
    needs::refuse_role(Some(actor), Action::Apply)
}

/// Applies to an open need with a proposal, scored now; `before_commit` runs in the
/// same transaction. One application per need and professional.
#[tracing::instrument(skip_all, fields(need_id = %need_id, user_id = %actor.id))]
pub async fn apply(
    db: &DatabaseConnection,
    ranking: &Ranking,
    actor: &Actor,
    need_id: NeedId,
    proposal: MultiLine,
    before_commit: impl BeforeCommit<Detail> + 'static,
) -> Result<Detail> {
    let posted = needs::decided(db, Some(actor), need_id, Action::Apply).await?;
    if !posted.need.is_open() {
        return Err(Error::conflict(
            ConflictCode::NeedClosed,
            "this need is closed",
        ));
    }
    let profile = repo::profiles::by_user(db, actor.id)
        .await?
        .ok_or_else(|| {
            Error::conflict(
                ConflictCode::ProfileMissing,
                "write your profile (PUT /api/v1/profiles/me) before applying",
            )
        })?;
    let score =
        scoring::snapshot(db, ranking, &posted.need, &profile, Some(proposal.as_str())).await?;
    let actor = actor.clone();
    let detail = db
        .transaction::<_, Detail, Error>(move |txn| {
            Box::pin(async move {
                // A second application to the same need breaks the unique rule, which
                // answers `already_applied`.
                let row = repo::applications::insert(
                    txn,
                    posted.need.id,
                    actor.id,
                    proposal.as_str(),
                    score,
                )
                .await?;
                let detail = details(txn, &actor, vec![row])
                    .await?
                    .pop()
                    .ok_or(Error::NotFound)?;
                before_commit.run(txn, &detail).await?;
                Ok(detail)
            })
        })
        .await?;
    Ok(detail)
}

/// Applications `actor` may see, newest first: a professional's own, an SME's to its
/// needs, a coordinator's to needs of their region; with `need_id`, only that need's
/// (which SMEs and coordinators must manage).
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    need_id: Option<NeedId>,
    page: PageRequest,
) -> Result<Page<Detail>> {
    let audience = access::audience(actor)?;
    // A professional's list is their own applications whatever the need; anyone else
    // asking for one need's gets 404 for a need they do not manage, like every object
    // they may not see.
    if let Some(need_id) = need_id
        && !matches!(audience, Audience::Professional(_))
    {
        needs::managed(db, actor, need_id).await?;
    }
    let rows = repo::applications::list(db, audience, need_id.map(Uuid::from), page).await?;
    let page = Page::from_rows(rows, page, |row| row.id, |row| row);
    Ok(Page {
        items: details(db, actor, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// Withdraws one's own application.
#[tracing::instrument(skip_all, fields(application_id = %id))]
pub async fn withdraw(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ApplicationId,
) -> Result<Detail> {
    let row = repo::applications::by_id(db, id.0).await?;
    // A missing application is judged as nobody's: 403 for a role that never
    // withdraws, 404 for a professional.
    let applicant = row.as_ref().map_or(Uuid::nil(), |row| row.professional_id);
    access::decide(Some(actor), Action::WithdrawApplication { applicant }).check()?;
    let row = row.ok_or(Error::NotFound)?;
    if row.status()? == ApplicationStatus::Withdrawn {
        return Err(Error::conflict(
            ConflictCode::AlreadyWithdrawn,
            "this application is already withdrawn",
        ));
    }
    let row = repo::applications::withdraw(db, row).await?;
    details(db, actor, vec![row])
        .await?
        .pop()
        .ok_or(Error::NotFound)
}

#[cfg(test)]
mod tests;
