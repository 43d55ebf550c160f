//! `/region`, the coordinator's desk, and `/region/report` at the HTTP level: the open
//! needs in the desk's order (fewest applicants first, then the oldest) with their
//! counts; each kind of waiting item (a new application, a scout, a meeting this week, a
//! match met with no outcome, dead mail) with the link where it is acted on; another
//! region's coordinator sees none of it, an SME gets the 403 page, a visitor the login.
//! The report page draws one bar group per month over the table, and its CSV holds the
//! JSON report's numbers.

use chrono::{Duration, Utc};
use musubi_tests::{TestApp, User, cmo_need, marketer_profile, pages::PageClient};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::json;

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

fn need_titled(title: &str) -> Value {
    let mut need = cmo_need();
    need["title"] = json!(title);
    need
}

async fn apply(app: &TestApp, pro: &User, need: Uuid) {
    let response = app
        .post(
            &format!("/needs/{need}/applications"),
            &pro.token,
            &json!({"message": "塩尻の力になりたいです"}),
        )
        .await;
    assert_eq!(response.status(), 201, "applying to {need}");
}

/// Introduces (from an application) or scouts; returns the match id.
async fn make_match(app: &TestApp, coordinator: &User, need: Uuid, pro: &User) -> String {
    let (status, body) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": pro.id}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn schedule(app: &TestApp, coordinator: &User, id: &str, days: i64) {
    let starts_at = (Utc::now() + Duration::days(days)).to_rfc3339();
    let (status, body) = json(
        app.post(
            &format!("/matches/{id}/meetings"),
            &coordinator.token,
            &json!({"starts_at": starts_at, "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// The part of `body` from the element with `id="{id}"` to the end of its section.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let rest = &body[start..];
    let end = [
        rest[1..].find("<h3 id=").map(|end| end + 1),
        rest.find("</section>"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(rest.len());
    &rest[..end]
}

/// The table row holding `title`.
fn row_of<'a>(body: &'a str, title: &str) -> &'a str {
    let at = body
        .find(&format!(">{title}</a>"))
        .unwrap_or_else(|| panic!("{title} not listed"));
    let start = body[..at].rfind("<tr").unwrap();
    let end = at + body[at..].find("</tr>").unwrap();
    &body[start..end]
}

#[tokio::test]
async fn the_desk_lists_needs_fewest_applicants_first_and_everything_that_waits() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let elsewhere = app.create_region("上田市", "長野県", "上田市").await;
    let coordinator = app.coordinator(region).await;
    let stranger = app.coordinator(elsewhere).await;
    let sme = app.sme(region, "信州食品").await;

    // Posted in this order: the busy one first (oldest), then two quiet ones.
    let busy = app.post_need(&sme, &need_titled("募集A 三人が応募")).await;
    let quiet_old = app.post_need(&sme, &need_titled("募集B 応募なし")).await;
    let one = app.post_need(&sme, &need_titled("募集C 一人が応募")).await;
    let quiet_new = app.post_need(&sme, &need_titled("募集D 応募なし")).await;
    let closed = app.post_need(&sme, &need_titled("募集E 締切済み")).await;
    let closing = app
        .post(&format!("/needs/{closed}/close"), &sme.token, &json!({}))
        .await;
    assert_eq!(closing.status(), 200);

    let applicants = app.applicants(busy, 3, 1).await;
    let newcomer = app
        .professional_with_profile("新人 応募", &marketer_profile())
        .await;
    apply(&app, &newcomer, one).await;
    // A withdrawn application does not count.
    let withdrawn = app
        .professional_with_profile("取下 太郎", &marketer_profile())
        .await;
    apply(&app, &withdrawn, quiet_new).await;
    let (_, mine) = json(app.get("/applications", &withdrawn.token).await).await;
    let application = mine["items"][0]["id"].as_str().unwrap().to_owned();
    let withdrawing = app
        .post(
            &format!("/applications/{application}/withdraw"),
            &withdrawn.token,
            &json!({}),
        )
        .await;
    assert_eq!(withdrawing.status(), 200);

    // A scout waiting for an answer.
    let scouted = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let scout = make_match(&app, &coordinator, quiet_old, &scouted).await;
    // An introduction with a meeting in two days, one met with no outcome, and one
    // introduced without a meeting.
    let meeting = make_match(&app, &coordinator, busy, &applicants[0]).await;
    schedule(&app, &coordinator, &meeting, 2).await;
    let met = make_match(&app, &coordinator, busy, &applicants[1]).await;
    schedule(&app, &coordinator, &met, 30).await;
    let (status, body) = json(
        app.post(
            &format!("/matches/{met}/outcome"),
            &coordinator.token,
            &json!({"result": "met"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("met")),
        "{body}"
    );
    let introduced = make_match(&app, &coordinator, busy, &applicants[2]).await;
    // Dead mail: the scout invitation never arrived.
    let dead = app
        .kill_email_to(&scouted.email, "550 mailbox unavailable")
        .await;

    let mut desk = logged_in(&app, &coordinator.email, "coordinator-password").await;
    let me = desk.get("/me").await;
    assert!(me.body.contains("href=\"/region\""), "{}", me.body);
    let page = desk.get("/region").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;

    // The needs: fewest applicants first, then the oldest; the closed one is not there.
    let needs = section(body, "desk-needs");
    let order: Vec<usize> = [
        "募集B 応募なし",
        "募集D 応募なし",
        "募集C 一人が応募",
        "募集A 三人が応募",
    ]
    .iter()
    .map(|title| {
        needs
            .find(title)
            .unwrap_or_else(|| panic!("{title} missing"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{needs}");
    assert!(!body.contains("募集E 締切済み"));
    for (title, need, count) in [
        ("募集A 三人が応募", busy, 3),
        ("募集B 応募なし", quiet_old, 0),
        ("募集C 一人が応募", one, 1),
        ("募集D 応募なし", quiet_new, 0),
    ] {
        let row = row_of(needs, title);
        assert!(
            row.contains(&format!("href=\"/needs/{need}/candidates\"")),
            "{row}"
        );
        assert!(
            row.contains(&format!("<td class=\"num\">{count}</td>")),
            "{title} should count {count}: {row}"
        );
    }

    // What waits, each linked to where it is acted on.
    let applications = section(body, "desk-applications");
    assert!(applications.contains("新人 応募"), "{applications}");
    assert!(applications.contains(&format!("href=\"/needs/{one}/candidates\"")));
    assert!(
        !applications.contains("応募者 0"),
        "an introduced application is no longer new: {applications}"
    );
    assert!(!applications.contains("取下 太郎"));
    let scouts = section(body, "desk-scouts");
    assert!(
        scouts.contains(&format!("href=\"/matches/{scout}\"")),
        "{scouts}"
    );
    assert!(scouts.contains("山田 花子"));
    assert!(scouts.contains("今日"), "waiting since today: {scouts}");
    let meetings = section(body, "desk-meetings");
    assert!(
        meetings.contains(&format!("href=\"/matches/{meeting}\"")),
        "{meetings}"
    );
    assert!(!meetings.contains(&format!("/matches/{met}\"")));
    let unrecorded = section(body, "desk-unrecorded");
    assert!(
        unrecorded.contains(&format!("href=\"/matches/{met}\"")),
        "{unrecorded}"
    );
    let introductions = section(body, "desk-introductions");
    assert!(introductions.contains(&format!("href=\"/matches/{introduced}\"")));
    let mail = section(body, "desk-dead-mail");
    assert!(mail.contains("href=\"/region/outbox\""), "{mail}");
    assert!(mail.contains("1件"), "{mail}");

    // The other desk pages and the exports.
    for href in [
        "/region/assignment",
        "/region/weights",
        "/region/report",
        "/region/outbox",
        "/region/export/needs.csv",
        "/region/export/applications.csv",
        "/region/export/matches.csv",
    ] {
        assert!(body.contains(&format!("href=\"{href}\"")), "{href}");
    }

    // Another region's coordinator sees none of it.
    let mut other = logged_in(&app, &stranger.email, "coordinator-password").await;
    let theirs = other.get("/region").await;
    assert_eq!(theirs.status, StatusCode::OK);
    for secret in [
        "募集A",
        "募集B",
        "山田 花子",
        "新人 応募",
        &dead.id.to_string(),
    ] {
        assert!(!theirs.body.contains(secret), "{secret} leaked");
    }
    assert!(!theirs.body.contains("id=\"desk-dead-mail\""));

    // An SME has no desk; a visitor logs in first.
    let mut owner = logged_in(&app, &sme.email, "sme-password-123").await;
    assert_eq!(owner.get("/region").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        owner.get("/region/report").await.status,
        StatusCode::FORBIDDEN
    );
    let mut visitor = PageClient::new(&app.address);
    let away = visitor.get("/region").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert!(away.location().unwrap().starts_with("/login"), "{away:?}");
}

#[tokio::test]
async fn the_desk_speaks_english_too() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "信州食品").await;
    app.post_need(&sme, &cmo_need()).await;
    let mut desk = logged_in(&app, &coordinator.email, "coordinator-password").await;
    desk.accept_language = Some("en".to_owned());
    let page = desk.get("/region").await;
    assert_eq!(page.lang(), Some("en"));
    assert!(page.body.contains("Open needs"), "{}", page.body);
    assert!(page.body.contains("today"));
    assert!(page.body.contains("Nothing is waiting for you right now."));
}

#[tokio::test]
async fn the_report_draws_a_bar_group_a_month_over_its_table_and_its_csv_matches_the_json() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "信州食品").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let second = app.post_need(&sme, &need_titled("二つ目の募集")).await;
    let applicants = app.applicants(need, 2, 1).await;
    let meeting = make_match(&app, &coordinator, need, &applicants[0]).await;
    schedule(&app, &coordinator, &meeting, 3).await;
    let _ = second;

    let (status, report) = json(
        app.get(&format!("/regions/{region}/report"), &coordinator.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let months = report["months"].as_array().unwrap();
    assert!(!months.is_empty());

    let mut desk = logged_in(&app, &coordinator.email, "coordinator-password").await;
    let page = desk.get("/region/report").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    let svg = &body[body.find("<svg").expect("an inline chart")..body.find("</svg>").unwrap()];
    assert!(svg.contains("role=\"img\""), "{svg}");
    assert!(svg.contains("<title id=\"report-chart-title\">"));
    assert!(!svg.contains("style="), "the CSP allows no inline styles");
    assert_eq!(svg.matches("class=\"chart-group\"").count(), months.len());
    for month in months {
        let label = month["month"].as_str().unwrap();
        assert!(svg.contains(&format!("data-month=\"{label}\"")), "{label}");
    }
    // Five bars a month plus five legend swatches.
    assert_eq!(svg.matches("<rect").count(), 5 * months.len() + 5);
    let table = &body[body.find("<table").expect("a table under the chart")..];
    assert!(body.find("<table").unwrap() > body.find("</svg>").unwrap());
    let total = &report["total"];
    assert_eq!(total["needs"], 2);
    assert_eq!(total["applications"], 2);
    assert_eq!(total["introductions"], 1);
    assert_eq!(total["meetings"], 1);
    let tfoot = &table[table.find("<tfoot>").unwrap()..table.find("</tfoot>").unwrap()];
    let figures: Vec<&str> = tfoot
        .split("<td class=\"num\">")
        .skip(1)
        .map(|cell| &cell[..cell.find('<').unwrap()])
        .collect();
    assert_eq!(figures, ["2", "2", "1", "1", "0"], "{tfoot}");

    // The CSV: a row a month and the total, the same numbers as the JSON.
    let file = desk.get("/region/report.csv").await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        file.header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"musubi-report-")
    );
    // (The client decodes the text and drops the byte-order mark; `exports.rs` checks
    // the bytes.)
    let text = file.body.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "month",
            "needs",
            "applications",
            "introductions",
            "meetings",
            "contracts"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let expected: Vec<&Value> = months.iter().chain(std::iter::once(total)).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, month) in rows.iter().zip(expected) {
        assert_eq!(&row[0], month["month"].as_str().unwrap());
        for (at, field) in headers.iter().enumerate().skip(1) {
            assert_eq!(row[at], month[field.as_str()].to_string(), "{field}");
        }
    }

    // An SME gets no CSV either.
    let mut owner = logged_in(&app, &sme.email, "sme-password-123").await;
    assert_eq!(
        owner.get("/region/report.csv").await.status,
        StatusCode::FORBIDDEN
    );
}
