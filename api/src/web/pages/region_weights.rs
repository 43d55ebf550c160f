//! `/region/weights`: the region's seven factor weights, one slider (with the number
//! beside it, which may be typed) per factor, and a preview of what new weights would
//! do to the top 10 of one of the region's open needs before they are saved.
//!
//! One form, two buttons. "Preview" (`POST /region/weights`, `intent=preview`)
//! re-renders the page with the weights as entered and the need's top 10 under the
//! current weights beside its top 10 under the entered ones
//! (`services::candidates::preview_weights`); it saves nothing. "Save"
//! (`intent=save`) goes through `services::regions::set_weights`, the rule of
//! `PUT /api/v1/regions/{id}/weights`, then 303 to `/region/weights?done=saved`.
//! Errors are shown beside their field with what was entered kept. For the region's
//! coordinators; other roles get the 403 page.
//!
//! Without JavaScript a slider and its number cannot follow each other, so the form
//! also sends the value each number was rendered with (`{factor}_was`): a number that
//! was changed wins, else a slider that was moved, else the value as it was. With
//! scripts on (htmx and `region-weights.js`, linked from this page only), the two follow
//! each other and any change previews at once: the same POST, of which htmx swaps in
//! `#preview` only.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use musubi_matcher::Factor;
use serde::Deserialize;

use self::entered::{Entered, Refused, points, slider_of};
use crate::{
    domain::ids::NeedId,
    entities::need,
    services::{
        self,
        candidates::{Change, Moved, PREVIEW_TOP, Preview},
    },
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        form::{Errors, SelectField},
        frame::{Frame, page, see_other},
    },
};

mod entered;

/// The need select's id and name.
const NEED: &str = "need";

/// One factor's slider and number, as the form shows them.
#[derive(Debug)]
struct Slider {
    /// The factor (`skill_fit`): the number's id and name.
    id: &'static str,
    label: String,
    hint: String,
    /// The number as entered (or the stored weight in points).
    value: String,
    /// The slider's position: the number, rounded into its range.
    slider: String,
    error: Option<String>,
    /// Part of the all-zero error shown above the sliders.
    invalid: bool,
}

impl Slider {
    /// The ids of its hint, its error and the group's error, for `aria-describedby`.
    fn described_by(&self) -> String {
        let mut ids = format!("{}-hint", self.id);
        if self.error.is_some() {
            ids.push_str(&format!(" {}-error", self.id));
        }
        if self.invalid && self.error.is_none() {
            ids.push_str(" weights-error");
        }
        ids
    }
}

/// A candidate's row in one of the two tops.
#[derive(Debug)]
struct PlaceRow {
    anchor: String,
    rank: String,
    display: String,
    /// `3位 → 1位` (in the new top), or where they go (in the current top).
    moves: String,
    /// Up, down, same, new or out, in words.
    change: String,
    /// `change-up`, … (colour beside the words, never instead of them).
    class: &'static str,
    score_before: String,
    score_after: String,
}

/// The preview as the page shows it.
#[derive(Debug)]
struct PreviewView {
    heading: String,
    /// The new weights as shares of 100%, in words.
    shares: Vec<String>,
    before: Vec<PlaceRow>,
    after: Vec<PlaceRow>,
}

#[derive(Template)]
#[template(path = "region_weights.html")]
struct WeightsPage<'a> {
    frame: &'a Frame,
    notice: Option<&'static str>,
    errors: Errors,
    /// The all-zero error, said once above the sliders.
    group_error: Option<String>,
    sliders: Vec<Slider>,
    /// The region's open needs (absent when it has none).
    need: Option<SelectField>,
    preview: Option<PreviewView>,
}

/// `?need=…&done=saved`
#[derive(Debug, Default, Deserialize)]
pub struct WeightsQuery {
    need: Option<String>,
    done: Option<String>,
}

/// The catalogue's name of a factor, and what it measures.
fn factor_keys(factor: Factor) -> (&'static str, &'static str) {
    match factor {
        Factor::SkillFit => ("candidates.factor.skill_fit", "weights.hint.skill_fit"),
        Factor::MotivationFit => (
            "candidates.factor.motivation_fit",
            "weights.hint.motivation_fit",
        ),
        Factor::ExperienceFit => (
            "candidates.factor.experience_fit",
            "weights.hint.experience_fit",
        ),
        Factor::AvailabilityFit => (
            "candidates.factor.availability_fit",
            "weights.hint.availability_fit",
        ),
        Factor::RegionalAffinity => (
            "candidates.factor.regional_affinity",
            "weights.hint.regional_affinity",
        ),
        Factor::WorkStyleFit => (
            "candidates.factor.work_style_fit",
            "weights.hint.work_style_fit",
        ),
        Factor::CompensationFit => (
            "candidates.factor.compensation_fit",
            "weights.hint.compensation_fit",
        ),
    }
}

/// The region's weights, and the form to change them.
#[get("/region/weights")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<WeightsQuery>,
) -> Result<HttpResponse, PageError> {
    let region = services::regions::own(&user.caller)?;
    let weights = services::regions::weights(&state.db, &user.caller, region).await?;
    let needs = services::regions::open_needs(&state.db, &user.caller).await?;
    let asked = query.need.as_deref().unwrap_or_default().trim();
    let need = needs
        .iter()
        .find(|need| need.id.to_string() == asked)
        .or(needs.first())
        .map(|need| need.id.to_string())
        .unwrap_or_default();
    let notice = (query.done.as_deref() == Some("saved")).then_some("weights.done.saved");
    let frame = Frame::new(&request, Some(&user));
    let entered = Entered::of_weights(&weights, need);
    render(
        &frame,
        StatusCode::OK,
        View {
            entered: &entered,
            needs: &needs,
            notice,
            errors: Errors::default(),
            all_zero: false,
            preview: None,
        },
    )
}

/// Previews the weights entered, or saves them.
#[post("/region/weights")]
pub async fn submit(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let region = services::regions::own(&user.caller)?;
    let needs = services::regions::open_needs(&state.db, &user.caller).await?;
    let frame = Frame::new(&request, Some(&user));
    let entered = Entered::of_form(&form);
    let saving = form.get("intent").map(String::as_str) == Some("save");
    let mut errors = Errors::default();
    let parsed = entered.parse(&frame, &mut errors);
    let mut view = View {
        entered: &entered,
        needs: &needs,
        notice: None,
        errors,
        all_zero: parsed == Err(Refused::AllZero),
        preview: None,
    };
    let Ok(body) = parsed else {
        return render(&frame, StatusCode::UNPROCESSABLE_ENTITY, view);
    };
    if saving {
        return match services::regions::set_weights(&state.db, &user.caller, region, &body).await {
            Ok(_) => Ok(see_other("/region/weights?done=saved").finish()),
            Err(services::Error::Invalid(invalid)) => {
                refused(&frame, &mut view.errors, &invalid);
                render(&frame, StatusCode::UNPROCESSABLE_ENTITY, view)
            }
            Err(other) => Err(other.into()),
        };
    }
    // The same rule as saving, so a preview never shows weights that would not save.
    let new = match body.parse() {
        Ok(new) => new,
        Err(invalid) => {
            refused(&frame, &mut view.errors, &invalid);
            return render(&frame, StatusCode::UNPROCESSABLE_ENTITY, view);
        }
    };
    if needs.is_empty() {
        // Nothing to preview (the page says so); the weights entered are kept.
        return render(&frame, StatusCode::OK, view);
    }
    let Some(need) = needs
        .iter()
        .find(|need| need.id.to_string() == entered.need)
    else {
        view.errors.add(NEED, frame.msg("weights.error.need"));
        return render(&frame, StatusCode::UNPROCESSABLE_ENTITY, view);
    };
    let preview = services::candidates::preview_weights(
        &state.db,
        &state.ranking,
        &user.caller,
        NeedId(need.id),
        new,
    )
    .await?;
    view.preview = Some(preview_view(&frame, &preview));
    render(&frame, StatusCode::OK, view)
}

/// The service's own verdict on fields the page let through, beside each.
fn refused(frame: &Frame, errors: &mut Errors, invalid: &[crate::domain::error::FieldError]) {
    for error in invalid {
        if let Some(factor) = Factor::ALL
            .iter()
            .find(|factor| factor.as_str() == error.field)
        {
            errors.add(factor.as_str(), frame.msg("weights.error.number"));
        }
    }
}

/// What a render of the page is made from.
struct View<'a> {
    entered: &'a Entered,
    needs: &'a [need::Model],
    notice: Option<&'static str>,
    errors: Errors,
    all_zero: bool,
    preview: Option<PreviewView>,
}

fn render(frame: &Frame, status: StatusCode, view: View<'_>) -> Result<HttpResponse, PageError> {
    let sliders = Factor::ALL
        .iter()
        .zip(&view.entered.values)
        .map(|(&factor, value)| {
            let (label, hint) = factor_keys(factor);
            Slider {
                id: factor.as_str(),
                label: frame.msg(label).to_owned(),
                hint: frame.msg(hint).to_owned(),
                value: value.clone(),
                slider: slider_of(value),
                error: view.errors.of(factor.as_str()).map(str::to_owned),
                invalid: view.all_zero,
            }
        })
        .collect();
    let need = (!view.needs.is_empty()).then(|| {
        SelectField::new(
            NEED,
            frame.msg("weights.need"),
            frame.msg("weights.need.empty"),
            view.needs
                .iter()
                .map(|need| (need.id.to_string(), need.title.clone())),
            &view.entered.need,
        )
        .hint(frame.msg("weights.need.hint"))
        .error(&view.errors)
    });
    let mut errors = view.errors;
    let group_error = view.all_zero.then(|| {
        let message = frame.msg("weights.error.all_zero").to_owned();
        errors.add(Factor::ALL[0].as_str(), message.clone());
        message
    });
    page(
        frame,
        status,
        &WeightsPage {
            frame,
            notice: view.notice,
            errors,
            group_error,
            sliders,
            need,
            preview: view.preview,
        },
    )
}

fn preview_view(frame: &Frame, preview: &Preview) -> PreviewView {
    let rank = |place: Option<usize>| match place {
        Some(rank) => frame.msg_with("candidates.rank", &[("rank", &rank.to_string())]),
        None => frame.msg_with("weights.rank.below", &[("top", &PREVIEW_TOP.to_string())]),
    };
    let row = |side: &str, moved: &Moved, place: Option<usize>| {
        let (change, class) = match moved.change() {
            Change::Up(places) => (
                frame.msg_with("weights.change.up", &[("places", &places.to_string())]),
                "change-up",
            ),
            Change::Down(places) => (
                frame.msg_with("weights.change.down", &[("places", &places.to_string())]),
                "change-down",
            ),
            Change::Same => (frame.msg("weights.change.same").to_owned(), "change-same"),
            Change::New => (
                frame.msg_with("weights.change.new", &[("top", &PREVIEW_TOP.to_string())]),
                "change-new",
            ),
            Change::Out => (
                frame.msg_with("weights.change.out", &[("top", &PREVIEW_TOP.to_string())]),
                "change-out",
            ),
        };
        PlaceRow {
            anchor: format!("{side}-{}", moved.professional_id),
            rank: rank(place),
            display: moved.display.clone(),
            moves: frame.msg_with(
                "weights.moves",
                &[
                    ("before", &rank(moved.rank_before)),
                    ("after", &rank(moved.rank_after)),
                ],
            ),
            change,
            class,
            score_before: format!("{:.1}", moved.score_before),
            score_after: format!("{:.1}", moved.score_after),
        }
    };
    let shares = Factor::ALL
        .iter()
        .map(|&factor| {
            frame.msg_with(
                "weights.share",
                &[
                    ("factor", frame.msg(factor_keys(factor).0)),
                    ("percent", &points(preview.new.get(factor))),
                ],
            )
        })
        .collect();
    PreviewView {
        heading: frame.msg_with(
            "weights.preview.heading",
            &[
                ("title", &preview.need.title),
                ("top", &PREVIEW_TOP.to_string()),
            ],
        ),
        shares,
        before: preview
            .before
            .iter()
            .map(|moved| row("before", moved, moved.rank_before))
            .collect(),
        after: preview
            .after
            .iter()
            .map(|moved| row("after", moved, moved.rank_after))
            .collect(),
    }
}
