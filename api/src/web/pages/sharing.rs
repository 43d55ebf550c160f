//! The sharing section of `/me/profile`: which alliance regions may find the
//! professional (`services::sharing`, the rules of `PUT /api/v1/profiles/me/sharing`),
//! and the withdrawal. `POST /me/profile/sharing` saves a choice; a list without a
//! region comes back on the profile page with the error beside the regions and the
//! choice kept. Other roles get the 403 page.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, web};
use uuid::Uuid;

use crate::{
    domain::sharing::SharingMode,
    services::{self, sharing::Sharing},
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, see_other},
    },
};

/// A mode as the form offers it.
#[derive(Debug)]
pub struct ModeChoice {
    /// `ties`, `all` or `list`.
    pub value: &'static str,
    /// Its words.
    pub label: String,
    /// What it means.
    pub hint: String,
    /// Chosen now.
    pub checked: bool,
}

/// A region as the form offers it.
#[derive(Debug)]
pub struct RegionChoice {
    /// Its id.
    pub id: String,
    /// Its name and prefecture.
    pub label: String,
    /// One of the professional's own (always finds them; no box to tick).
    pub own: bool,
    /// Ticked.
    pub checked: bool,
}

/// The section of the profile page.
#[derive(Debug)]
pub struct SharingSection {
    /// The three modes.
    pub modes: Vec<ModeChoice>,
    /// Every region of the alliance.
    pub regions: Vec<RegionChoice>,
    /// Who may find them now, in words.
    pub summary: String,
    /// Whether there is something to withdraw (not `ties`).
    pub withdrawable: bool,
    /// Why the choice was not saved.
    pub error: Option<String>,
}

/// The section for a stored sharing, or for a refused choice (`chosen`: the mode and
/// regions as sent).
pub fn section(
    frame: &Frame,
    sharing: &Sharing,
    chosen: Option<(SharingMode, &[Uuid])>,
    error: Option<String>,
) -> SharingSection {
    let (mode, regions) = chosen.unwrap_or((sharing.consent.mode, &sharing.consent.regions));
    let modes = [SharingMode::Ties, SharingMode::All, SharingMode::List]
        .into_iter()
        .map(|choice| {
            let (label, hint) = match choice {
                SharingMode::Ties => ("sharing.mode.ties", "sharing.mode.ties.hint"),
                SharingMode::All => ("sharing.mode.all", "sharing.mode.all.hint"),
                SharingMode::List => ("sharing.mode.list", "sharing.mode.list.hint"),
            };
            ModeChoice {
                value: choice.as_str(),
                label: frame.msg(label).to_owned(),
                hint: frame.msg(hint).to_owned(),
                checked: choice == mode,
            }
        })
        .collect();
    let found: Vec<&str> = sharing
        .regions
        .iter()
        .filter(|r| r.may_find)
        .map(|r| r.region.name.as_str())
        .collect();
    SharingSection {
        modes,
        regions: sharing
            .regions
            .iter()
            .map(|r| RegionChoice {
                id: r.region.id.to_string(),
                label: format!("{}（{}）", r.region.name, r.region.prefecture),
                own: r.own,
                checked: regions.contains(&r.region.id),
            })
            .collect(),
        summary: if found.is_empty() {
            frame.msg("sharing.summary.none").to_owned()
        } else {
            frame.msg_with("sharing.summary", &[("regions", &found.join("、"))])
        },
        withdrawable: sharing.consent.mode != SharingMode::Ties,
        error,
    }
}

/// The section of the caller's stored sharing.
pub async fn stored(
    frame: &Frame,
    state: &AppState,
    user: &PageUser,
) -> Result<SharingSection, PageError> {
    let sharing = services::sharing::get(&state.db, &user.caller).await?;
    Ok(section(frame, &sharing, None, None))
}

/// Saves a choice (`mode`, and `region` boxes for a list) and comes back to the
/// profile page; a refused one is shown there with its error.
#[post("/me/profile/sharing")]
pub async fn save(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    super::profile::professional_only(&user)?;
    let mode = pairs
        .iter()
        .rev()
        .find(|(name, _)| name == "mode")
        .and_then(|(_, value)| SharingMode::parse(value))
        .unwrap_or_default();
    let regions: Vec<Uuid> = pairs
        .iter()
        .filter(|(name, _)| name == "region")
        .filter_map(|(_, value)| value.parse().ok())
        .collect();
    match services::sharing::put(&state.db, &state.ranking, &user.caller, mode, &regions).await {
        Ok(_) if mode == SharingMode::Ties => {
            Ok(see_other("/me/profile?done=withdrawn#sharing").finish())
        }
        Ok(_) => Ok(see_other("/me/profile?done=sharing#sharing").finish()),
        Err(services::Error::Invalid(_)) => {
            let frame = Frame::new(&request, Some(&user));
            let sharing = services::sharing::get(&state.db, &user.caller).await?;
            let section = section(
                &frame,
                &sharing,
                Some((mode, &regions)),
                Some(frame.msg("sharing.error.list").to_owned()),
            );
            super::profile::with_sharing(
                &frame,
                &state,
                &user,
                section,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
