//! `/region`: the coordinator's desk (`services::desk`). The region's open needs with
//! their applicants and days since posting, the least applied-to first, each linking to
//! its candidates; then what waits on the coordinator, each row linking to where it is
//! acted on: new applications (`/needs/{id}/candidates`), scouts waiting for an answer,
//! introductions without a meeting, the week's meetings and matches met with no outcome
//! (`/matches/{id}`), and dead mail (`/region/outbox`). Links to the other desk pages
//! and the CSV exports. For coordinators; other roles get the 403 page.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use crate::{
    access::{self, Actor},
    services::{self, desk::days_since, exports::ExportKind, matches::MatchRecord},
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
        pages::matches::{in_tokyo, professional_line},
    },
};

/// An open need as the desk lists it.
#[derive(Debug)]
struct NeedRow {
    /// `/needs/{id}/candidates`.
    href: String,
    title: String,
    organization: String,
    applicants: u64,
    /// "3 days ago".
    posted: String,
    /// No applicant yet: marked.
    none: bool,
}

/// A line of what waits: where to act, what, with whom, since when.
#[derive(Debug)]
struct WaitRow {
    href: String,
    need: String,
    who: String,
    when: String,
}

/// A link to another desk page or an export.
#[derive(Debug)]
struct DeskLink {
    href: String,
    label: String,
    /// The same file in Shift_JIS (exports only).
    sjis: Option<String>,
}

#[derive(Template)]
#[template(path = "region_desk.html")]
struct DeskPage<'a> {
    frame: &'a Frame,
    pages: Vec<DeskLink>,
    exports: Vec<DeskLink>,
    needs: Vec<NeedRow>,
    applications: Vec<WaitRow>,
    /// "12 in all", when the list shows fewer than there are.
    applications_more: Option<String>,
    scouts: Vec<WaitRow>,
    introductions: Vec<WaitRow>,
    meetings: Vec<WaitRow>,
    unrecorded: Vec<WaitRow>,
    /// "2 emails stopped", when there are any.
    dead_mail: Option<String>,
}

impl DeskPage<'_> {
    /// Whether nothing waits on the coordinator.
    fn nothing_waits(&self) -> bool {
        self.applications.is_empty()
            && self.scouts.is_empty()
            && self.introductions.is_empty()
            && self.meetings.is_empty()
            && self.unrecorded.is_empty()
            && self.dead_mail.is_none()
    }
}

/// "today", "1 day ago", "3 days ago".
fn days(frame: &Frame, days: i64) -> String {
    match days {
        0 => frame.msg("desk.days.today").to_owned(),
        1 => frame.msg("desk.days.one").to_owned(),
        _ => frame.msg_with("desk.days", &[("days", &days.to_string())]),
    }
}

/// A match as a line: the need, the organization and the professional (by name, as
/// the policy lets coordinators see them), and `when`.
fn match_row(actor: &Actor, record: &MatchRecord, when: String) -> Result<WaitRow, PageError> {
    let rights = access::contact_rights(actor, &record.facts(), record.contact_shared());
    let who = [
        record.parties.organization.name.clone(),
        professional_line(record, rights.professional)?,
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    Ok(WaitRow {
        href: format!("/matches/{}", record.row.id),
        need: record.parties.need.title.clone(),
        who,
        when,
    })
}

fn match_rows(
    actor: &Actor,
    records: &[MatchRecord],
    when: impl Fn(&MatchRecord) -> String,
) -> Result<Vec<WaitRow>, PageError> {
    records
        .iter()
        .map(|record| match_row(actor, record, when(record)))
        .collect()
}

fn links(frame: &Frame) -> (Vec<DeskLink>, Vec<DeskLink>) {
    let link = |href: &str, key: &str| DeskLink {
        href: href.to_owned(),
        label: frame.msg(key).to_owned(),
        sjis: None,
    };
    let pages = vec![
        link("/region/assignment", "desk.link.assignment"),
        link("/region/weights", "desk.link.weights"),
        link("/region/report", "desk.link.report"),
        link("/region/outbox", "desk.link.outbox"),
        link("/region/import", "desk.link.import"),
    ];
    let exports = ExportKind::ALL
        .into_iter()
        .map(|kind| {
            let key = match kind {
                ExportKind::Needs => "desk.export.needs",
                ExportKind::Applications => "desk.export.applications",
                ExportKind::Matches => "desk.export.matches",
            };
            let href = format!("/region/export/{}.csv", kind.as_str());
            DeskLink {
                sjis: Some(format!("{href}?encoding=shift_jis")),
                ..link(&href, key)
            }
        })
        .collect();
    (pages, exports)
}

/// The desk of the coordinator's region.
#[get("/region")]
pub async fn desk(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
) -> Result<HttpResponse, PageError> {
    let now = Utc::now();
    let desk = services::desk::of(&state.db, &user.caller, now).await?;
    let frame = Frame::new(&request, Some(&user));
    let needs = desk
        .needs
        .iter()
        .map(|open| NeedRow {
            href: format!("/needs/{}/candidates", open.need.id),
            title: open.need.title.clone(),
            organization: open.organization.clone(),
            applicants: open.applicants,
            posted: days(&frame, open.days_open),
            none: open.applicants == 0,
        })
        .collect();
    let applications = desk
        .new_applications
        .iter()
        .map(|detail| WaitRow {
            href: format!("/needs/{}/candidates", detail.application.need_id),
            need: detail.need_title.clone(),
            who: detail
                .applicant_name
                .clone()
                .unwrap_or_else(|| detail.applicant_display.clone()),
            when: days(&frame, days_since(detail.application.created_at, now)),
        })
        .collect();
    let applications_more =
        (desk.new_applications_total > desk.new_applications.len()).then(|| {
            frame.msg_with(
                "desk.applications.total",
                &[("count", &desk.new_applications_total.to_string())],
            )
        });
    let waited = |record: &MatchRecord| days(&frame, days_since(record.row.created_at, now));
    let starts = |record: &MatchRecord| {
        record
            .meeting
            .as_ref()
            .map(|meeting| in_tokyo(meeting.starts_at))
            .unwrap_or_default()
    };
    let since_update = |record: &MatchRecord| days(&frame, days_since(record.row.updated_at, now));
    let (pages, exports) = links(&frame);
    let actor = &user.caller;
    page(
        &frame,
        StatusCode::OK,
        &DeskPage {
            frame: &frame,
            pages,
            exports,
            needs,
            applications,
            applications_more,
            scouts: match_rows(actor, &desk.scouts, waited)?,
            introductions: match_rows(actor, &desk.introductions, since_update)?,
            meetings: match_rows(actor, &desk.meetings, starts)?,
            unrecorded: match_rows(actor, &desk.unrecorded, since_update)?,
            dead_mail: (desk.dead_mail > 0).then(|| {
                frame.msg_with(
                    "desk.dead_mail.count",
                    &[("count", &desk.dead_mail.to_string())],
                )
            }),
        },
    )
}
