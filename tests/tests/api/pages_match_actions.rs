//! The actions of `/matches/{id}` at the HTTP level: the scouted professional accepts or
//! declines from the page; the SME schedules, moves and cancels the meeting (the
//! invitations arrive at the SMTP server, the `.ics` follows); a coordinator records the
//! outcome; a form with a bad link comes back with the error beside the field and the
//! input kept; strangers get the 404 page and change nothing; a form without its token
//! is refused. And `/me` lists what waits for each role.

use std::time::Duration;

use chrono::{DateTime, Utc};
use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need, marketer_profile,
    pages::{Page, PageClient},
    smtp::{Received, SmtpServer},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::json;

const SME_PASSWORD: &str = "sme-password-123";
const PRO_PASSWORD: &str = "pro-password-123";
const COORDINATOR_PASSWORD: &str = "coordinator-password";
const PUBLIC_URL: &str = "https://musubi.example.jp";
const APPLICANT: &str = "山田 花子";
const SCOUTED: &str = "高橋 美咲";
const MAIL_WAIT: Duration = Duration::from_secs(20);

struct Region {
    app: TestApp,
    coordinator: User,
    sme: User,
    need: Uuid,
    applicant: User,
    scouted: User,
}

/// A region with a coordinator, an SME and its need, an applicant and a professional
/// to scout; mail goes to `smtp` if given.
async fn region(smtp: Option<&SmtpServer>) -> Region {
    let app = match smtp {
        Some(smtp) => {
            let url = smtp.url();
            let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
            vars.push(("MUSUBI_SMTP_URL", &url));
            vars.push(("MUSUBI_PUBLIC_URL", PUBLIC_URL));
            TestApp::spawn_with(&vars).await
        }
        None => TestApp::spawn().await,
    };
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let applicant = app
        .professional_with_profile(APPLICANT, &marketer_profile())
        .await;
    let response = app
        .post(
            &format!("/needs/{need}/applications"),
            &applicant.token,
            &json!({"message": "応募します"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let scouted = app
        .professional_with_profile(SCOUTED, &marketer_profile())
        .await;
    Region {
        app,
        coordinator,
        sme,
        need,
        applicant,
        scouted,
    }
}

/// The coordinator matches `who` with the need (an introduction for the applicant, a
/// scout otherwise); the match's page path.
async fn introduce(r: &Region, who: &User) -> String {
    let (status, body) = json(
        r.app
            .post(
                "/matches",
                &r.coordinator.token,
                &json!({"need_id": r.need, "professional_id": who.id}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    format!("/matches/{}", body["id"].as_str().unwrap())
}

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
}

/// The match as the JSON API shows it to `user`.
async fn api_match(r: &Region, path: &str, user: &User) -> Value {
    let (status, body) = json(r.app.get(path, &user.token).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Sends a form of the match page as `browser`, with its token; the answer.
async fn submit(
    browser: &mut PageClient,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Page {
    let token = browser.get(page).await.csrf_token().expect("a token");
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    browser.post_form(action, &form).await
}

/// Follows a 303 back to the match page and returns it.
async fn followed(browser: &mut PageClient, answer: &Page, to: &str) -> Page {
    assert_status(answer, StatusCode::SEE_OTHER, to);
    let location = answer.location().unwrap().to_owned();
    assert!(location.starts_with(to), "{location}");
    let page = browser.get(&location).await;
    assert_status(&page, StatusCode::OK, &location);
    page
}

/// Every part of a message as text, decoded (the text, the HTML, the calendar).
pub fn readable(message: &Received) -> String {
    let parsed = message.parse();
    let mut text = String::new();
    for part in &parsed.parts {
        match part.text_contents() {
            Some(contents) => text.push_str(contents),
            None => text.push_str(&String::from_utf8_lossy(part.contents())),
        }
        text.push('\n');
    }
    text
}

/// The messages to `email`, readable.
fn to(received: &[Received], email: &str) -> Vec<String> {
    received
        .iter()
        .filter(|message| message.rcpt_to.iter().any(|rcpt| rcpt == email))
        .map(readable)
        .collect()
}

fn starts_at(found: &Value) -> DateTime<Utc> {
    found["meeting"]["starts_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_scouted_professional_accepts_from_the_page_and_the_sme_is_told() {
    let smtp = SmtpServer::start().await;
    let r = region(Some(&smtp)).await;
    let path = introduce(&r, &r.scouted).await;
    let accept = format!("{path}/accept");

    // The SME may not answer a scout: no such form on its page.
    let mut sme = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;
    let page = sme.get(&path).await;
    assert!(!page.body.contains(&accept), "{}", page.body);

    let mut pro = logged_in(&r.app, &r.scouted.email, PRO_PASSWORD).await;
    let page = pro.get(&path).await;
    assert_status(&page, StatusCode::OK, "the scout");
    assert!(
        page.body.contains(&format!("action=\"{accept}\"")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("action=\"{path}/decline\"")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&format!("action=\"{path}/meeting\"")),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&r.sme.email), "not before accepting");

    let answer = submit(&mut pro, &path, &accept, &[]).await;
    let page = followed(&mut pro, &answer, &format!("{path}?done=accepted")).await;
    assert!(page.body.contains("スカウトを受けました"), "{}", page.body);
    assert!(page.body.contains(&r.sme.email), "{}", page.body);
    assert!(!page.body.contains(&accept), "answered: {}", page.body);
    assert_eq!(
        api_match(&r, &path, &r.scouted).await["status"],
        "introduced"
    );

    // The invitation, then the introduction to both sides.
    let received = smtp.wait_for(3, MAIL_WAIT).await;
    let letters = to(&received, &r.sme.email);
    assert_eq!(letters.len(), 1, "the SME's introduction");
    let link = format!("{PUBLIC_URL}{path}");
    assert!(letters[0].contains(&link), "{}", letters[0]);
    let page = sme.get(&path).await;
    assert!(page.body.contains(SCOUTED), "{}", page.body);
    assert!(
        page.body.contains(&format!("action=\"{path}/meeting\"")),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_scouted_professional_declines_with_a_reason() {
    let r = region(None).await;
    let path = introduce(&r, &r.scouted).await;
    let decline = format!("{path}/decline");
    let mut pro = logged_in(&r.app, &r.scouted.email, PRO_PASSWORD).await;

    let long = "あ".repeat(2_001);
    let answer = submit(&mut pro, &path, &decline, &[("reason", &long)]).await;
    assert_status(
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason too long",
    );
    assert!(
        answer.body.contains("id=\"decline-reason-error\""),
        "{}",
        answer.body
    );
    assert!(answer.body.contains(&long), "the reason kept");
    assert_eq!(api_match(&r, &path, &r.scouted).await["status"], "proposed");

    let answer = submit(
        &mut pro,
        &path,
        &decline,
        &[("reason", "今は時間が取れません")],
    )
    .await;
    let page = followed(&mut pro, &answer, &format!("{path}?done=declined")).await;
    assert!(page.body.contains("今は時間が取れません"), "{}", page.body);
    assert!(
        !page.body.contains(&format!("action=\"{path}/accept\"")),
        "{}",
        page.body
    );
    let found = api_match(&r, &path, &r.scouted).await;
    assert_eq!(found["status"], "cancelled", "{found}");
}

#[tokio::test]
async fn the_sme_schedules_moves_and_cancels_the_meeting_from_the_page() {
    let smtp = SmtpServer::start().await;
    let r = region(Some(&smtp)).await;
    let path = introduce(&r, &r.applicant).await;
    let meeting = format!("{path}/meeting");
    smtp.wait_for(2, MAIL_WAIT).await;

    // The professional does not arrange meetings.
    let mut pro = logged_in(&r.app, &r.applicant.email, PRO_PASSWORD).await;
    let page = pro.get(&path).await;
    assert!(
        !page.body.contains(&format!("action=\"{meeting}\"")),
        "{}",
        page.body
    );

    let mut sme = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;
    let page = sme.get(&path).await;
    assert!(page.body.contains("面談を設定する"), "{}", page.body);
    let answer = submit(
        &mut sme,
        &path,
        &meeting,
        &[
            ("date", "2030-01-15"),
            ("time", "19:00"),
            ("duration_minutes", "60"),
            ("mode", "online"),
            ("location_or_url", "https://meet.example.jp/abc"),
        ],
    )
    .await;
    let page = followed(&mut sme, &answer, &format!("{path}?done=scheduled")).await;
    assert!(page.body.contains("2030-01-15 19:00"), "{}", page.body);
    let found = api_match(&r, &path, &r.sme).await;
    assert_eq!(found["status"], "meeting_scheduled", "{found}");
    assert_eq!(
        starts_at(&found),
        "2030-01-15T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    let uid = found["meeting"]["uid"].as_str().unwrap().to_owned();

    // Everyone invited: the professional, the SME, the coordinator.
    let received = smtp.wait_for(5, MAIL_WAIT).await;
    for email in [&r.applicant.email, &r.sme.email, &r.coordinator.email] {
        let letters = to(&received, email);
        assert!(
            letters
                .iter()
                .any(|letter| letter.contains("BEGIN:VCALENDAR")),
            "{email}: {letters:?}"
        );
    }
    let ics = pro.get(&format!("{path}/meeting.ics")).await;
    assert_status(&ics, StatusCode::OK, "the .ics");
    assert!(ics.body.contains(&format!("UID:{uid}")), "{}", ics.body);

    // Moving it: the form comes filled with the meeting as it stands.
    assert!(page.body.contains("面談の日程を変更する"), "{}", page.body);
    assert!(page.body.contains("value=\"2030-01-15\""), "{}", page.body);
    assert!(page.body.contains("value=\"19:00\""), "{}", page.body);
    let answer = submit(
        &mut sme,
        &path,
        &meeting,
        &[
            ("date", "2030-01-16"),
            ("time", "10:30"),
            ("duration_minutes", "90"),
            ("mode", "onsite"),
            ("location_or_url", "塩尻市役所 3階"),
        ],
    )
    .await;
    let page = followed(&mut sme, &answer, &format!("{path}?done=rescheduled")).await;
    assert!(page.body.contains("塩尻市役所 3階"), "{}", page.body);
    let found = api_match(&r, &path, &r.sme).await;
    assert_eq!(
        starts_at(&found),
        "2030-01-16T01:30:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(found["meeting"]["uid"], uid.as_str(), "the same meeting");
    let received = smtp.wait_for(8, MAIL_WAIT).await;
    assert!(
        to(&received, &r.applicant.email)
            .iter()
            .any(|letter| letter.contains("2030年1月16日")),
        "the update"
    );

    let answer = submit(&mut sme, &path, &format!("{meeting}/cancel"), &[]).await;
    let page = followed(&mut sme, &answer, &format!("{path}?done=meeting_cancelled")).await;
    assert!(page.body.contains("面談を設定する"), "{}", page.body);
    assert_eq!(api_match(&r, &path, &r.sme).await["status"], "introduced");
    let received = smtp.wait_for(11, MAIL_WAIT).await;
    assert!(
        to(&received, &r.applicant.email)
            .iter()
            .any(|letter| letter.contains("METHOD:CANCEL")),
        "the cancellation"
    );
}

#[tokio::test]
async fn a_meeting_link_that_is_not_https_is_refused_beside_its_field_with_the_input_kept() {
    let r = region(None).await;
    let path = introduce(&r, &r.applicant).await;
    let meeting = format!("{path}/meeting");
    let mut sme = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;

    let answer = submit(
        &mut sme,
        &path,
        &meeting,
        &[
            ("date", "2030-01-15"),
            ("time", "19:00"),
            ("duration_minutes", "60"),
            ("mode", "online"),
            ("location_or_url", "http://meet.example.jp/abc"),
        ],
    )
    .await;
    assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY, "an http link");
    let body = &answer.body;
    let error = body
        .find("id=\"location_or_url-error\"")
        .expect("the error beside the field");
    let field = body.find("id=\"location_or_url\"").unwrap();
    assert!(field < error, "the error follows its field");
    assert!(body[error..].contains("https:// で始まる URL"), "{body}");
    for kept in [
        "value=\"http://meet.example.jp/abc\"",
        "value=\"2030-01-15\"",
        "value=\"19:00\"",
        "value=\"60\"",
    ] {
        assert!(body.contains(kept), "{kept}: {body}");
    }
    assert!(body.contains("value=\"online\" checked"), "{body}");
    assert!(
        body.contains("href=\"#location_or_url\""),
        "the summary: {body}"
    );

    // A past date and no mode: each said beside its own field.
    let answer = submit(
        &mut sme,
        &path,
        &meeting,
        &[
            ("date", "2020-01-15"),
            ("time", "19:00"),
            ("duration_minutes", "60"),
            ("location_or_url", "塩尻市役所"),
        ],
    )
    .await;
    assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY, "past, no mode");
    assert!(answer.body.contains("id=\"date-error\""), "{}", answer.body);
    assert!(answer.body.contains("id=\"mode-error\""), "{}", answer.body);
    assert!(
        answer.body.contains("value=\"塩尻市役所\""),
        "{}",
        answer.body
    );
    assert_eq!(api_match(&r, &path, &r.sme).await["status"], "introduced");
}

#[tokio::test]
async fn a_coordinator_records_the_outcome_and_a_stranger_gets_404_and_changes_nothing() {
    let r = region(None).await;
    let path = introduce(&r, &r.applicant).await;
    let scout = introduce(&r, &r.scouted).await;

    // Strangers: another SME and another professional, each with a valid token of
    // their own session.
    let other_region = r.app.create_region("上田市", "長野県", "上田市").await;
    let other_sme = r.app.sme(other_region, "他社").await;
    let mut stranger = logged_in(&r.app, &other_sme.email, SME_PASSWORD).await;
    assert_status(&stranger.get(&path).await, StatusCode::NOT_FOUND, "reading");
    let answer = submit(
        &mut stranger,
        "/me",
        &format!("{path}/meeting"),
        &[
            ("date", "2030-01-15"),
            ("time", "19:00"),
            ("duration_minutes", "60"),
            ("mode", "onsite"),
            ("location_or_url", "塩尻市役所"),
        ],
    )
    .await;
    assert_status(&answer, StatusCode::NOT_FOUND, "scheduling");
    assert!(
        !answer.body.contains("シティプロモーション"),
        "{}",
        answer.body
    );
    let mut other_pro = logged_in(&r.app, &r.applicant.email, PRO_PASSWORD).await;
    let answer = submit(&mut other_pro, "/me", &format!("{scout}/accept"), &[]).await;
    assert_status(&answer, StatusCode::NOT_FOUND, "accepting another's scout");
    assert_eq!(api_match(&r, &path, &r.sme).await["status"], "introduced");
    assert_eq!(
        api_match(&r, &scout, &r.coordinator).await["status"],
        "proposed"
    );

    // The coordinator: met, then working together.
    let response = r
        .app
        .post(
            &format!("{path}/meetings"),
            &r.coordinator.token,
            &json!({"starts_at": "2030-01-01T19:00:00+09:00", "duration_minutes": 60, "mode": "onsite", "location_or_url": "塩尻市役所"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let mut coordinator = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;
    let page = coordinator.get(&path).await;
    assert!(
        page.body.contains(&format!("action=\"{path}/outcome\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"met\""), "{}", page.body);
    assert!(
        !page.body.contains("value=\"contracted\""),
        "not before they met"
    );
    let outcome = format!("{path}/outcome");
    let answer = submit(&mut coordinator, &path, &outcome, &[("result", "")]).await;
    assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY, "no result");
    assert!(
        answer.body.contains("id=\"result-error\""),
        "{}",
        answer.body
    );
    let answer = submit(
        &mut coordinator,
        &path,
        &outcome,
        &[("result", "met"), ("note", "良い面談")],
    )
    .await;
    let page = followed(&mut coordinator, &answer, &format!("{path}?done=outcome")).await;
    assert!(page.body.contains("value=\"contracted\""), "{}", page.body);
    let answer = submit(
        &mut coordinator,
        &path,
        &outcome,
        &[("result", "contracted")],
    )
    .await;
    followed(&mut coordinator, &answer, &format!("{path}?done=outcome")).await;
    assert_eq!(api_match(&r, &path, &r.sme).await["status"], "contracted");
}

#[tokio::test]
async fn a_form_without_its_token_or_from_another_site_is_refused() {
    let r = region(None).await;
    let path = introduce(&r, &r.scouted).await;
    let accept = format!("{path}/accept");
    let mut pro = logged_in(&r.app, &r.scouted.email, PRO_PASSWORD).await;

    let answer = pro.post_form(&accept, &[]).await;
    assert_status(&answer, StatusCode::FORBIDDEN, "no token");
    let answer = pro
        .post_form(&accept, &[("csrf_token", "0123456789abcdef")])
        .await;
    assert_status(&answer, StatusCode::FORBIDDEN, "a wrong token");
    let token = pro.get(&path).await.csrf_token().unwrap();
    let answer = pro
        .send(
            Method::POST,
            &accept,
            &[("csrf_token", token.as_str())],
            Some("https://evil.example"),
        )
        .await;
    assert_status(&answer, StatusCode::FORBIDDEN, "another site");
    assert_eq!(api_match(&r, &path, &r.scouted).await["status"], "proposed");
}

#[tokio::test]
async fn me_lists_what_waits_for_each_role() {
    let r = region(None).await;
    let scout = introduce(&r, &r.scouted).await;

    // The SME: a new applicant, and never the scouted professional's name.
    let mut sme = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;
    let page = sme.get("/me").await;
    assert_status(&page, StatusCode::OK, "the SME's home");
    assert!(
        page.body.contains(&format!("/needs/{}/candidates", r.need)),
        "{}",
        page.body
    );
    assert!(page.body.contains("応募者 1 人"), "{}", page.body);
    assert!(!page.body.contains(SCOUTED), "{}", page.body);

    // The scouted professional: the invitation to answer.
    let mut pro = logged_in(&r.app, &r.scouted.email, PRO_PASSWORD).await;
    let page = pro.get("/me").await;
    assert!(
        page.body.contains("回答を待っているスカウト"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("href=\"{scout}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("/me/applications"), "{}", page.body);

    // Introduced and then a meeting: the applicant leaves the new applicants, the
    // introduction waits for its meeting, then the meeting is coming.
    let path = introduce(&r, &r.applicant).await;
    let page = sme.get("/me").await;
    assert!(!page.body.contains("応募者 1 人"), "{}", page.body);
    assert!(
        page.body.contains(&format!("href=\"{path}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains(APPLICANT), "introduced: {}", page.body);
    let soon = (Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let response = r
        .app
        .post(
            &format!("{path}/meetings"),
            &r.coordinator.token,
            &json!({"starts_at": soon, "duration_minutes": 60, "mode": "onsite", "location_or_url": "塩尻市役所"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let mut applicant = logged_in(&r.app, &r.applicant.email, PRO_PASSWORD).await;
    let page = applicant.get("/me").await;
    assert!(page.body.contains("これからの面談"), "{}", page.body);
    assert!(
        page.body.contains(&format!("href=\"{path}\"")),
        "{}",
        page.body
    );

    // The coordinator: the scout waiting for its answer, the meeting of the week.
    let mut coordinator = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;
    let page = coordinator.get("/me").await;
    assert!(
        page.body.contains(&format!("href=\"{scout}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("今週の面談"), "{}", page.body);
    assert!(
        page.body.contains(&format!("href=\"{path}\"")),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_coordinator_calls_an_introduction_off_with_a_reason() {
    let r = region(None).await;
    let path = introduce(&r, &r.applicant).await;
    let cancel = format!("{path}/cancel");
    let mut desk = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;

    let long = "い".repeat(2_001);
    let answer = submit(&mut desk, &path, &cancel, &[("reason", &long)]).await;
    assert_status(
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason too long",
    );
    assert!(
        answer.body.contains("id=\"cancel-reason-error\""),
        "{}",
        answer.body
    );
    assert!(answer.body.contains(&long), "the reason kept");
    assert_eq!(
        api_match(&r, &path, &r.coordinator).await["status"],
        "introduced"
    );

    let answer = submit(
        &mut desk,
        &path,
        &cancel,
        &[("reason", "募集が取り下げられました")],
    )
    .await;
    let page = followed(&mut desk, &answer, &format!("{path}?done=cancelled")).await;
    assert!(
        page.body.contains("募集が取り下げられました"),
        "{}",
        page.body
    );
    let found = api_match(&r, &path, &r.coordinator).await;
    assert_eq!(found["status"], "cancelled", "{found}");
}
