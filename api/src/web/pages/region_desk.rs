//! `/region`: the coordinator's desk (`services::desk`). The region's open needs with
//! their applicants and days since posting, the least applied-to first, each linking to
//! its candidates; then what waits on the coordinator, each row linking to where it is
//! acted on: new applications (`/needs/{id}/candidates`), scouts waiting for an answer,
//! introductions without a meeting, the week's meetings and matches met with no outcome
//! (`/matches/{id}`), dead mail (`/region/outbox`), and engagements at risk
//! (`/matches/{id}`, which shows the engagement). Links to the other desk pages
//! and the CSV exports. For coordinators; other roles get the 403 page.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use crate::{
    access::{self, Actor},
    domain::engagement::RiskReason,
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
    /// Whose answer the match waits for, and for how long.
    owes: Option<String>,
    /// Waiting past the first nudge (3 days).
    late: bool,
}

/// A link to another desk page or an export.
#[derive(Debug)]
struct DeskLink {
    href: String,
    label: String,
    /// The same file in Shift_JIS (exports only).
    sjis: Option<String>,
}

/// One list of what waits, under its heading.
#[derive(Debug)]
struct WaitList {
    /// The heading's id (`desk-scouts`, …).
    id: &'static str,
    title_key: &'static str,
    rows: Vec<WaitRow>,
    /// "12 in all", when the list shows fewer than there are.
    more: Option<String>,
}

impl WaitList {
    fn new(id: &'static str, title_key: &'static str, rows: Vec<WaitRow>) -> Self {
        Self {
            id,
            title_key,
            rows,
            more: None,
        }
    }
}

#[derive(Template)]
#[template(path = "region_desk.html")]
struct DeskPage<'a> {
    frame: &'a Frame,
    pages: Vec<DeskLink>,
    exports: Vec<DeskLink>,
    needs: Vec<NeedRow>,
    /// New applications, scouts, introductions, meetings, met with no outcome.
    lists: Vec<WaitList>,
    /// "2 emails stopped", when there are any.
    dead_mail: Option<String>,
}

impl DeskPage<'_> {
    /// Whether nothing waits on the coordinator.
    fn nothing_waits(&self) -> bool {
        self.lists.iter().all(|list| list.rows.is_empty()) && self.dead_mail.is_none()
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
        owes: None,
        late: false,
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

/// The engagements at risk as lines: the need, the organization and the professional,
/// why, and since when (to the match page, which shows the engagement).
fn at_risk_rows(
    frame: &Frame,
    found: &services::desk::Desk,
    now: chrono::DateTime<Utc>,
) -> Vec<WaitRow> {
    found
        .at_risk
        .iter()
        .map(|record| {
            let reason = match record.at_risk {
                Some(RiskReason::Consult) => "engagement.risk.consult",
                Some(RiskReason::End) => "engagement.risk.end",
                _ => "engagement.risk.no_answer",
            };
            let since = record.row.at_risk_since.unwrap_or(now);
            WaitRow {
                href: format!("/matches/{}", record.row.match_id),
                need: record.parties.need.title.clone(),
                who: [
                    record.parties.organization.name.as_str(),
                    record.parties.professional.display_name.as_str(),
                    frame.msg(reason),
                ]
                .join(" · "),
                when: format!(
                    "{} {}",
                    frame.msg("desk.since"),
                    days(frame, days_since(since, now))
                ),
                owes: None,
                late: false,
            }
        })
        .collect()
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
    // "Applied 3 days ago", "Scouted today", "Last change 1 day ago".
    let ago = |key: &str, at| format!("{} {}", frame.msg(key), days(&frame, days_since(at, now)));
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
            when: ago("desk.applied", detail.application.created_at),
            owes: None,
            late: false,
        })
        .collect();
    let more = (desk.new_applications_total > desk.new_applications.len()).then(|| {
        frame.msg_with(
            "desk.applications.total",
            &[("count", &desk.new_applications_total.to_string())],
        )
    });
    let scouted = |record: &MatchRecord| ago("desk.waited", record.row.created_at);
    let changed = |record: &MatchRecord| ago("desk.since", record.row.updated_at);
    let starts = |record: &MatchRecord| {
        record
            .meeting
            .as_ref()
            .map(|meeting| in_tokyo(meeting.starts_at))
            .unwrap_or_default()
    };
    let actor = &user.caller;
    // Scouts and introductions say whose answer they wait for, and since when.
    let owing = |rows: Vec<WaitRow>, records: &[MatchRecord]| -> Vec<WaitRow> {
        rows.into_iter()
            .zip(records)
            .map(
                |(row, record)| match services::reply_windows::owed(record) {
                    Some(owed) => {
                        let waited = days_since(owed.since, now);
                        let who = frame.msg(match owed.by {
                            services::reply_windows::OwedBy::Professional => {
                                "match.awaiting.professional"
                            }
                            services::reply_windows::OwedBy::Organization => {
                                "match.awaiting.organization"
                            }
                        });
                        WaitRow {
                            owes: Some(frame.msg_with(
                                "desk.awaiting",
                                &[("who", who), ("since", &days(&frame, waited))],
                            )),
                            late: waited >= services::nudges::NUDGE_AFTER_DAYS,
                            ..row
                        }
                    }
                    None => row,
                },
            )
            .collect()
    };
    let lists = vec![
        WaitList {
            more,
            ..WaitList::new("desk-applications", "desk.applications", applications)
        },
        WaitList::new(
            "desk-scouts",
            "desk.scouts",
            owing(match_rows(actor, &desk.scouts, scouted)?, &desk.scouts),
        ),
        WaitList::new(
            "desk-introductions",
            "desk.introductions",
            owing(
                match_rows(actor, &desk.introductions, changed)?,
                &desk.introductions,
            ),
        ),
        WaitList::new(
            "desk-meetings",
            "desk.meetings",
            match_rows(actor, &desk.meetings, starts)?,
        ),
        WaitList::new(
            "desk-unrecorded",
            "desk.unrecorded",
            match_rows(actor, &desk.unrecorded, changed)?,
        ),
        WaitList::new(
            "desk-at-risk",
            "desk.at_risk",
            at_risk_rows(&frame, &desk, now),
        ),
    ];
    let (pages, exports) = links(&frame);
    page(
        &frame,
        StatusCode::OK,
        &DeskPage {
            frame: &frame,
            pages,
            exports,
            needs,
            lists,
            dead_mail: (desk.dead_mail > 0).then(|| {
                frame.msg_with(
                    "desk.dead_mail.count",
                    &[("count", &desk.dead_mail.to_string())],
                )
            }),
        },
    )
}
