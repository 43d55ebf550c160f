//! Every link in every email lands on a page: a whole story is driven through the JSON
//! API (two scouts, one accepted; an introduction from an application; a meeting
//! scheduled with its reminder, another scheduled, moved and cancelled; the nudges of
//! three quiet days; a decline), and for every email the SMTP server received, every
//! link in it is opened by its recipient: logged in, it is the page of that match with
//! the need's title; not logged in, it goes to the login and comes back to it.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need, marketer_profile, pages::PageClient, smtp::SmtpServer,
};
use reqwest::StatusCode;
use serde_json::json;

use crate::{json, pages_match_actions::readable};

const SME_PASSWORD: &str = "sme-password-123";
const PRO_PASSWORD: &str = "pro-password-123";
const COORDINATOR_PASSWORD: &str = "coordinator-password";
const PUBLIC_URL: &str = "https://musubi.example.jp";
const NEED_TITLE: &str = "シティプロモーション";

/// Every `http://` or `https://` link in a text.
fn links(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for scheme in ["http://", "https://"] {
        for (at, _) in text.match_indices(scheme) {
            let link: String = text[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"\"'<>()（）".contains(*c))
                .collect();
            found.insert(link);
        }
    }
    found
}

async fn post_ok(app: &TestApp, path: &str, user: &User, body: serde_json::Value) -> String {
    let (status, answer) = json(app.post(path, &user.token, &body).await).await;
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
    answer["id"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_link_of_every_email_opens_its_page_for_its_recipient() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    vars.push(("MUSUBI_PUBLIC_URL", PUBLIC_URL));
    let app = TestApp::spawn_with(&vars).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let applicant = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let accepting = app
        .professional_with_profile("高橋 美咲", &marketer_profile())
        .await;
    let quiet = app
        .professional_with_profile("佐藤 健", &marketer_profile())
        .await;
    post_ok(
        &app,
        &format!("/needs/{need}/applications"),
        &applicant,
        json!({"message": "応募します"}),
    )
    .await;
    let introduce = |who: &User| json!({"need_id": need, "professional_id": who.id});

    // Two scouts (invitations); one accepted (introductions to both sides), with a
    // meeting tomorrow (invitations, and reminders due at once).
    let accepted = post_ok(&app, "/matches", &coordinator, introduce(&accepting)).await;
    let unanswered = post_ok(&app, "/matches", &coordinator, introduce(&quiet)).await;
    post_ok(
        &app,
        &format!("/matches/{accepted}/accept"),
        &accepting,
        json!({}),
    )
    .await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::hours(20)).to_rfc3339();
    post_ok(
        &app,
        &format!("/matches/{accepted}/meetings"),
        &coordinator,
        json!({"starts_at": tomorrow, "duration_minutes": 60, "mode": "onsite", "location_or_url": "塩尻市役所"}),
    )
    .await;
    // The reminders are out before anything could withdraw them.
    smtp.wait_for(10, Duration::from_secs(30)).await;

    // From the application: introductions, a meeting scheduled, moved and called off.
    let applied = post_ok(&app, "/matches", &coordinator, introduce(&applicant)).await;
    let meetings = format!("/matches/{applied}/meetings");
    for when in ["2030-01-15T19:00:00+09:00", "2030-01-16T10:00:00+09:00"] {
        post_ok(
            &app,
            &meetings,
            &sme,
            json!({"starts_at": when, "duration_minutes": 60, "mode": "onsite", "location_or_url": "塩尻市役所 3階"}),
        )
        .await;
    }
    post_ok(&app, &format!("{meetings}/cancel"), &sme, json!({})).await;

    // Three quiet days: the unanswered scout and the introduction without a meeting
    // are nudged.
    let later = chrono::Utc::now() + chrono::Duration::days(4);
    let nudged = musubi_api::services::nudges::run_once(&app.db, &app.settings, later)
        .await
        .unwrap();
    assert_eq!(nudged, 2);

    // The SME declines the accepted scout: its meeting is called off, the professional told.
    post_ok(
        &app,
        &format!("/matches/{accepted}/decline"),
        &sme,
        json!({"reason": "社内で体制が変わりました"}),
    )
    .await;

    // 2 invitations, 2 introductions, 3 meeting invitations and 3 reminders; 2
    // introductions, 3 + 3 + 3 meeting letters; 2 nudges; 3 cancellations and a decline.
    let expected = 2 + 2 + 3 + 3 + 2 + 9 + 2 + 4;
    let received = smtp.wait_for(expected, Duration::from_secs(30)).await;
    assert_eq!(received.len(), expected);

    let people: BTreeMap<&str, (&str, &str)> = [
        (sme.email.as_str(), ("sme", SME_PASSWORD)),
        (
            coordinator.email.as_str(),
            ("coordinator", COORDINATOR_PASSWORD),
        ),
        (applicant.email.as_str(), ("applicant", PRO_PASSWORD)),
        (accepting.email.as_str(), ("accepting", PRO_PASSWORD)),
        (quiet.email.as_str(), ("quiet", PRO_PASSWORD)),
    ]
    .into_iter()
    .collect();
    let matches: BTreeSet<String> = [&accepted, &unanswered, &applied]
        .iter()
        .map(|id| format!("/matches/{id}"))
        .collect();
    let mut browsers: BTreeMap<String, PageClient> = BTreeMap::new();
    let mut opened = BTreeSet::new();
    for message in &received {
        let recipient = message.rcpt_to.first().expect("a recipient").clone();
        let (who, password) = *people
            .get(recipient.as_str())
            .unwrap_or_else(|| panic!("mail to a stranger: {recipient}"));
        let text = readable(message);
        let found = links(&text);
        assert!(!found.is_empty(), "no link in the email to {who}:\n{text}");
        for link in found {
            let path = link
                .strip_prefix(PUBLIC_URL)
                .unwrap_or_else(|| panic!("a link off Musubi in the email to {who}: {link}"))
                .to_owned();
            assert!(matches.contains(&path), "{who}: {link} is no match's page");
            if !browsers.contains_key(&recipient) {
                let mut browser = PageClient::new(&app.address);
                let answer = browser.login(&recipient, password, None).await;
                assert_eq!(answer.status, StatusCode::SEE_OTHER, "{who} logs in");
                browsers.insert(recipient.clone(), browser);
            }
            let browser = browsers.get_mut(&recipient).expect("a browser");
            let page = browser.get(&path).await;
            assert_eq!(
                page.status,
                StatusCode::OK,
                "{who} opens {path}: {}",
                page.body
            );
            assert!(
                page.body.contains(NEED_TITLE),
                "{who} at {path}: {}",
                page.body
            );

            // Not logged in: the login, and back to the link.
            if !opened.insert((recipient.clone(), path.clone())) {
                continue;
            }
            let mut visitor = PageClient::new(&app.address);
            let page = visitor.get(&path).await;
            assert_eq!(
                page.status,
                StatusCode::SEE_OTHER,
                "{who}, anonymous, {path}"
            );
            let next: String = url_encoded(&path);
            let login = format!("/login?next={next}");
            assert_eq!(page.location(), Some(login.as_str()));
            assert_eq!(visitor.get(&login).await.status, StatusCode::OK);
            let answer = visitor.login(&recipient, password, Some(&path)).await;
            assert_eq!(answer.location(), Some(path.as_str()), "{who} comes back");
            let page = visitor.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{who} back at {path}");
            assert!(page.body.contains(NEED_TITLE), "{}", page.body);
        }
    }
    // Each person was written about each of their matches, and opened each.
    let page = |id: &String| format!("/matches/{id}");
    let expected: BTreeSet<(String, String)> = [
        (&sme, &accepted),
        (&sme, &applied),
        (&coordinator, &accepted),
        (&coordinator, &applied),
        (&accepting, &accepted),
        (&quiet, &unanswered),
        (&applicant, &applied),
    ]
    .into_iter()
    .map(|(user, id)| (user.email.clone(), page(id)))
    .collect();
    assert_eq!(opened, expected);
}

fn url_encoded(path: &str) -> String {
    path.replace('/', "%2F")
}
