//! `/`: what Musubi is, the newest open needs, the regions to look in, and the way in.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;

use crate::{
    repo::page::PageRequest,
    services::{self, regions},
    state::AppState,
    web::{
        caller::Visitor,
        errors::PageError,
        frame::{Frame, page},
        pages::needs::{NeedCard, card, region_names},
    },
};

/// How many of the newest needs the home page shows.
const NEWEST: u64 = 5;

/// A region to look for needs in.
#[derive(Debug)]
struct RegionLink {
    href: String,
    name: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    frame: &'a Frame,
    /// What was just done (an erased account lands here).
    notice: Option<&'static str>,
    cards: Vec<NeedCard>,
    regions: Vec<RegionLink>,
}

/// The home page.
#[get("/")]
pub async fn home(
    request: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, visitor.0.as_ref());
    let regions = regions::all(&state.db).await?;
    let newest = services::needs::list(
        &state.db,
        None,
        services::needs::Search::default(),
        PageRequest {
            limit: NEWEST,
            before: None,
        },
    )
    .await?;
    let names = region_names(&regions);
    let cards: Vec<NeedCard> = newest
        .items
        .iter()
        .map(|posted| card(&frame, posted, &names))
        .collect::<Result<_, _>>()?;
    let regions = regions
        .into_iter()
        .map(|region| RegionLink {
            href: format!("/needs?region={}", region.id),
            name: region.name,
        })
        .collect();
    page(
        &frame,
        StatusCode::OK,
        &Home {
            frame: &frame,
            notice: form_urlencoded::parse(request.query_string().as_bytes())
                .any(|(name, value)| name == "done" && value == "erased")
                .then_some("home.done.erased"),
            cards,
            regions,
        },
    )
}
