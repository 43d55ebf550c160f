//! The pool preview beside the 仕様書 form: as the owner writes, how many professionals
//! the need would reach, how many strongly, what keeps the most people out and what
//! would bring them back, and what a spec should still say. Shown when the form opens;
//! with scripts on, htmx posts the form to `POST /needs/new/pool` as it changes and
//! swaps in `#pool-preview` (this fragment). Counts only, through
//! `services::need_preview`.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, web};
use askama::Template;

use super::need_form::Typed;
use crate::{
    domain::need_draft::NeedDraft,
    scoring,
    services::{self, need_preview::ClarityItem},
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        frame::{Frame, page},
    },
};

/// One constraint that keeps people out, and the change.
#[derive(Debug, Clone)]
pub struct LimitLine {
    /// What keeps them out.
    pub text: String,
    /// What would bring them back.
    pub change: String,
}

/// One thing a spec should say.
#[derive(Debug, Clone)]
pub struct ClarityLine {
    /// What.
    pub label: String,
    /// Whether it does.
    pub ok: bool,
}

/// The preview as the page shows it.
#[derive(Debug, Clone)]
pub struct PoolView {
    /// 「10人以上」 or 「5人未満」.
    pub eligible: String,
    /// The same, of the strong.
    pub strong: String,
    /// Most first.
    pub limits: Vec<LimitLine>,
    /// In the coordinators' order.
    pub clarity: Vec<ClarityLine>,
}

fn clarity_key(item: ClarityItem) -> &'static str {
    match item {
        ClarityItem::Goal => "pool.clarity.goal",
        ClarityItem::Scope => "pool.clarity.scope",
        ClarityItem::Hours => "pool.clarity.hours",
        ClarityItem::Style => "pool.clarity.style",
        ClarityItem::Visits => "pool.clarity.visits",
        ClarityItem::Budget => "pool.clarity.budget",
    }
}

/// The preview of a draft, in the visitor's language.
pub async fn view(
    state: &AppState,
    user: &PageUser,
    frame: &Frame,
    draft: &NeedDraft,
) -> Result<PoolView, PageError> {
    let counted = services::need_preview::preview(
        &state.db,
        &state.ranking,
        &user.caller,
        draft,
        scoring::today(),
    )
    .await?;
    let people = |shown: services::need_preview::Shown| {
        let (ja, en) = shown.people();
        frame.pick(&ja, &en).to_owned()
    };
    Ok(PoolView {
        eligible: people(counted.eligible),
        strong: people(counted.strong),
        limits: counted
            .limits
            .iter()
            .map(|limit| LimitLine {
                text: frame.pick(&limit.ja, &limit.en).to_owned(),
                change: frame.pick(&limit.change_ja, &limit.change_en).to_owned(),
            })
            .collect(),
        clarity: counted
            .clarity
            .iter()
            .map(|(item, ok)| ClarityLine {
                label: frame.msg(clarity_key(*item)).to_owned(),
                ok: *ok,
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "need_pool_fragment.html")]
struct Fragment<'a> {
    frame: &'a Frame,
    pool: PoolView,
}

/// The preview of the form as sent (htmx swaps it in as the fields change).
#[post("/needs/new/pool")]
pub async fn fragment(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, Some(&user));
    let draft = Typed::from_pairs(pairs).to_draft();
    let pool = view(&state, &user, &frame, &draft).await?;
    page(
        &frame,
        StatusCode::OK,
        &Fragment {
            frame: &frame,
            pool,
        },
    )
}
