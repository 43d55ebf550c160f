//! Profiles (複業人材): written by professionals, shown to coordinators, and to an SME
//! only after an introduction.

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::{AccountRole, AuthUser},
    domain::profile::ProfileInput,
    entities::profile,
    error::{ApiError, ApiResult},
    extract::Json,
    repo,
    state::AppState,
};

/// Registers the profile routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(put_my_profile)
        .service(get_my_profile)
        .service(delete_my_profile)
        .service(export_my_data)
        .service(get_profile);
}

/// A full profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    /// The professional's id (also their user id).
    pub professional_id: Uuid,
    /// Their name.
    pub display_name: String,
    /// The pseudonymous line shown before an introduction.
    pub display: String,
    /// The profile.
    #[serde(flatten)]
    pub profile: ProfileInput,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

async fn profile_view(state: &AppState, profile: profile::Model) -> ApiResult<ProfileView> {
    let user = repo::users::by_id(&state.db, profile.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let input = repo::profiles::to_input(&profile)?;
    Ok(ProfileView {
        professional_id: profile.user_id,
        display_name: user.display_name,
        display: crate::scoring::display(&profile)?,
        profile: input,
        created_at: profile.created_at,
        updated_at: profile.updated_at,
    })
}

/// Create or replace the caller's profile: 201 when created, 200 when replaced.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), request_body = ProfileInput, responses(
    (status = 200, body = ProfileView), (status = 201, body = ProfileView),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[put("/profiles/me")]
pub async fn put_my_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
    Json(input): Json<ProfileInput>,
) -> ApiResult<HttpResponse> {
    caller.require(AccountRole::Professional)?;
    let input = input.validate()?;
    let user_id = caller.id;
    let (profile, created) = state
        .db
        .transaction::<_, _, ApiError>(move |txn| {
            Box::pin(async move {
                let saved = repo::profiles::upsert(txn, user_id, &input).await?;
                repo::profiles::record_change(txn, user_id).await?;
                Ok(saved)
            })
        })
        .await?;
    // This process ranks the new profile from the next request on; should this fail,
    // the change feed catches up within a poll.
    if let Err(error) = state.ranking.upsert_stored(&state.db, &profile).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "ranking index not updated in place"
        );
    }
    let view = profile_view(&state, profile).await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// The caller's own profile.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), responses(
    (status = 200, body = ProfileView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "no profile yet", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/me")]
pub async fn get_my_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<ProfileView>> {
    caller.require(AccountRole::Professional)?;
    let profile = repo::profiles::by_user(&state.db, caller.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(profile_view(&state, profile).await?))
}

/// Erase the caller's personal data (APPI): the profile leaves every ranking, open
/// applications are withdrawn and their text removed, the account can no longer log in.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), responses(
    (status = 204, description = "erased"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[delete("/profiles/me")]
pub async fn delete_my_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<HttpResponse> {
    caller.require(AccountRole::Professional)?;
    let user_id = caller.id;
    let public_url = state.settings.public_url.clone();
    state
        .db
        .transaction::<_, (), ApiError>(move |txn| {
            Box::pin(async move {
                crate::workflow::matches::end_for_erasure(txn, &public_url, user_id).await?;
                repo::profiles::erase(txn, user_id).await?;
                repo::web_sessions::end_all_for_user(txn, user_id).await?;
                crate::email::outbox::cancel_for_recipient(txn, user_id).await?;
                repo::profiles::record_change(txn, user_id).await?;
                Ok(())
            })
        })
        .await?;
    state.ranking.remove(user_id);
    Ok(HttpResponse::NoContent().finish())
}

/// Everything Musubi holds about the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Export {
    /// The account.
    pub account: crate::routes::auth::UserView,
    /// The profile, if any.
    pub profile: Option<ProfileInput>,
    /// Every application, with its proposal and score snapshot.
    pub applications: Vec<crate::routes::applications::ApplicationView>,
    /// Every time the caller's data was shown to an organization, and on what consent.
    pub disclosures: Vec<DisclosureView>,
    /// When this export was made.
    pub exported_at: DateTime<Utc>,
}

/// One disclosure of the caller's data.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosureView {
    /// To which organization.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// About which need.
    pub need_id: Option<Uuid>,
    /// Through which match.
    pub match_id: Option<Uuid>,
    /// Which fields.
    pub fields: serde_json::Value,
    /// On what consent: `application` or `scout_acceptance`.
    pub consent: String,
    /// How: `introduction_email` or `profile_view`.
    pub channel: String,
    /// When.
    pub at: DateTime<Utc>,
}

async fn disclosure_views(
    state: &AppState,
    professional_id: Uuid,
) -> ApiResult<Vec<DisclosureView>> {
    let mut views = Vec::new();
    for row in repo::matches::disclosures_of(&state.db, professional_id).await? {
        let organization = repo::needs::organization(&state.db, row.organization_id).await?;
        views.push(DisclosureView {
            organization_id: row.organization_id,
            organization_name: organization.map(|org| org.name).unwrap_or_default(),
            need_id: row.need_id,
            match_id: row.match_id,
            fields: row.fields,
            consent: row.consent,
            channel: row.channel,
            at: row.created_at,
        });
    }
    Ok(views)
}

/// Export everything held about the caller, as JSON.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), responses(
    (status = 200, body = Export),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/me/export")]
pub async fn export_my_data(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<HttpResponse> {
    caller.require(AccountRole::Professional)?;
    let user = repo::users::by_id(&state.db, caller.id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let profile = repo::profiles::by_user(&state.db, caller.id).await?;
    let profile = profile.as_ref().map(repo::profiles::to_input).transpose()?;
    let applications = repo::applications::of_professional(&state.db, caller.id).await?;
    let applications = crate::routes::applications::views(
        &state,
        applications,
        crate::routes::applications::Viewer::Full,
    )
    .await?;
    let export = Export {
        account: crate::routes::auth::UserView {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: AccountRole::Professional,
            region_id: None,
            organization_id: None,
            profile_id: profile.as_ref().map(|_| caller.id),
            created_at: user.created_at,
        },
        profile,
        applications,
        disclosures: disclosure_views(&state, caller.id).await?,
        exported_at: Utc::now(),
    };
    Ok(HttpResponse::Ok()
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"musubi-export.json\"",
        ))
        .json(export))
}

/// A professional's full profile: for themselves; for a coordinator of a region where
/// they applied. Anyone else gets 404. (SMEs see it once an introduction exists.)
#[utoipa::path(tag = "profiles", security(("bearer" = [])), params(("id" = Uuid, Path, description = "professional id")), responses(
    (status = 200, body = ProfileView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/{id}")]
pub async fn get_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ProfileView>> {
    let id = id.into_inner();
    let allowed = match caller.role {
        AccountRole::Professional => caller.id == id,
        AccountRole::Coordinator => match caller.region_id {
            Some(region_id) => {
                repo::applications::applied_in_region(&state.db, id, region_id).await?
                    || repo::matches::proposed_in_region(&state.db, id, region_id).await?
            }
            None => false,
        },
        AccountRole::Sme => repo::matches::introduced_to_owner(&state.db, id, caller.id).await?,
    };
    if !allowed {
        return Err(ApiError::NotFound);
    }
    let profile = repo::profiles::by_user(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if caller.role == AccountRole::Sme
        && let Some(organization) = repo::users::organization_of(&state.db, caller.id).await?
    {
        // An SME reading a profile is a disclosure: record it, on the consent the
        // introduction was made on.
        repo::matches::record_disclosure(
            &state.db,
            repo::matches::NewDisclosure {
                professional_id: id,
                organization_id: organization.id,
                need_id: None,
                match_id: None,
                fields: &["profile"],
                consent: "introduction",
                channel: "profile_view",
                actor_id: Some(caller.id),
            },
        )
        .await?;
    }
    Ok(web::Json(profile_view(&state, profile).await?))
}
