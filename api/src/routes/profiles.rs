//! Profiles (複業人材): written by professionals, shown to coordinators, and to an SME
//! only after an introduction.

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{
    applications::{Applicant, ApplicationView},
    auth::UserView,
};
use crate::{
    auth::{AccountRole, AuthUser},
    domain::profile::ProfileInput,
    error::ApiResult,
    extract::Json,
    services::profiles::{self, Disclosure, ExportedApplication, Profile},
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

impl From<Profile> for ProfileView {
    fn from(profile: Profile) -> Self {
        Self {
            professional_id: profile.professional_id,
            display_name: profile.display_name,
            display: profile.display,
            profile: profile.input,
            created_at: profile.created_at,
            updated_at: profile.updated_at,
        }
    }
}

/// Create or replace the caller's profile: 201 when created, 200 when replaced.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), request_body = ProfileInput, responses(
    (status = 200, body = ProfileView), (status = 201, body = ProfileView),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[put("/profiles/me")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn put_my_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
    Json(input): Json<ProfileInput>,
) -> ApiResult<HttpResponse> {
    let written = profiles::put(&state.db, &state.ranking, &caller, input).await?;
    let view = ProfileView::from(written.profile);
    Ok(if written.created {
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
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn get_my_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<ProfileView>> {
    Ok(web::Json(profiles::mine(&state.db, &caller).await?.into()))
}

/// Erase the caller's personal data (APPI): the profile leaves every ranking, open
/// applications are withdrawn and their text removed, the account can no longer log in.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), responses(
    (status = 204, description = "erased"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[delete("/profiles/me")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn delete_my_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<HttpResponse> {
    profiles::erase(
        &state.db,
        &state.ranking,
        &state.settings.public_url,
        &caller,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything Musubi holds about the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Export {
    /// The account.
    pub account: UserView,
    /// The profile, if any.
    pub profile: Option<ProfileInput>,
    /// Every application, with its proposal and score snapshot.
    pub applications: Vec<ApplicationView>,
    /// Every time the caller's data was shown to an organization, and on what consent.
    pub disclosures: Vec<DisclosureView>,
    /// Every time the caller's profile was shown to a region not their own (APPI
    /// third-party provision), and on what consent.
    pub provisions: Vec<ProvisionView>,
    /// Every kind email recorded for the caller when a need they applied to stopped
    /// taking people without introducing them (リレー), oldest first.
    pub relays: Vec<RelayView>,
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

impl From<Disclosure> for DisclosureView {
    fn from(found: Disclosure) -> Self {
        let row = found.disclosure;
        Self {
            organization_id: row.organization_id,
            organization_name: found.organization_name,
            need_id: row.need_id,
            match_id: row.match_id,
            fields: row.fields,
            consent: row.consent,
            channel: row.channel,
            at: row.created_at,
        }
    }
}

/// A relay recorded for the caller: a need they applied to stopped taking people
/// without introducing them, and Musubi wrote to them with open needs that fit.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelayView {
    /// The need that stopped.
    pub need_id: Uuid,
    /// Its title (empty if it is gone).
    pub need_title: String,
    /// Why it stopped: `closed` or `filled`.
    pub cause: String,
    /// How many open needs the email recommended.
    pub suggested: i32,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// When its email was written to the outbox (`null` while it waits).
    pub emailed_at: Option<DateTime<Utc>>,
}

impl From<profiles::ExportedRelay> for RelayView {
    fn from(found: profiles::ExportedRelay) -> Self {
        let row = found.relay;
        Self {
            need_id: row.need_id,
            need_title: found.need_title,
            cause: row.cause,
            suggested: row.suggested,
            at: row.created_at,
            emailed_at: row.queued_at,
        }
    }
}

/// One provision of the caller's profile to another region of the alliance.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvisionView {
    /// To which region.
    pub region_id: Uuid,
    /// Its name.
    pub region_name: String,
    /// Which coordinator was shown.
    pub actor_id: Option<Uuid>,
    /// For which need.
    pub need_id: Option<Uuid>,
    /// Which fields.
    pub fields: serde_json::Value,
    /// On what consent: `all`, `list`, or `proposal` (a profile opened by the region
    /// that scouted them).
    pub consent: String,
    /// How: `candidates` (a candidate list), `suggestion` (the region-wide suggestion)
    /// or `profile_view`.
    pub channel: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<crate::services::sharing::Provision> for ProvisionView {
    fn from(found: crate::services::sharing::Provision) -> Self {
        let row = found.record;
        Self {
            region_id: row.region_id,
            region_name: found.region_name,
            actor_id: row.actor_id,
            need_id: row.need_id,
            fields: row.fields,
            consent: row.consent,
            channel: row.channel,
            at: row.created_at,
        }
    }
}

/// The caller's own application, as `GET /applications` shows it to them (in full).
fn application_view(exported: ExportedApplication) -> ApplicationView {
    let row = exported.application;
    ApplicationView {
        id: row.id,
        need_id: row.need_id,
        need_title: exported.need_title,
        status: row.status,
        message: row.message,
        score: row.score,
        applicant: Applicant {
            professional_id: row.professional_id,
            display: exported.display,
            display_name: Some(exported.display_name),
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Export everything held about the caller, as JSON.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), responses(
    (status = 200, body = Export),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/me/export")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn export_my_data(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<HttpResponse> {
    let export = export_view(profiles::export(&state.db, &caller).await?);
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Disposition", EXPORT_DISPOSITION))
        .json(export))
}

/// How an export is sent: as a file to save.
pub const EXPORT_DISPOSITION: &str = "attachment; filename=\"musubi-export.json\"";

/// An export as `GET /profiles/me/export` sends it (the page `/me/data` offers the same
/// file).
pub fn export_view(export: profiles::Export) -> Export {
    let profile_id = export.profile.as_ref().map(|_| export.account.id);
    Export {
        account: UserView::new(export.account, AccountRole::Professional, None, profile_id),
        profile: export.profile,
        applications: export
            .applications
            .into_iter()
            .map(application_view)
            .collect(),
        disclosures: export.disclosures.into_iter().map(Into::into).collect(),
        provisions: export.provisions.into_iter().map(Into::into).collect(),
        relays: export.relays.into_iter().map(Into::into).collect(),
        exported_at: export.exported_at,
    }
}

/// A professional's full profile: for themselves; for a coordinator of a region where
/// they applied. Anyone else gets 404. (SMEs see it once an introduction exists.)
#[utoipa::path(tag = "profiles", security(("bearer" = [])), params(("id" = Uuid, Path, description = "professional id")), responses(
    (status = 200, body = ProfileView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, professional_id = %id))]
pub async fn get_profile(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ProfileView>> {
    let profile = profiles::read(&state.db, &caller, id.into_inner().into()).await?;
    Ok(web::Json(profile.into()))
}
