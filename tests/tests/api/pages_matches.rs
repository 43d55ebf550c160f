//! The match pages at the HTTP level: each side of an introduction sees the other's
//! contact and the meeting (with its `.ics`); before an introduction the SME sees the
//! professional only pseudonymously; strangers and other regions' coordinators get the
//! 404 page; an anonymous visitor from the introduction email logs in and comes back;
//! user text is escaped.

use std::time::Duration;

use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need, marketer_profile,
    pages::{Page, PageClient},
    smtp::SmtpServer,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::json;

const SME_PASSWORD: &str = "sme-password-123";
const PRO_PASSWORD: &str = "pro-password-123";
const COORDINATOR_PASSWORD: &str = "coordinator-password";
const PUBLIC_URL: &str = "https://musubi.example.jp";
const APPLICANT: &str = "山田 花子";
const SCOUTED: &str = "高橋 美咲";

struct Region {
    app: TestApp,
    coordinator: User,
    sme: User,
    need: Uuid,
    applicant: User,
    scouted: User,
}

async fn region(app: TestApp, organization: &str, need: Value) -> Region {
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, organization).await;
    let need = app.post_need(&sme, &need).await;
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

/// The coordinator matches `who` with the need: an introduction for the applicant, a
/// scout otherwise. Returns the match's id.
async fn introduce(r: &Region, who: &User) -> Uuid {
    let (status, body) = json(
        r.app
            .post(
                "/matches",
                &r.coordinator.token,
                &json!({"need_id": r.need, "professional_id": who.id, "note": "ぜひ"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().parse().unwrap()
}

/// A page client logged in as `email`.
async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
}

#[tokio::test]
async fn each_side_of_an_introduction_sees_the_others_contact_and_the_meeting() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    vars.push(("MUSUBI_PUBLIC_URL", PUBLIC_URL));
    let r = region(TestApp::spawn_with(&vars).await, "丸山漆器", cmo_need()).await;
    let id = introduce(&r, &r.applicant).await;
    let path = format!("/matches/{id}");

    let mut sme = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;
    let page = sme.get(&path).await;
    assert_status(&page, StatusCode::OK, "the SME's match");
    assert!(page.body.contains(APPLICANT), "{}", page.body);
    assert!(page.body.contains(&r.applicant.email), "{}", page.body);
    assert!(page.body.contains("紹介済み"), "{}", page.body);
    assert!(page.body.contains("シティプロモーション"), "{}", page.body);
    assert!(
        page.body.contains("面談はまだ決まっていません"),
        "{}",
        page.body
    );
    let list = sme.get("/matches").await;
    assert_status(&list, StatusCode::OK, "the SME's list");
    assert!(list.body.contains(&path), "{}", list.body);

    let mut pro = logged_in(&r.app, &r.applicant.email, PRO_PASSWORD).await;
    let page = pro.get(&path).await;
    assert_status(&page, StatusCode::OK, "the professional's match");
    assert!(page.body.contains(&r.sme.email), "{}", page.body);
    assert!(page.body.contains("丸山漆器 代表"), "{}", page.body);

    // The meeting, in Japan time, with its calendar file.
    let (status, body) = json(
        r.app
            .post(
                &format!("{path}/meetings"),
                &r.coordinator.token,
                &json!({"starts_at": "2030-01-01T19:00:00+09:00", "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let uid = body["meeting"]["uid"].as_str().unwrap().to_owned();
    let page = pro.get(&path).await;
    assert_status(&page, StatusCode::OK, "the match with a meeting");
    assert!(page.body.contains("2030-01-01 19:00"), "{}", page.body);
    assert!(
        page.body.contains("https://meet.example.jp/x"),
        "{}",
        page.body
    );
    assert!(page.body.contains("面談予定"), "{}", page.body);
    assert!(
        page.body.contains(&format!("{path}/meeting.ics")),
        "{}",
        page.body
    );
    for browser in [&mut sme, &mut pro] {
        let ics = browser.get(&format!("{path}/meeting.ics")).await;
        assert_status(&ics, StatusCode::OK, "the .ics");
        assert!(
            ics.header("content-type")
                .unwrap()
                .starts_with("text/calendar"),
            "{:?}",
            ics.headers
        );
        assert!(ics.body.contains(&format!("UID:{uid}")), "{}", ics.body);
        assert!(ics.body.contains("BEGIN:VEVENT"), "{}", ics.body);
    }
    let mut coordinator = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;
    let page = coordinator.get(&path).await;
    assert_status(&page, StatusCode::OK, "the coordinator's match");
    for contact in [APPLICANT, &r.applicant.email, "丸山漆器 代表", &r.sme.email] {
        assert!(page.body.contains(contact), "{contact}: {}", page.body);
    }

    // The link of the introduction email, opened without a session: log in, come back.
    let received = smtp.wait_for(2, Duration::from_secs(20)).await;
    let to_pro = received
        .iter()
        .find(|message| message.rcpt_to.contains(&r.applicant.email))
        .expect("the professional's introduction email");
    let text = to_pro
        .parse()
        .body_text(0)
        .expect("a text part")
        .into_owned();
    let link = format!("{PUBLIC_URL}{path}");
    assert!(text.contains(&link), "{text}");
    let mut visitor = PageClient::new(&r.app.address);
    let page = visitor.get(&path).await;
    assert_status(&page, StatusCode::SEE_OTHER, "the email's link, anonymous");
    let login = page.location().unwrap().to_owned();
    assert_eq!(login, format!("/login?next=%2Fmatches%2F{id}"));
    let form = visitor.get(&login).await;
    assert_status(&form, StatusCode::OK, "the login form");
    let answer = visitor
        .login(&r.applicant.email, PRO_PASSWORD, Some(&path))
        .await;
    assert_status(&answer, StatusCode::SEE_OTHER, "logging in");
    assert_eq!(answer.location(), Some(path.as_str()));
    let page = visitor.get(&path).await;
    assert_status(&page, StatusCode::OK, "back at the match");
    assert!(page.body.contains(&r.sme.email), "{}", page.body);

    // Called off: the page says so and the calendar file cancels the same event.
    let response = r
        .app
        .post(
            &format!("{path}/meetings/cancel"),
            &r.coordinator.token,
            &json!({}),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let page = sme.get(&path).await;
    assert!(page.body.contains("中止"), "{}", page.body);
    let ics = sme.get(&format!("{path}/meeting.ics")).await;
    assert_status(&ics, StatusCode::OK, "the cancelled meeting's .ics");
    assert!(ics.body.contains("METHOD:CANCEL"), "{}", ics.body);
    assert!(ics.body.contains(&format!("UID:{uid}")), "{}", ics.body);
}

#[tokio::test]
async fn a_scout_hides_the_professional_from_the_sme_and_others_get_404() {
    let r = region(TestApp::spawn().await, "丸山漆器", cmo_need()).await;
    let id = introduce(&r, &r.scouted).await;
    let path = format!("/matches/{id}");

    let mut sme = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;
    let page = sme.get(&path).await;
    assert_status(&page, StatusCode::OK, "the SME's scouted match");
    assert!(page.body.contains("スカウト中"), "{}", page.body);
    assert!(!page.body.contains(SCOUTED), "{}", page.body);
    assert!(!page.body.contains(&r.scouted.email), "{}", page.body);
    let list = sme.get("/matches").await;
    assert_status(&list, StatusCode::OK, "the SME's list");
    assert!(list.body.contains(&path), "{}", list.body);
    assert!(!list.body.contains(SCOUTED), "{}", list.body);
    assert!(!list.body.contains(&r.scouted.email), "{}", list.body);

    // The scouted professional sees the need but not yet the SME's contact.
    let mut pro = logged_in(&r.app, &r.scouted.email, PRO_PASSWORD).await;
    let page = pro.get(&path).await;
    assert_status(&page, StatusCode::OK, "the scouted professional's match");
    assert!(!page.body.contains(&r.sme.email), "{}", page.body);

    // Strangers: another SME of the region, another region's coordinator, another
    // professional, and anyone for the calendar file of a match with no meeting.
    let other_sme = r
        .app
        .sme(
            r.app.create_region("松本市", "長野県", "松本市").await,
            "他社",
        )
        .await;
    let other_region = r.app.create_region("上田市", "長野県", "上田市").await;
    let other_coordinator = r.app.coordinator(other_region).await;
    for (email, password) in [
        (other_sme.email.as_str(), SME_PASSWORD),
        (other_coordinator.email.as_str(), COORDINATOR_PASSWORD),
        (r.applicant.email.as_str(), PRO_PASSWORD),
    ] {
        let mut stranger = logged_in(&r.app, email, password).await;
        for target in [path.clone(), format!("{path}/meeting.ics")] {
            let page = stranger.get(&target).await;
            assert_status(&page, StatusCode::NOT_FOUND, email);
            assert!(
                page.header("content-type")
                    .unwrap()
                    .starts_with("text/html"),
                "{:?}",
                page.headers
            );
            assert!(!page.body.contains("シティプロモーション"), "{}", page.body);
        }
    }
    assert_status(
        &sme.get(&format!("{path}/meeting.ics")).await,
        StatusCode::NOT_FOUND,
        "no meeting",
    );
    assert_status(
        &sme.get("/matches/not-a-uuid").await,
        StatusCode::NOT_FOUND,
        "a bad id",
    );

    let mut anonymous = PageClient::new(&r.app.address);
    for (target, login) in [
        (path.clone(), format!("/login?next=%2Fmatches%2F{id}")),
        ("/matches".to_owned(), "/login?next=%2Fmatches".to_owned()),
    ] {
        let page = anonymous.get(&target).await;
        assert_status(&page, StatusCode::SEE_OTHER, "anonymous");
        assert_eq!(page.location(), Some(login.as_str()));
    }
}

#[tokio::test]
async fn the_need_and_organization_names_are_escaped() {
    let mut need = cmo_need();
    need["title"] = json!("<script>alert('need')</script>");
    let r = region(
        TestApp::spawn().await,
        "<script>alert('org')</script>",
        need,
    )
    .await;
    let id = introduce(&r, &r.applicant).await;
    let mut sme = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;
    for target in [format!("/matches/{id}"), "/matches".to_owned()] {
        let page = sme.get(&target).await;
        assert_status(&page, StatusCode::OK, &target);
        assert!(!page.body.contains("<script>alert"), "{}", page.body);
        assert!(
            page.body.contains("&#60;script&#62;alert("),
            "{}",
            page.body
        );
    }
}
