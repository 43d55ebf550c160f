//! Profiles (複業人材): a professional writes, reads, exports and erases their own;
//! coordinators read those tied to their region, and an SME those introduced to it
//! (which is recorded as a disclosure).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor, ProfileTies},
    domain::{account::AccountRole, ids::UserId, profile::ProfileInput},
    entities::{application, disclosure, profile, relay, user},
    ranking::Ranking,
    repo,
};

/// A profile with what is shown beside it.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The professional (the profile's id is their user id).
    pub professional_id: Uuid,
    /// Their name.
    pub display_name: String,
    /// The pseudonymous line shown before an introduction.
    pub display: String,
    /// The profile's fields.
    pub input: ProfileInput,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

async fn shown(db: &impl ConnectionTrait, profile: profile::Model) -> Result<Profile> {
    let user = repo::users::by_id(db, profile.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Profile {
        professional_id: profile.user_id,
        display_name: user.display_name,
        display: crate::scoring::display(&profile)?,
        input: repo::profiles::to_input(&profile)?,
        created_at: profile.created_at,
        updated_at: profile.updated_at,
    })
}

/// A profile written by [`put`].
#[derive(Debug, Clone)]
pub struct Written {
    /// The profile as stored.
    pub profile: Profile,
    /// Whether it was new (rather than replaced).
    pub created: bool,
}

/// Creates or replaces the caller's profile and ranks it from the next request on in
/// this process (the change feed carries it to the others). The role is judged before
/// the fields, so an SME sending a bad profile hears 403, not 422.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn put(
    db: &DatabaseConnection,
    ranking: &Ranking,
    actor: &Actor,
    input: ProfileInput,
) -> Result<Written> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    let spec = input.parse()?;
    let user_id = actor.id;
    let (profile, created) = db
        .transaction::<_, _, Error>(move |txn| {
            Box::pin(async move {
                let saved = repo::profiles::upsert(txn, user_id, &spec).await?;
                repo::profiles::record_change(txn, user_id).await?;
                Ok(saved)
            })
        })
        .await?;
    // Should this fail, the change feed catches up within a poll.
    if let Err(error) = ranking.upsert_stored(db, &profile).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "ranking index not updated in place"
        );
    }
    Ok(Written {
        profile: shown(db, profile).await?,
        created,
    })
}

/// The caller's own profile; not found before they wrote one.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn mine(db: &impl ConnectionTrait, actor: &Actor) -> Result<Profile> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    let profile = repo::profiles::by_user(db, actor.id)
        .await?
        .ok_or(Error::NotFound)?;
    shown(db, profile).await
}

/// How `subject` is tied to the asking actor, looked up only as far as the actor's role
/// needs; [`access::decide`] judges.
async fn ties(db: &impl ConnectionTrait, actor: &Actor, subject: Uuid) -> Result<ProfileTies> {
    Ok(match (actor.role, actor.region_id) {
        (AccountRole::Coordinator, Some(region_id)) => ProfileTies {
            in_coordinators_region: repo::applications::applied_in_region(db, subject, region_id)
                .await?
                || repo::matches::proposed_in_region(db, subject, region_id).await?,
            introduced_to_sme: false,
        },
        (AccountRole::Sme, _) => ProfileTies {
            in_coordinators_region: false,
            introduced_to_sme: repo::matches::introduced_to_owner(db, subject, actor.id).await?,
        },
        _ => ProfileTies::default(),
    })
}

/// Another account's profile, as far as the policy lets the actor see it (not found
/// otherwise). An SME reading one is a disclosure, recorded on the consent the
/// introduction was made on.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, subject = %subject))]
pub async fn read(db: &impl ConnectionTrait, actor: &Actor, subject: UserId) -> Result<Profile> {
    let subject = Uuid::from(subject);
    let ties = ties(db, actor, subject).await?;
    access::decide(Some(actor), Action::ReadProfile { subject, ties }).check()?;
    let profile = repo::profiles::by_user(db, subject)
        .await?
        .ok_or(Error::NotFound)?;
    if actor.role == AccountRole::Sme
        && let Some(organization) = repo::users::organization_of(db, actor.id).await?
    {
        repo::matches::record_disclosure(
            db,
            repo::matches::NewDisclosure {
                professional_id: subject,
                organization_id: organization.id,
                need_id: None,
                match_id: None,
                fields: &["profile"],
                consent: "introduction",
                channel: "profile_view",
                actor_id: Some(actor.id),
            },
        )
        .await?;
    }
    if actor.role == AccountRole::Coordinator {
        super::sharing::record_profile_view(db, actor, &profile).await?;
    }
    shown(db, profile).await
}

/// Erases the caller's personal data (APPI), in one transaction: every match still
/// under way ends (the organization is told), the profile goes, open applications are
/// withdrawn and their text removed, unsent mail to them is cancelled, and the account
/// can no longer log in. The profile then leaves this process's ranking at once (the
/// change feed tells the others).
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn erase(
    db: &DatabaseConnection,
    ranking: &Ranking,
    public_url: &str,
    actor: &Actor,
) -> Result<()> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    let user_id = actor.id;
    let public_url = public_url.to_owned();
    db.transaction::<_, (), Error>(move |txn| {
        Box::pin(async move {
            let mail = super::matches::Mail {
                public_url: &public_url,
            };
            super::matches::end_for_erasure(txn, mail, user_id.into()).await?;
            repo::profiles::erase(txn, user_id).await?;
            repo::web_sessions::end_all_for_user(txn, user_id).await?;
            crate::email::outbox::cancel_for_recipient(txn, user_id).await?;
            repo::profiles::record_change(txn, user_id).await?;
            Ok(())
        })
    })
    .await?;
    ranking.remove(user_id);
    Ok(())
}

/// One application of the exporting professional.
#[derive(Debug, Clone)]
pub struct ExportedApplication {
    /// The application.
    pub application: application::Model,
    /// Its need's title.
    pub need_title: String,
    /// The professional's pseudonymous line (as SMEs saw it).
    pub display: String,
    /// The professional's name.
    pub display_name: String,
}

/// One time the professional's data was shown to an organization.
#[derive(Debug, Clone)]
pub struct Disclosure {
    /// The record.
    pub disclosure: disclosure::Model,
    /// The organization's name (empty if it is gone).
    pub organization_name: String,
}

/// One kind email about a need that stopped taking people, recorded for the
/// professional (with the open needs it recommended).
#[derive(Debug, Clone)]
pub struct ExportedRelay {
    /// The record.
    pub relay: relay::Model,
    /// The title of the need that stopped (empty if it is gone).
    pub need_title: String,
}

/// Everything Musubi holds about a professional.
#[derive(Debug, Clone)]
pub struct Export {
    /// The account.
    pub account: user::Model,
    /// The profile, if any.
    pub profile: Option<ProfileInput>,
    /// Every application, oldest first.
    pub applications: Vec<ExportedApplication>,
    /// Every disclosure, oldest first.
    pub disclosures: Vec<Disclosure>,
    /// Every provision to another region, oldest first.
    pub provisions: Vec<super::sharing::Provision>,
    /// Every relay recorded for them, oldest first.
    pub relays: Vec<ExportedRelay>,
    /// When this export was made.
    pub exported_at: DateTime<Utc>,
}

/// Everything held about the caller, in a fixed number of queries.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn export(db: &impl ConnectionTrait, actor: &Actor) -> Result<Export> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    let account = repo::users::by_id(db, actor.id)
        .await?
        .ok_or(Error::Unauthorized)?;
    let stored = repo::profiles::by_user(db, actor.id).await?;
    let display = match &stored {
        Some(profile) => crate::scoring::display(profile)?,
        None => "退会済み (erased)".to_owned(),
    };
    let profile = stored.as_ref().map(repo::profiles::to_input).transpose()?;
    let applications = repo::profiles::applications_with_titles(db, actor.id)
        .await?
        .into_iter()
        .map(|(application, need_title)| ExportedApplication {
            application,
            need_title,
            display: display.clone(),
            display_name: account.display_name.clone(),
        })
        .collect();
    let rows = repo::matches::disclosures_of(db, actor.id).await?;
    let names =
        repo::users::organization_names(db, rows.iter().map(|row| row.organization_id)).await?;
    let disclosures = rows
        .into_iter()
        .map(|disclosure| Disclosure {
            organization_name: names
                .get(&disclosure.organization_id)
                .cloned()
                .unwrap_or_default(),
            disclosure,
        })
        .collect();
    let provisions = super::sharing::provisions_of(db, actor.id).await?;
    let relays = repo::relays::of_professional(db, actor.id).await?;
    let titles = repo::profiles::need_titles(db, relays.iter().map(|row| row.need_id)).await?;
    let relays = relays
        .into_iter()
        .map(|relay| ExportedRelay {
            need_title: titles.get(&relay.need_id).cloned().unwrap_or_default(),
            relay,
        })
        .collect();
    Ok(Export {
        account,
        profile,
        applications,
        disclosures,
        provisions,
        relays,
        exported_at: Utc::now(),
    })
}
