//! The 仕様書 form: an SME or municipality writes a need (`/needs/new`), edits it
//! (`/needs/{id}/edit`) and closes it after a confirmation (`/needs/{id}/close`).
//! The fields are those of `POST /api/v1/needs`, each with a hint for a first-time
//! writer; the domain's rules judge them as they judge the JSON, and each error is
//! shown beside its field with what was typed kept. Through `services::needs`: another
//! role gets the 403 page at `/needs/new`; anyone but the need's owner gets the 404
//! page at its edit and close pages.

mod fields;

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use musubi_matcher::taxonomy;
use serde::Deserialize;
use uuid::Uuid;

pub use self::fields::Typed;
use self::fields::{LEVEL_IDS, MUST_IDS, SKILL_IDS};
use crate::{
    auth::AccountRole,
    domain::{
        enums::{MeetingSlot, Style},
        error::ConflictCode,
        ids::NeedId,
        need::NeedInput,
    },
    services::{self, needs::Posted},
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        form::{Choice, Errors, SelectField, TextField},
        frame::{Frame, page, see_other},
        labels,
    },
};

/// A group of checkboxes or radio buttons.
#[derive(Debug)]
struct Checks {
    /// The fieldset's id (errors link to it) and the inputs' name.
    id: &'static str,
    /// `checkbox` or `radio`.
    kind: &'static str,
    legend: String,
    hint: Option<String>,
    boxes: Vec<CheckBox>,
    error: Option<String>,
}

#[derive(Debug)]
struct CheckBox {
    /// `{name}-{value}`.
    id: String,
    value: String,
    label: String,
    checked: bool,
}

impl Checks {
    fn new(
        frame: &Frame,
        id: &'static str,
        kind: &'static str,
        legend: &str,
        choices: impl IntoIterator<Item = (String, String)>,
        chosen: &[String],
        errors: &Errors,
    ) -> Self {
        Self {
            id,
            kind,
            legend: frame.msg(legend).to_owned(),
            hint: None,
            boxes: choices
                .into_iter()
                .map(|(value, label)| CheckBox {
                    id: format!("{id}-{value}"),
                    checked: chosen.iter().any(|chosen| chosen.trim() == value),
                    value,
                    label,
                })
                .collect(),
            error: errors.of(id).map(str::to_owned),
        }
    }

    fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_owned());
        self
    }
}

/// The skills of one field of the taxonomy, an `<optgroup>`.
#[derive(Debug)]
struct SkillGroup {
    label: String,
    choices: Vec<Choice>,
}

/// One skill row: the skill, the lowest level asked, must or nice.
#[derive(Debug)]
struct SkillRowView {
    legend: String,
    skill_id: &'static str,
    level_id: &'static str,
    must_id: &'static str,
    groups: Vec<SkillGroup>,
    levels: Vec<Choice>,
    must: bool,
    skill_error: Option<String>,
    level_error: Option<String>,
}

/// The need being edited.
#[derive(Debug)]
struct Editing {
    /// `/needs/{id}`.
    href: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "need_form.html")]
struct NeedFormPage<'a> {
    frame: &'a Frame,
    errors: Errors,
    heading: &'static str,
    action: String,
    submit: &'static str,
    editing: Option<Editing>,
    /// Why the need was not posted (no organization).
    refusal: Option<&'static str>,
    title: TextField,
    role: SelectField,
    style: SelectField,
    description: TextField,
    goal: TextField,
    skills: Vec<SkillRowView>,
    skills_error: Option<String>,
    hours_min: TextField,
    hours_max: TextField,
    duration: TextField,
    work_style: SelectField,
    visits: TextField,
    slots: Checks,
    pay: Checks,
    pay_min: TextField,
    pay_max: TextField,
    headcount: TextField,
    apply_by: TextField,
    themes: Checks,
    /// The pool the need would reach, when counted for this page.
    pool: Option<super::need_pool::PoolView>,
}

impl NeedFormPage<'_> {
    fn areas(&self) -> [&TextField; 2] {
        [&self.description, &self.goal]
    }

    fn who(&self) -> [&SelectField; 2] {
        [&self.role, &self.style]
    }

    fn hours(&self) -> [&TextField; 3] {
        [&self.hours_min, &self.hours_max, &self.duration]
    }

    fn money(&self) -> [&TextField; 2] {
        [&self.pay_min, &self.pay_max]
    }

    fn terms(&self) -> [&TextField; 2] {
        [&self.headcount, &self.apply_by]
    }
}

/// The five levels a skill is asked at, lowest first.
const LEVELS: [(&str, &str); 5] = [
    ("1", "needform.level.1"),
    ("2", "needform.level.2"),
    ("3", "needform.level.3"),
    ("4", "needform.level.4"),
    ("5", "needform.level.5"),
];

fn skill_rows(frame: &Frame, typed: &Typed, errors: &Errors) -> Vec<SkillRowView> {
    typed
        .skills
        .iter()
        .take(fields::MAX_ROWS)
        .enumerate()
        .map(|(row, line)| {
            let chosen = line.skill.trim();
            let groups = taxonomy::fields()
                .iter()
                .map(|field| SkillGroup {
                    label: frame.pick(field.ja, field.en).to_owned(),
                    choices: taxonomy::skills()
                        .iter()
                        .filter(|skill| skill.field == field.key)
                        .map(|skill| Choice {
                            value: skill.key.to_owned(),
                            label: frame.pick(skill.ja, skill.en).to_owned(),
                            selected: skill.key == chosen,
                        })
                        .collect(),
                })
                .collect();
            let level = Some(line.level.trim())
                .filter(|level| !level.is_empty())
                .unwrap_or("3");
            SkillRowView {
                legend: frame.msg_with("needform.skill.row", &[("n", &(row + 1).to_string())]),
                skill_id: SKILL_IDS[row],
                level_id: LEVEL_IDS[row],
                must_id: MUST_IDS[row],
                groups,
                levels: LEVELS
                    .iter()
                    .map(|(value, key)| Choice {
                        value: (*value).to_owned(),
                        label: frame.msg(key).to_owned(),
                        selected: *value == level,
                    })
                    .collect(),
                must: line.must,
                skill_error: errors.of(SKILL_IDS[row]).map(str::to_owned),
                level_error: errors.of(LEVEL_IDS[row]).map(str::to_owned),
            }
        })
        .collect()
}

/// The label and hint of each text field, by its id.
const TEXTS: [(&str, &str, &str); 11] = [
    ("title", "needform.title", "needform.title.hint"),
    (
        "description",
        "needform.description",
        "needform.description.hint",
    ),
    ("goal", "needform.goal", "needform.goal.hint"),
    ("hours_min", "needform.hours_min", "needform.hours_min.hint"),
    ("hours_max", "needform.hours_max", "needform.hours_max.hint"),
    (
        "duration_months",
        "needform.duration",
        "needform.duration.hint",
    ),
    ("visits", "needform.visits", "needform.visits.hint"),
    ("pay_min", "needform.pay_min", "needform.pay_min.hint"),
    ("pay_max", "needform.pay_max", "needform.pay_max.hint"),
    ("headcount", "needform.headcount", "needform.headcount.hint"),
    ("apply_by", "needform.apply_by", "needform.apply_by.hint"),
];

/// A text field of the form, with its label and hint from the catalogue.
fn text(
    frame: &Frame,
    errors: &Errors,
    id: &'static str,
    kind: &'static str,
    value: &str,
) -> TextField {
    let (label, hint) = TEXTS
        .iter()
        .find(|(field, _, _)| *field == id)
        .map_or(("", ""), |(_, label, hint)| (*label, *hint));
    TextField::new(id, frame.msg(label), kind)
        .hint(frame.msg(hint))
        .value(value)
        .error(errors)
}

/// The form with what was typed and what is wrong with it.
fn form<'a>(
    frame: &'a Frame,
    typed: &Typed,
    errors: Errors,
    editing: Option<Editing>,
) -> NeedFormPage<'a> {
    let (heading, action, submit) = match &editing {
        None => (
            "needform.new.title",
            "/needs/new".to_owned(),
            "needform.new.submit",
        ),
        Some(need) => (
            "needform.edit.title",
            format!("{}/edit", need.href),
            "needform.edit.submit",
        ),
    };
    let e = &errors;
    let pay_choices = [
        ("paid".to_owned(), frame.msg("needform.pay.paid").to_owned()),
        (
            "pro_bono".to_owned(),
            frame.msg("needform.pay.pro_bono").to_owned(),
        ),
    ];
    NeedFormPage {
        frame,
        heading,
        action,
        submit,
        editing,
        refusal: None,
        title: text(frame, e, "title", "text", &typed.title).required(),
        role: SelectField::new(
            "role",
            frame.msg("needform.role"),
            frame.msg("form.choose"),
            labels::role_choices(frame),
            typed.role.trim(),
        )
        .hint(frame.msg("needform.role.hint"))
        .error(e),
        style: SelectField::new(
            "style",
            frame.msg("needform.style"),
            frame.msg("form.choose"),
            [Style::HandsOn, Style::Advisory, Style::Either]
                .into_iter()
                .map(|style| (style.as_str().to_owned(), labels::style(frame, style))),
            typed.style.trim(),
        )
        .hint(frame.msg("needform.style.hint"))
        .error(e),
        // Kept as typed: line breaks and leading spaces are part of the text.
        description: text(frame, e, "description", "textarea", &typed.description).required(),
        goal: text(frame, e, "goal", "textarea", &typed.goal),
        skills: skill_rows(frame, typed, e),
        skills_error: e.of("skills").map(str::to_owned),
        hours_min: text(frame, e, "hours_min", "text", &typed.hours_min).required(),
        hours_max: text(frame, e, "hours_max", "text", &typed.hours_max).required(),
        duration: text(frame, e, "duration_months", "text", &typed.duration_months),
        work_style: SelectField::new(
            "work_style",
            frame.msg("needform.work_style"),
            frame.msg("form.choose"),
            labels::work_style_choices(frame),
            typed.work_style.trim(),
        )
        .hint(frame.msg("needform.work_style.hint"))
        .error(e),
        visits: text(frame, e, "visits", "text", &typed.visits),
        slots: Checks::new(
            frame,
            "meeting_slots",
            "checkbox",
            "needform.meeting_slots",
            [
                MeetingSlot::WeekdayDay,
                MeetingSlot::WeekdayEvening,
                MeetingSlot::Weekend,
            ]
            .into_iter()
            .map(|slot| (slot.as_str().to_owned(), labels::meeting_slot(frame, slot))),
            &typed.meeting_slots,
            e,
        )
        .hint(frame.msg("needform.meeting_slots.hint")),
        pay: Checks::new(
            frame,
            "pay",
            "radio",
            "needform.pay",
            pay_choices,
            std::slice::from_ref(&typed.pay),
            e,
        )
        .hint(frame.msg("needform.pay.hint")),
        pay_min: text(frame, e, "pay_min", "text", &typed.pay_min),
        pay_max: text(frame, e, "pay_max", "text", &typed.pay_max),
        headcount: text(frame, e, "headcount", "text", &typed.headcount),
        apply_by: text(frame, e, "apply_by", "date", &typed.apply_by),
        themes: Checks::new(
            frame,
            "themes",
            "checkbox",
            "needform.themes",
            taxonomy::themes().iter().map(|theme| {
                (
                    theme.key.to_owned(),
                    frame.pick(theme.ja, theme.en).to_owned(),
                )
            }),
            &typed.themes,
            e,
        )
        .hint(frame.msg("needform.themes.hint")),
        errors,
        pool: None,
    }
}

/// The form shown again with what went wrong.
fn again(
    frame: &Frame,
    typed: &Typed,
    errors: Errors,
    editing: Option<Editing>,
    refusal: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let mut shown = form(frame, typed, errors, editing);
    shown.refusal = refusal;
    page(frame, status, &shown)
}

/// The need the form describes, parsed by the domain's rules, or the errors of the form
/// and of the rules, each placed beside its field.
fn parse(frame: &Frame, typed: &Typed) -> Result<crate::domain::need::NeedSpec, Errors> {
    let mut errors = Errors::default();
    let (input, rows): (NeedInput, Vec<usize>) = typed.to_input(frame, &mut errors);
    match input.parse() {
        Ok(spec) if errors.is_empty() => Ok(spec),
        parsed => {
            for error in parsed.err().unwrap_or_default() {
                typed.place(frame, &error, &rows, &mut errors);
            }
            Err(errors)
        }
    }
}

/// The form for a new need.
#[get("/needs/new")]
pub async fn new_form(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
) -> Result<HttpResponse, PageError> {
    services::needs::may_post(&user.caller)?;
    let frame = Frame::new(&request, Some(&user));
    let typed = Typed::blank();
    let mut shown = form(&frame, &typed, Errors::default(), None);
    shown.pool = pool(&state, &user, &frame, &typed).await;
    page(&frame, StatusCode::OK, &shown)
}

/// The pool preview of what the form holds; the form still opens (without it) when
/// it cannot be counted, say for an SME who has no organization yet.
async fn pool(
    state: &AppState,
    user: &PageUser,
    frame: &Frame,
    typed: &Typed,
) -> Option<super::need_pool::PoolView> {
    super::need_pool::view(state, user, frame, &typed.to_draft())
        .await
        .ok()
}

/// Posts the need and shows it, or shows the form again with what went wrong.
#[post("/needs/new")]
pub async fn create(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    services::needs::may_post(&user.caller)?;
    let frame = Frame::new(&request, Some(&user));
    let typed = Typed::from_pairs(pairs);
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let spec = match parse(&frame, &typed) {
        Ok(spec) => spec,
        Err(errors) => return again(&frame, &typed, errors, None, None, unprocessable),
    };
    match services::needs::create(&state.db, &user.caller, spec, ()).await {
        Ok(posted) => Ok(see_other(&format!("/needs/{}", posted.need.id)).finish()),
        Err(services::Error::Conflict(ConflictCode::NoOrganization, _)) => again(
            &frame,
            &typed,
            Errors::default(),
            None,
            Some("needform.refused.no_organization"),
            StatusCode::CONFLICT,
        ),
        Err(error) => Err(error.into()),
    }
}

/// The need `id` if `user` is the SME that owns it; the 404 page for anyone else (the
/// pages are an SME's; a coordinator changes needs through the API).
async fn owned(state: &AppState, user: &PageUser, id: &str) -> Result<Posted, PageError> {
    let id = Uuid::parse_str(id).map_err(|_| PageError::NotFound)?;
    if user.role() != AccountRole::Sme {
        return Err(PageError::NotFound);
    }
    Ok(services::needs::managed(&state.db, &user.caller, NeedId(id)).await?)
}

fn editing(posted: &Posted) -> Editing {
    Editing {
        href: format!("/needs/{}", posted.need.id),
        open: posted.is_open(),
    }
}

/// The form of a need, filled with it as it is.
#[get("/needs/{id}/edit")]
pub async fn edit_form(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let posted = owned(&state, &user, &id).await?;
    let frame = Frame::new(&request, Some(&user));
    let typed = Typed::of(&posted.spec()?);
    let mut shown = form(&frame, &typed, Errors::default(), Some(editing(&posted)));
    shown.pool = pool(&state, &user, &frame, &typed).await;
    page(&frame, StatusCode::OK, &shown)
}

/// Rewrites the need and shows it, or shows the form again with what went wrong.
#[post("/needs/{id}/edit")]
pub async fn update(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let posted = owned(&state, &user, &id).await?;
    let frame = Frame::new(&request, Some(&user));
    let typed = Typed::from_pairs(pairs);
    let spec = match parse(&frame, &typed) {
        Ok(spec) => spec,
        Err(errors) => {
            return again(
                &frame,
                &typed,
                errors,
                Some(editing(&posted)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let id = NeedId(posted.need.id);
    services::needs::rewrite(&state.db, &user.caller, id, spec).await?;
    Ok(see_other(&format!("/needs/{}", id.0)).finish())
}

#[derive(Template)]
#[template(path = "need_close.html")]
struct ClosePage<'a> {
    frame: &'a Frame,
    title: String,
    href: String,
}

/// Asks whether to close the need, saying what closing does.
#[get("/needs/{id}/close")]
pub async fn close_form(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let posted = owned(&state, &user, &id).await?;
    let href = format!("/needs/{}", posted.need.id);
    if !posted.is_open() {
        return Ok(see_other(&href).finish());
    }
    let frame = Frame::new(&request, Some(&user));
    let title = posted.spec()?.title;
    page(
        &frame,
        StatusCode::OK,
        &ClosePage {
            frame: &frame,
            title,
            href,
        },
    )
}

/// What the close form sends: only its token.
#[derive(Debug, Deserialize)]
pub struct Confirmed {}

/// Closes the need and shows it, closed.
#[post("/needs/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(Confirmed {}): CsrfForm<Confirmed>,
) -> Result<HttpResponse, PageError> {
    let posted = owned(&state, &user, &id).await?;
    let id = NeedId(posted.need.id);
    services::needs::close(&state.db, &user.caller, id).await?;
    services::relay::deliver_soon(
        state.db.clone(),
        state.ranking.clone(),
        state.settings.public_url.clone(),
    );
    Ok(see_other(&format!("/needs/{}", id.0)).finish())
}
