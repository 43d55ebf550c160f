//! `/needs` (open needs, with the filters of `GET /needs` and its cursor paging) and
//! `/needs/{id}` (one need as the visitor may see it: a closed need only for its owner
//! and its region's coordinators, else the 404 page). Both through `services::needs`.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::AccountRole,
    domain::{
        enums::{Role, WorkStyle},
        error::ConflictCode,
        ids::{NeedId, RegionId},
        text::MultiLine,
    },
    entities::region,
    repo::page::PageRequest,
    services::{self, needs::Posted, regions},
    state::AppState,
    web::{
        caller::{PageUser, Visitor},
        csrf::CsrfForm,
        errors::PageError,
        form::{Errors, SelectField, TextField},
        frame::{Frame, page, see_other},
        labels,
    },
};

/// Needs on one page of the list.
const PER_PAGE: u64 = 20;

/// A need as a list shows it.
#[derive(Debug)]
pub struct NeedCard {
    /// `/needs/{id}`.
    pub href: String,
    /// Its title.
    pub title: String,
    /// Who posted it, and where.
    pub organization: String,
    /// The region's name.
    pub region: String,
    /// Role, work style, hours and pay, in words.
    pub facts: Vec<String>,
    /// When it was posted (「2026-12-03 掲載」).
    pub posted: String,
}

/// Region names by id.
pub fn region_names(regions: &[region::Model]) -> HashMap<Uuid, String> {
    regions
        .iter()
        .map(|region| (region.id, region.name.clone()))
        .collect()
}

/// The card of a need.
pub fn card(
    frame: &Frame,
    posted: &Posted,
    regions: &HashMap<Uuid, String>,
) -> Result<NeedCard, PageError> {
    let spec = posted.spec()?;
    Ok(NeedCard {
        href: format!("/needs/{}", posted.need.id),
        title: spec.title.clone(),
        organization: frame.msg_with(
            "need.posted_by",
            &[
                ("organization", &posted.organization.name),
                ("city", &posted.organization.city),
            ],
        ),
        region: regions
            .get(&posted.need.region_id)
            .cloned()
            .unwrap_or_default(),
        facts: vec![
            labels::role(frame, spec.role),
            labels::work_style(frame, spec.work_style),
            labels::hours(frame, &spec),
            labels::pay(frame, &spec),
        ],
        posted: frame.msg_with(
            "need.posted_on",
            &[(
                "date",
                &posted.need.created_at.format("%Y-%m-%d").to_string(),
            )],
        ),
    })
}

#[derive(Template)]
#[template(path = "needs.html")]
struct NeedsPage<'a> {
    frame: &'a Frame,
    errors: Errors,
    selects: Vec<SelectField>,
    texts: Vec<TextField>,
    /// Whether any filter is set (the page offers to clear them).
    filtered: bool,
    cards: Vec<NeedCard>,
    /// The next page's link.
    next: Option<String>,
}

/// The filters of the list, as the form sends them (an empty value is no filter).
#[derive(Debug, Default, Deserialize)]
pub struct NeedsQuery {
    #[serde(default)]
    region: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    skill: String,
    #[serde(default)]
    work_style: String,
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

impl NeedsQuery {
    fn is_filtered(&self) -> bool {
        [
            &self.region,
            &self.role,
            &self.skill,
            &self.work_style,
            &self.q,
        ]
        .iter()
        .any(|value| !value.trim().is_empty())
    }

    /// The list's link with these filters, from `cursor` on.
    fn href(&self, cursor: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("region", &self.region),
            ("role", &self.role),
            ("skill", &self.skill),
            ("work_style", &self.work_style),
            ("q", &self.q),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(name, value.trim());
            }
        }
        query.append_pair("cursor", cursor);
        format!("/needs?{}", query.finish())
    }

    /// The search the service takes, or what is wrong with the filters.
    fn search(&self, frame: &Frame, errors: &mut Errors) -> services::needs::Search {
        let given = |value: &str| Some(value.trim().to_owned()).filter(|value| !value.is_empty());
        let region_id = given(&self.region).and_then(|text| {
            Uuid::parse_str(&text)
                .map_err(|_| errors.add("region", frame.msg("needs.filter.invalid")))
                .ok()
        });
        let role = given(&self.role).and_then(|text| {
            let role = Role::parse(&text);
            if role.is_none() {
                errors.add("role", frame.msg("needs.filter.invalid"));
            }
            role
        });
        let work_style = given(&self.work_style).and_then(|text| {
            let style = WorkStyle::parse(&text);
            if style.is_none() {
                errors.add("work_style", frame.msg("needs.filter.invalid"));
            }
            style
        });
        services::needs::Search {
            region_id,
            role,
            skill: given(&self.skill),
            work_style,
            q: given(&self.q),
            mine: false,
        }
    }
}

/// The open needs, newest first, with the filters.
#[get("/needs")]
pub async fn list(
    request: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<NeedsQuery>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, visitor.0.as_ref());
    let regions = regions::all(&state.db).await?;
    let mut errors = Errors::default();
    let search = query.search(&frame, &mut errors);
    let before = match query.cursor.as_deref().filter(|cursor| !cursor.is_empty()) {
        Some(cursor) => Some(Uuid::parse_str(cursor).map_err(|_| PageError::BadRequest)?),
        None => None,
    };
    let mut cards = Vec::new();
    let mut next = None;
    if errors.is_empty() {
        let actor = visitor.0.as_ref().map(|user| &user.caller);
        let found = services::needs::list(
            &state.db,
            actor,
            search,
            PageRequest {
                limit: PER_PAGE,
                before,
            },
        )
        .await;
        match found {
            Ok(found) => {
                let names = region_names(&regions);
                for posted in &found.items {
                    cards.push(card(&frame, posted, &names)?);
                }
                next = found.next_cursor.map(|cursor| query.href(&cursor));
            }
            Err(services::Error::Invalid(invalid)) => {
                for field in invalid {
                    let (id, key) = match field.field.as_str() {
                        "skill" => ("skill", "needs.filter.skill.unknown"),
                        "q" => ("q", "needs.filter.q.too_long"),
                        _ => ("q", "needs.filter.invalid"),
                    };
                    errors.add(id, frame.msg(key));
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
    let selects = vec![
        SelectField::new(
            "region",
            frame.msg("needs.filter.region"),
            frame.msg("needs.filter.any"),
            regions
                .iter()
                .map(|region| (region.id.to_string(), region.name.clone())),
            query.region.trim(),
        )
        .error(&errors),
        SelectField::new(
            "role",
            frame.msg("needs.filter.role"),
            frame.msg("needs.filter.any"),
            labels::role_choices(&frame),
            query.role.trim(),
        )
        .error(&errors),
        SelectField::new(
            "work_style",
            frame.msg("needs.filter.work_style"),
            frame.msg("needs.filter.any"),
            labels::work_style_choices(&frame),
            query.work_style.trim(),
        )
        .error(&errors),
    ];
    let texts = vec![
        TextField::new("skill", frame.msg("needs.filter.skill"), "text")
            .hint(frame.msg("needs.filter.skill.hint"))
            .value(query.skill.trim())
            .error(&errors),
        TextField::new("q", frame.msg("needs.filter.q"), "search")
            .value(query.q.trim())
            .error(&errors),
    ];
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        &frame,
        status,
        &NeedsPage {
            frame: &frame,
            errors,
            selects,
            texts,
            filtered: query.is_filtered(),
            cards,
            next,
        },
    )
}

/// One line of a need's facts: a term and what it is.
#[derive(Debug)]
pub struct Fact {
    term: String,
    value: String,
}

#[derive(Template)]
#[template(path = "need.html")]
struct NeedPage<'a> {
    frame: &'a Frame,
    title: String,
    open: bool,
    organization: String,
    organization_facts: String,
    description: String,
    goal: String,
    facts: Vec<Fact>,
    skills: Vec<String>,
    themes: Vec<String>,
    /// What the page offers about applying.
    apply: Apply,
    /// For the SME that owns the need: its path, under which it is edited, closed and
    /// its candidates ranked.
    owner: Option<String>,
}

/// What a need's page offers about applying.
#[derive(Debug, Default)]
enum Apply {
    /// Nothing: a closed need, or a role that never applies.
    #[default]
    Nothing,
    /// A link to log in and come back (a visitor not logged in).
    LogIn(String),
    /// The proposal form (a professional), as sent again with what went wrong.
    Form(ApplyForm),
}

/// The proposal form of a need's page.
#[derive(Debug, Default)]
struct ApplyForm {
    /// `/needs/{id}/apply`.
    action: String,
    /// The proposal as sent.
    proposal: String,
    /// What is wrong with the proposal, beside it.
    proposal_error: Option<&'static str>,
    /// Why the application was refused (no profile yet, applied already, closed).
    refusal: Option<&'static str>,
}

impl NeedPage<'_> {
    fn apply_login(&self) -> Option<&str> {
        match &self.apply {
            Apply::LogIn(href) => Some(href),
            _ => None,
        }
    }

    fn apply_form(&self) -> Option<&ApplyForm> {
        match &self.apply {
            Apply::Form(form) => Some(form),
            _ => None,
        }
    }
}

/// One need.
#[get("/needs/{id}")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    render(
        &request,
        &state,
        visitor.0.as_ref(),
        id,
        StatusCode::OK,
        ApplyForm::default(),
    )
    .await
}

/// The longest proposal, as the JSON API takes it.
const PROPOSAL_MAX: usize = 4_000;

/// What the proposal form sends.
#[derive(Debug, Deserialize)]
pub struct ProposalForm {
    #[serde(default)]
    proposal: String,
}

/// Applies to the need with a proposal and goes to one's applications, or shows the
/// need again with what went wrong (the proposal kept).
#[post("/needs/{id}/apply")]
pub async fn apply(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<ProposalForm>,
) -> Result<HttpResponse, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    // A role that may never apply gets the 403 page before its proposal is judged.
    services::applications::may_apply(&user.caller)?;
    let mut again = ApplyForm {
        proposal: form.proposal.clone(),
        ..ApplyForm::default()
    };
    let proposal = if form.proposal.trim().is_empty() {
        again.proposal_error = Some("apply.proposal.missing");
        None
    } else if form.proposal.chars().count() > PROPOSAL_MAX {
        again.proposal_error = Some("apply.proposal.too_long");
        None
    } else {
        MultiLine::parse(&form.proposal, 1, PROPOSAL_MAX)
            .inspect_err(|_| again.proposal_error = Some("apply.proposal.invalid"))
            .ok()
    };
    let Some(proposal) = proposal else {
        return render(
            &request,
            &state,
            Some(&user),
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            again,
        )
        .await;
    };
    let applied = services::applications::apply(
        &state.db,
        &state.ranking,
        &user.caller,
        NeedId(id),
        proposal,
        (),
    )
    .await;
    match applied {
        Ok(_) => Ok(see_other("/me/applications?done=applied").finish()),
        Err(services::Error::Conflict(code, _)) => {
            again.refusal = Some(match code {
                ConflictCode::ProfileMissing => "apply.refused.profile_missing",
                ConflictCode::AlreadyApplied => "apply.refused.already_applied",
                ConflictCode::NeedClosed => "apply.refused.need_closed",
                _ => "apply.refused.other",
            });
            render(
                &request,
                &state,
                Some(&user),
                id,
                StatusCode::CONFLICT,
                again,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// The page of a need, with `form` as the proposal form if the visitor may apply.
async fn render(
    request: &HttpRequest,
    state: &AppState,
    user: Option<&PageUser>,
    id: Uuid,
    status: StatusCode,
    form: ApplyForm,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(request, user);
    let actor = user.map(|user| &user.caller);
    let posted = services::needs::get(&state.db, actor, NeedId(id)).await?;
    let region = regions::get(&state.db, RegionId(posted.need.region_id)).await?;
    let spec = posted.spec()?;
    let fact = |term: &str, value: String| Fact {
        term: frame.msg(term).to_owned(),
        value,
    };
    let mut facts = vec![
        fact("need.region", region.name.clone()),
        fact("need.role", labels::role(&frame, spec.role)),
        fact("need.style", labels::style(&frame, spec.style)),
        fact(
            "need.work_style",
            labels::work_style(&frame, spec.work_style),
        ),
        fact(
            "need.visits",
            match spec.onsite_visits_per_month {
                0 => frame.msg("need.visits.none").to_owned(),
                count => frame.msg_with("need.visits.value", &[("count", &count.to_string())]),
            },
        ),
        fact("need.hours_per_month", labels::hours(&frame, &spec)),
        fact(
            "need.duration",
            frame.msg_with(
                "need.duration.value",
                &[("months", &spec.duration_months.to_string())],
            ),
        ),
        fact("need.pay", labels::pay(&frame, &spec)),
        fact(
            "need.headcount",
            frame.msg_with(
                "need.headcount.value",
                &[("count", &spec.headcount.to_string())],
            ),
        ),
    ];
    if !spec.meeting_slots.is_empty() {
        let slots: Vec<String> = spec
            .meeting_slots
            .iter()
            .map(|slot| labels::meeting_slot(&frame, *slot))
            .collect();
        facts.push(fact("need.meeting_slots", slots.join(" / ")));
    }
    if let Some(date) = spec.apply_by {
        facts.push(fact("need.apply_by", date.format("%Y-%m-%d").to_string()));
    }
    facts.push(fact(
        "need.posted",
        posted.need.created_at.format("%Y-%m-%d").to_string(),
    ));
    let skills = spec
        .skills
        .iter()
        .map(|skill| {
            frame.msg_with(
                if skill.must {
                    "need.skill.must"
                } else {
                    "need.skill.nice"
                },
                &[
                    ("skill", &labels::skill(&frame, &skill.skill)),
                    ("level", &skill.min_level.to_string()),
                ],
            )
        })
        .collect();
    let themes = spec
        .themes
        .iter()
        .map(|theme| labels::theme(&frame, theme))
        .collect();
    let offer = match user.map(PageUser::role) {
        None if posted.is_open() => Apply::LogIn(format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(format!("/needs/{id}").as_bytes()).collect::<String>()
        )),
        Some(AccountRole::Professional) if posted.is_open() || form.refusal.is_some() => {
            Apply::Form(ApplyForm {
                action: format!("/needs/{id}/apply"),
                ..form
            })
        }
        _ => Apply::Nothing,
    };
    let owner = user
        .filter(|user| user.role() == AccountRole::Sme && posted.is_managed_by(&user.caller))
        .map(|_| format!("/needs/{id}"));
    let organization = &posted.organization;
    let organization_facts = [
        labels::organization_kind(&frame, &organization.kind),
        labels::industry(&frame, &organization.industry),
        organization.city.clone(),
    ]
    .join(" · ");
    page(
        &frame,
        status,
        &NeedPage {
            frame: &frame,
            title: spec.title.clone(),
            open: posted.is_open(),
            organization: organization.name.clone(),
            organization_facts,
            description: spec.description.clone(),
            goal: spec.goal.clone(),
            facts,
            skills,
            themes,
            apply: offer,
            owner,
        },
    )
}
