//! `/region/report`: the region's monthly funnel (`services::reports::region`) as a bar
//! chart drawn on the server in inline SVG ([`chart`]), the same figures in a table
//! under it, and `/region/report.csv` to download them. For the region's coordinators;
//! other roles get the 403 page.

mod chart;

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use crate::{
    repo::{reply_speed::ReplySpeed, reports::MonthCounts},
    services::{self, exports::Encoding},
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
        pages::region_export::{EncodingQuery, download},
    },
};

/// A row of the table: the month and the five figures.
#[derive(Debug)]
struct Row {
    month: String,
    figures: Vec<u64>,
}

impl Row {
    fn of(month: String, counts: &MonthCounts) -> Self {
        Self {
            month,
            figures: chart::SERIES
                .iter()
                .map(|series| (series.value)(counts))
                .collect(),
        }
    }
}

/// A reply-speed figure: its words and its value.
#[derive(Debug)]
struct SpeedFigure {
    id: &'static str,
    label: String,
    value: String,
}

/// The median days, with how many matches they are over (or "no data yet").
fn speed_figures(frame: &Frame, speed: &ReplySpeed) -> Vec<SpeedFigure> {
    let value = |median: Option<f64>, count: u64| match median {
        Some(days) => frame.msg_with(
            "report.speed.days",
            &[
                ("days", &format!("{days:.1}")),
                ("count", &count.to_string()),
            ],
        ),
        None => frame.msg("report.speed.none").to_owned(),
    };
    vec![
        SpeedFigure {
            id: "speed-introduction",
            label: frame.msg("report.speed.introduction").to_owned(),
            value: value(
                speed.median_days_to_introduction,
                speed.introductions_measured,
            ),
        },
        SpeedFigure {
            id: "speed-meeting",
            label: frame.msg("report.speed.meeting").to_owned(),
            value: value(speed.median_days_to_first_meeting, speed.meetings_measured),
        },
    ]
}

#[derive(Template)]
#[template(path = "region_report.html")]
struct ReportPage<'a> {
    frame: &'a Frame,
    /// `None` while the region has no figures yet.
    chart: Option<chart::Chart>,
    /// The series' names, for the table's header.
    series: Vec<String>,
    rows: Vec<Row>,
    total: Row,
    /// The reply-speed figures.
    speed: Vec<SpeedFigure>,
    /// Engagements: started, at risk, completed, extended.
    engagements: services::engagements::Counts,
}

/// The chart and the table.
#[get("/region/report")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
) -> Result<HttpResponse, PageError> {
    let region = services::desk::region(&user.caller)?;
    let report = services::reports::region(&state.db, &user.caller, region).await?;
    let frame = Frame::new(&request, Some(&user));
    let chart = (!report.months.is_empty())
        .then(|| chart::layout(&report.months, |key| frame.msg(key).to_owned()));
    let series = chart::SERIES
        .iter()
        .map(|series| frame.msg(series.key).to_owned())
        .collect();
    let rows = report
        .months
        .iter()
        .map(|month| Row::of(month.month.clone(), month))
        .collect();
    let total = Row::of(frame.msg("report.total").to_owned(), &report.total);
    page(
        &frame,
        StatusCode::OK,
        &ReportPage {
            frame: &frame,
            chart,
            series,
            rows,
            total,
            speed: speed_figures(&frame, &report.reply_speed),
            engagements: report.engagements,
        },
    )
}

/// The same figures as CSV (`?encoding=shift_jis` for Shift_JIS).
#[get("/region/report.csv")]
pub async fn csv(
    state: web::Data<AppState>,
    user: PageUser,
    query: web::Query<EncodingQuery>,
) -> Result<HttpResponse, PageError> {
    let region = services::desk::region(&user.caller)?;
    let encoding: Encoding = query.parse()?;
    let report = services::reports::region(&state.db, &user.caller, region).await?;
    let table = services::exports::report(&report);
    download(&table, "report", encoding, Utc::now())
}
