//! `/`: what Musubi is, and the way in.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode};
use askama::Template;

use crate::web::{
    caller::Visitor,
    errors::PageError,
    frame::{Frame, page},
};

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    frame: &'a Frame,
}

/// The home page.
#[get("/")]
pub async fn home(request: HttpRequest, visitor: Visitor) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, visitor.0.as_ref());
    page(&frame, StatusCode::OK, &Home { frame: &frame })
}
