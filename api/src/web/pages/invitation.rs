//! `/invitations/{token}`: the page an imported professional's invitation email links to.
//! No login is needed — the token is the credential (only its SHA-256 is stored). They
//! choose a password, review (and may edit) the profile the coordinator's row filled in,
//! and consent with an explicit checkbox; then `services::invitations::accept` makes the
//! account and profile in one transaction, the link is used up, and they are logged in
//! (a new page session) and land on `/me`. A link unknown, expired or used says so.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    domain::{account::NewPassword, enums::WorkStyle, error::ConflictCode, profile::ProfileInput},
    repo::invitations::InvitationRefusal,
    services::{
        self,
        invitations::{self, Acceptance, Invitation, sheet},
    },
    state::AppState,
    web::{
        csrf::{self, CsrfForm},
        errors::PageError,
        form::{Errors, SelectField, TextField},
        frame::{Frame, page, see_other},
        labels, session,
    },
};

/// Where an accepted invitation goes.
const AFTER_ACCEPT: &str = "/me";

/// What the form sends (and, shown again, what was typed).
#[derive(Debug, Default, Deserialize)]
pub struct AcceptFields {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    #[serde(default)]
    headline: String,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    hours_per_month: String,
    #[serde(default)]
    work_style: String,
    #[serde(default)]
    prefecture: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    consent: String,
}

impl AcceptFields {
    /// The form as first shown: the invitation's values.
    fn of(frame: &Frame, invitation: &Invitation) -> Self {
        let profile = &invitation.profile;
        Self {
            display_name: invitation.display_name.clone(),
            headline: profile.headline.clone(),
            bio: profile.bio.clone(),
            hours_per_month: profile.hours_per_month.to_string(),
            work_style: profile.work_style.as_str().to_owned(),
            prefecture: profile.home.prefecture.clone(),
            city: profile.home.city.clone(),
            skills: profile
                .skills
                .iter()
                .map(|skill| format!("{}:{}", labels::skill(frame, &skill.skill), skill.level))
                .collect::<Vec<_>>()
                .join("; "),
            ..Self::default()
        }
    }
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct AcceptPage<'a> {
    frame: &'a Frame,
    errors: Errors,
    action: String,
    lead: String,
    email: String,
    account: Vec<TextField>,
    profile: Vec<TextField>,
    work_style: SelectField,
    bio: String,
    bio_error: Option<String>,
    consent: bool,
    consent_error: Option<String>,
}

#[derive(Template)]
#[template(path = "invitation_refused.html")]
struct Refused<'a> {
    frame: &'a Frame,
    reason_key: &'static str,
}

fn form<'a>(
    frame: &'a Frame,
    token: &str,
    invitation: &Invitation,
    typed: &AcceptFields,
    errors: Errors,
) -> AcceptPage<'a> {
    let account = vec![
        TextField::new("display_name", frame.msg("invitation.display_name"), "text")
            .autocomplete("name")
            .value(typed.display_name.trim())
            .required()
            .error(&errors),
        TextField::new("password", frame.msg("invitation.password"), "password")
            .autocomplete("new-password")
            .hint(frame.msg("invitation.password.hint"))
            .required()
            .error(&errors),
        TextField::new(
            "password_again",
            frame.msg("invitation.password_again"),
            "password",
        )
        .autocomplete("new-password")
        .required()
        .error(&errors),
    ];
    let profile = vec![
        TextField::new("headline", frame.msg("invitation.headline"), "text")
            .autocomplete("off")
            .value(typed.headline.trim())
            .required()
            .error(&errors),
        TextField::new(
            "hours_per_month",
            frame.msg("invitation.hours_per_month"),
            "text",
        )
        .autocomplete("off")
        .hint(frame.msg("invitation.hours_per_month.hint"))
        .value(typed.hours_per_month.trim())
        .required()
        .error(&errors),
        TextField::new("prefecture", frame.msg("invitation.prefecture"), "text")
            .autocomplete("address-level1")
            .value(typed.prefecture.trim())
            .required()
            .error(&errors),
        TextField::new("city", frame.msg("invitation.city"), "text")
            .autocomplete("address-level2")
            .value(typed.city.trim())
            .error(&errors),
        TextField::new("skills", frame.msg("invitation.skills"), "text")
            .autocomplete("off")
            .hint(frame.msg("invitation.skills.hint"))
            .value(typed.skills.trim())
            .error(&errors),
    ];
    let work_style = SelectField::new(
        "work_style",
        frame.msg("invitation.work_style"),
        frame.msg("form.choose"),
        labels::work_style_choices(frame),
        typed.work_style.trim(),
    )
    .error(&errors);
    AcceptPage {
        frame,
        action: format!("/invitations/{token}"),
        lead: frame.msg_with(
            "invitation.lead",
            &[("region", invitation.region_name.as_str())],
        ),
        email: invitation.email.clone(),
        account,
        profile,
        work_style,
        bio: typed.bio.clone(),
        bio_error: errors.of("bio").map(str::to_owned),
        consent: typed.consent == "yes",
        consent_error: errors.of("consent").map(str::to_owned),
        errors,
    }
}

/// The page of a link that cannot be used, saying why.
fn refused(frame: &Frame, refusal: InvitationRefusal) -> Result<HttpResponse, PageError> {
    let reason_key = match refusal {
        InvitationRefusal::Unknown => "invitation.refused.unknown",
        InvitationRefusal::Expired => "invitation.refused.expired",
        InvitationRefusal::Used => "invitation.refused.used",
    };
    page(
        frame,
        StatusCode::BAD_REQUEST,
        &Refused { frame, reason_key },
    )
}

/// The invitation: the form to accept it, or why the link cannot be used.
#[get("/invitations/{token}")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    match invitations::open(&state.db, &token).await? {
        Ok(invitation) => {
            let typed = AcceptFields::of(&frame, &invitation);
            page(
                &frame,
                StatusCode::OK,
                &form(&frame, &token, &invitation, &typed, Errors::default()),
            )
        }
        Err(refusal) => refused(&frame, refusal),
    }
}

/// The page field and message of a profile rule the domain found broken.
fn profile_error(field: &str) -> (&'static str, &'static str) {
    match field.split(['.', '[']).next().unwrap_or_default() {
        "headline" => ("headline", "invitation.headline.invalid"),
        "bio" => ("bio", "invitation.bio.invalid"),
        "skills" => ("skills", "invitation.skills.invalid"),
        "hours_per_month" => ("hours_per_month", "invitation.hours_per_month.invalid"),
        "home" if field.ends_with("city") => ("city", "invitation.city.invalid"),
        "home" => ("prefecture", "invitation.prefecture.invalid"),
        "consent" => ("consent", "invitation.consent.missing"),
        "display_name" => ("display_name", "invitation.display_name.invalid"),
        _ => ("headline", "invitation.headline.invalid"),
    }
}

/// The profile as typed over the invitation's, or the errors of the fields typed wrong.
fn typed_profile(
    frame: &Frame,
    invitation: &Invitation,
    typed: &AcceptFields,
    errors: &mut Errors,
) -> ProfileInput {
    let mut profile = invitation.profile.clone();
    profile.headline = typed.headline.trim().to_owned();
    profile.bio = typed.bio.trim().to_owned();
    match typed.hours_per_month.trim().parse::<u16>() {
        Ok(hours) => profile.hours_per_month = hours,
        Err(_) => errors.add(
            "hours_per_month",
            frame.msg("invitation.hours_per_month.invalid"),
        ),
    }
    match WorkStyle::parse(typed.work_style.trim()) {
        Some(style) => profile.work_style = style,
        None => errors.add("work_style", frame.msg("invitation.work_style.invalid")),
    }
    profile.home.prefecture = typed.prefecture.trim().to_owned();
    profile.home.city = typed.city.trim().to_owned();
    match sheet::parse_skills(&typed.skills) {
        Ok(skills) => profile.skills = skills,
        Err(_) => errors.add("skills", frame.msg("invitation.skills.invalid")),
    }
    profile
}

/// Makes the account and profile and logs them in, or shows the form again with each
/// error beside its field and what was typed kept (the passwords excepted).
#[post("/invitations/{token}")]
pub async fn accept(
    request: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    CsrfForm(typed): CsrfForm<AcceptFields>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    let invitation = match invitations::open(&state.db, &token).await? {
        Ok(invitation) => invitation,
        Err(refusal) => return refused(&frame, refusal),
    };
    let again = |errors: Errors| {
        page(
            &frame,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form(&frame, &token, &invitation, &typed, errors),
        )
    };
    let mut errors = Errors::default();
    if typed.display_name.trim().is_empty() {
        errors.add("display_name", frame.msg("invitation.display_name.invalid"));
    }
    let password = match NewPassword::parse(typed.password.clone()) {
        Ok(password) => Some(password),
        Err(_) => {
            let key = if typed.password.is_empty() {
                "invitation.password.missing"
            } else {
                "invitation.password.invalid"
            };
            errors.add("password", frame.msg(key));
            None
        }
    };
    if typed.password != typed.password_again {
        errors.add("password_again", frame.msg("invitation.password.mismatch"));
    }
    let profile = typed_profile(&frame, &invitation, &typed, &mut errors);
    let spec = match profile.parse() {
        Ok(spec) => Some(spec),
        Err(fields) => {
            for field in fields {
                let (id, key) = profile_error(&field.field);
                errors.add(id, frame.msg(key));
            }
            None
        }
    };
    let consent = typed.consent == "yes";
    if !consent {
        errors.add("consent", frame.msg("invitation.consent.missing"));
    }
    let (Some(password), Some(spec)) = (password, spec) else {
        return again(errors);
    };
    if !errors.is_empty() {
        return again(errors);
    }
    let acceptance = Acceptance {
        display_name: typed.display_name.trim().to_owned(),
        password,
        profile: spec,
        consent,
    };
    let logged_in = match invitations::accept(&state.db, &state.ranking, &token, acceptance).await {
        Ok(Ok(logged_in)) => logged_in,
        Ok(Err(refusal)) => return refused(&frame, refusal),
        Err(services::Error::Invalid(fields)) => {
            for field in fields {
                let (id, key) = profile_error(&field.field);
                errors.add(id, frame.msg(key));
            }
            return again(errors);
        }
        Err(services::Error::Conflict(ConflictCode::EmailTaken, _)) => {
            errors.add("display_name", frame.msg("invitation.email.taken"));
            return again(errors);
        }
        Err(error) => return Err(error.into()),
    };
    // As at a login: a session the browser had ends, and the new one has a new id.
    if let Some(old) = session::current(&request).await? {
        session::end(&state.db, &old).await?;
    }
    let cookie = session::begin(&state.db, &state.settings.web, logged_in.user_id).await?;
    Ok(see_other(AFTER_ACCEPT)
        .cookie(cookie)
        .cookie(csrf::forget_anonymous(&state.settings))
        .finish())
}
