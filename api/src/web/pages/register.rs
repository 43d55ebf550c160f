//! `/register`: an SME or municipality (with its organization) or a professional makes
//! an account through `services::accounts` (the JSON API's rules and throttles), and is
//! logged in at once with a new page session. Coordinators are made by the CLI.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::{StatusCode, header},
    post, web,
};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::throttle::Throttles,
    domain::{
        account::{OrganizationInput, RegisterRequest, RegisterRole},
        enums::OrganizationKind,
        error::{ConflictCode, FieldError},
    },
    entities::region,
    services::{self, accounts, regions},
    state::AppState,
    web::{
        caller::Visitor,
        csrf::{self, CsrfForm},
        errors::PageError,
        form::{Errors, SelectField, TextField},
        frame::{Frame, page, see_other},
        labels, session,
    },
};

/// Where a new account goes.
const AFTER_REGISTER: &str = "/me";

/// What the form sends (and, shown again, what was typed).
#[derive(Debug, Default, Deserialize)]
pub struct RegisterFields {
    #[serde(default)]
    role: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    org_kind: String,
    #[serde(default)]
    org_region: String,
    #[serde(default)]
    org_industry: String,
    #[serde(default)]
    org_city: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    frame: &'a Frame,
    errors: Errors,
    role: String,
    role_error: Option<String>,
    account: Vec<TextField>,
    organization_texts: Vec<TextField>,
    organization_selects: Vec<SelectField>,
}

impl RegisterPage<'_> {
    fn role_is(&self, role: &str) -> bool {
        self.role == role
    }
}

fn form<'a>(
    frame: &'a Frame,
    regions: &[region::Model],
    typed: &RegisterFields,
    errors: Errors,
) -> RegisterPage<'a> {
    let account = vec![
        TextField::new("display_name", frame.msg("register.display_name"), "text")
            .autocomplete("name")
            .hint(frame.msg("register.display_name.hint"))
            .value(typed.display_name.trim())
            .required()
            .error(&errors),
        TextField::new("email", frame.msg("register.email"), "email")
            .autocomplete("email")
            .value(typed.email.trim())
            .required()
            .error(&errors),
        TextField::new("password", frame.msg("register.password"), "password")
            .autocomplete("new-password")
            .hint(frame.msg("register.password.hint"))
            .required()
            .error(&errors),
    ];
    let organization_texts = vec![
        TextField::new("org_name", frame.msg("register.org_name"), "text")
            .autocomplete("organization")
            .value(typed.org_name.trim())
            .error(&errors),
        TextField::new("org_city", frame.msg("register.org_city"), "text")
            .autocomplete("address-level2")
            .hint(frame.msg("register.org_city.hint"))
            .value(typed.org_city.trim())
            .error(&errors),
    ];
    let organization_selects = vec![
        SelectField::new(
            "org_kind",
            frame.msg("register.org_kind"),
            frame.msg("form.choose"),
            [OrganizationKind::Sme, OrganizationKind::Municipality]
                .into_iter()
                .map(|kind| {
                    (
                        kind.as_str().to_owned(),
                        labels::organization_kind(frame, kind.as_str()),
                    )
                }),
            typed.org_kind.trim(),
        )
        .error(&errors),
        SelectField::new(
            "org_region",
            frame.msg("register.org_region"),
            frame.msg("form.choose"),
            regions
                .iter()
                .map(|region| (region.id.to_string(), region.name.clone())),
            typed.org_region.trim(),
        )
        .hint(frame.msg("register.org_region.hint"))
        .error(&errors),
        SelectField::new(
            "org_industry",
            frame.msg("register.org_industry"),
            frame.msg("form.choose"),
            labels::industry_choices(frame),
            typed.org_industry.trim(),
        )
        .error(&errors),
    ];
    RegisterPage {
        frame,
        role_error: errors.of("role").map(str::to_owned),
        errors,
        role: typed.role.trim().to_owned(),
        account,
        organization_texts,
        organization_selects,
    }
}

/// The registration form.
#[get("/register")]
pub async fn register_form(
    request: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
) -> Result<HttpResponse, PageError> {
    if visitor.0.is_some() {
        return Ok(see_other(AFTER_REGISTER).finish());
    }
    let frame = Frame::for_anonymous_form(&request)?;
    let regions = regions::all(&state.db).await?;
    page(
        &frame,
        StatusCode::OK,
        &form(
            &frame,
            &regions,
            &RegisterFields::default(),
            Errors::default(),
        ),
    )
}

/// The page field and message of an error the domain found, by its field.
fn page_error(field: &FieldError) -> (&'static str, &'static str) {
    match field.field.as_str() {
        "email" => ("email", "register.email.invalid"),
        "password" => ("password", "register.password.invalid"),
        "display_name" => ("display_name", "register.display_name.invalid"),
        "organization.name" => ("org_name", "register.org_name.invalid"),
        "organization.city" => ("org_city", "register.org_city.invalid"),
        "organization.industry" => ("org_industry", "register.org_industry.invalid"),
        "organization.region_id" => ("org_region", "register.org_region.invalid"),
        _ => ("role", "register.role.invalid"),
    }
}

/// The request the JSON API would get for this form; what the form itself gets wrong
/// (no role, no kind or region for an organization) goes into `errors`.
fn to_request(frame: &Frame, typed: &RegisterFields, errors: &mut Errors) -> RegisterRequest {
    let role = match typed.role.trim() {
        "sme" => RegisterRole::Sme,
        "professional" => RegisterRole::Professional,
        _ => {
            errors.add("role", frame.msg("register.role.missing"));
            // Read as a professional's, so the account's own fields are still checked.
            RegisterRole::Professional
        }
    };
    let organization = match role {
        RegisterRole::Professional => None,
        RegisterRole::Sme => {
            let kind = OrganizationKind::parse(typed.org_kind.trim());
            if kind.is_none() {
                errors.add("org_kind", frame.msg("register.org_kind.missing"));
            }
            let region = Uuid::parse_str(typed.org_region.trim()).ok();
            if region.is_none() {
                errors.add("org_region", frame.msg("register.org_region.missing"));
            }
            Some(OrganizationInput {
                name: typed.org_name.clone(),
                kind: kind.unwrap_or(OrganizationKind::Sme),
                region_id: region.unwrap_or(Uuid::nil()),
                industry: typed.org_industry.clone(),
                city: typed.org_city.clone(),
                employees: None,
                description: None,
            })
        }
    };
    RegisterRequest {
        email: typed.email.clone(),
        password: typed.password.clone(),
        display_name: typed.display_name.clone(),
        role,
        organization,
    }
}

/// Makes the account and logs it in, or shows the form again with each error beside
/// its field and what was typed kept (the password excepted).
#[post("/register")]
pub async fn submit(
    request: HttpRequest,
    state: web::Data<AppState>,
    throttles: web::Data<Throttles>,
    CsrfForm(typed): CsrfForm<RegisterFields>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::for_anonymous_form(&request)?;
    let regions = regions::all(&state.db).await?;
    let mut errors = Errors::default();
    let again = |errors: Errors, status: StatusCode| {
        page(&frame, status, &form(&frame, &regions, &typed, errors))
    };
    let wanted = to_request(&frame, &typed, &mut errors);
    let registration = match wanted.parse() {
        Ok(registration) if errors.is_empty() => registration,
        parsed => {
            for field in parsed.err().unwrap_or_default() {
                let (id, key) = page_error(&field);
                errors.add(id, frame.msg(key));
            }
            return again(errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let admitted = accounts::admit_registration(
        &throttles,
        &crate::auth::extractor::client_key(&throttles, &request),
        &registration.email,
    );
    if let Err(services::Error::TooManyRequests { retry_after }) = admitted {
        let seconds = retry_after.max(1).to_string();
        errors.add(
            "email",
            frame.msg_with("register.throttled", &[("seconds", &seconds)]),
        );
        let mut response = again(errors, StatusCode::TOO_MANY_REQUESTS)?;
        if let Ok(value) = header::HeaderValue::from_str(&seconds) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    admitted?;
    let account = match accounts::register(&state.db, registration, ()).await {
        Ok(account) => account,
        Err(services::Error::Conflict(ConflictCode::EmailTaken, _)) => {
            errors.add("email", frame.msg("register.email.taken"));
            return again(errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(services::Error::Invalid(invalid)) => {
            for field in invalid {
                let (id, key) = page_error(&field);
                errors.add(id, frame.msg(key));
            }
            return again(errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(error) => return Err(error.into()),
    };
    // As at a login: a session the browser had ends, and the new one has a new id.
    if let Some(old) = session::current(&request).await? {
        session::end(&state.db, &old).await?;
    }
    let cookie = session::begin(&state.db, &state.settings.web, account.user.id).await?;
    Ok(see_other(AFTER_REGISTER)
        .cookie(cookie)
        .cookie(csrf::forget_anonymous(&state.settings))
        .finish())
}
