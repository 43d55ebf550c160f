//! `musubi demo`: the sample loads through the library into the test server's database,
//! a second run duplicates nothing, the logins it prints log in over HTTP, the server
//! ranks the CMO post's candidates as printed, and the introduction and scout emails are
//! delivered as `.eml` files.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use musubi_api::entities::{
    application, matches, need, organization, outbox, profile, region, user,
};
use musubi_demo as demo;
use musubi_tests::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::json;

/// What is in the database, counted there rather than taken from the demo's summary.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    regions: u64,
    coordinators: u64,
    smes: u64,
    professionals: u64,
    profiles: u64,
    needs: u64,
    applications: u64,
    matches: u64,
    emails: u64,
}

async fn counts(app: &TestApp) -> Counts {
    let db = &app.db;
    let users = |role: &'static str| {
        user::Entity::find()
            .filter(user::Column::Role.eq(role))
            .filter(user::Column::Email.ends_with(format!("@{}", demo::DOMAIN)))
            .count(db)
    };
    Counts {
        regions: region::Entity::find().count(db).await.unwrap(),
        coordinators: users("coordinator").await.unwrap(),
        smes: users("sme").await.unwrap(),
        professionals: users("professional").await.unwrap(),
        profiles: profile::Entity::find().count(db).await.unwrap(),
        needs: need::Entity::find().count(db).await.unwrap(),
        applications: application::Entity::find().count(db).await.unwrap(),
        matches: matches::Entity::find().count(db).await.unwrap(),
        emails: outbox::Entity::find().count(db).await.unwrap(),
    }
}

async fn match_of(app: &TestApp, id: Uuid) -> (matches::Model, need::Model) {
    let found = matches::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let need = need::Entity::find_by_id(found.need_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    (found, need)
}

async fn email_of(app: &TestApp, user_id: Uuid) -> String {
    user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .email
}

async fn owner_email(app: &TestApp, need: &need::Model) -> String {
    let organization = organization::Entity::find_by_id(need.organization_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    email_of(app, organization.owner_id).await
}

#[tokio::test]
async fn the_demo_loads_three_regions_their_needs_and_300_professionals_and_a_second_run_adds_nothing()
 {
    let app = TestApp::spawn().await;

    let summary = demo::load(&app.db, app.settings.clone()).await.unwrap();

    assert!(!summary.already_loaded);
    let loaded = counts(&app).await;
    assert_eq!(
        loaded,
        Counts {
            regions: 3,
            coordinators: 3,
            smes: 10,
            professionals: 300,
            profiles: 300,
            needs: 12,
            applications: 8,
            matches: 3,
            emails: 5,
        },
        "three regions with a coordinator each, nine SMEs and the city, twelve needs, six \
         hand-written and two generated applications, two introductions (both sides \
         emailed) and a scout (the professional emailed)"
    );
    let names: Vec<&str> = summary
        .regions
        .iter()
        .map(|(_, name, _)| name.as_str())
        .collect();
    assert_eq!(names, ["塩尻市", "上田市", "南砺市"]);
    assert_eq!(
        (summary.needs, summary.professionals, summary.applications),
        (12, 300, 8)
    );
    assert_eq!(summary.matches_created, 3);

    // The coordinator introduced two applicants (to the CMO post and the EC launch) and
    // scouted one professional for the CHRO post.
    assert_eq!(summary.introductions.len(), 2);
    let mut introduced_to = Vec::new();
    for id in &summary.introductions {
        let (found, need) = match_of(&app, *id).await;
        assert_eq!(
            (found.status.as_str(), found.origin.as_str()),
            ("introduced", "application")
        );
        introduced_to.push(need.title);
    }
    assert_eq!(
        introduced_to,
        [
            "塩尻市 シティプロモーション CMO（マーケティング責任者）",
            "木曽漆器のECサイト立ち上げとオンライン販売（CMO）",
        ]
    );
    let (scout, chro) = match_of(&app, summary.scout).await;
    assert_eq!(
        (scout.status.as_str(), scout.origin.as_str()),
        ("proposed", "scout")
    );
    assert!(chro.title.contains("CHRO"), "{}", chro.title);

    // Anyone sees the twelve needs over HTTP.
    let (status, body) = json(
        app.client
            .get(app.api("/needs?limit=100"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 12);

    let again = demo::load(&app.db, app.settings.clone()).await.unwrap();

    assert!(again.already_loaded);
    assert_eq!(again.matches_created, 0);
    assert_eq!(again.introductions, summary.introductions);
    assert_eq!(again.scout, summary.scout);
    assert_eq!(counts(&app).await, loaded, "the second run added something");
}

/// The server follows the profile change feed, so it ranks the demo's profiles within
/// a poll or two of the load: wait for them rather than sleep a fixed time.
async fn ranked(app: &TestApp, token: &str, path: &str, want: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = json(app.get(path, token).await).await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().unwrap().clone();
        if items.len() >= want || Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn assert_ranked(items: &[Value]) {
    let scores: Vec<f64> = items
        .iter()
        .map(|item| item["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores.iter().all(|score| *score > 0.0), "{scores:?}");
    for item in items {
        let reasons = item["factors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|factor| factor["reasons"].as_array().unwrap())
            .count();
        assert!(reasons > 0, "no reasons: {item}");
    }
}

/// The logins the report prints, with the password it prints: `(email, role label)`.
fn printed_logins(lines: &[String]) -> (String, Vec<(String, String)>) {
    let header = lines
        .iter()
        .position(|line| line.starts_with("ログイン / Logins"))
        .expect("a logins header");
    let password = lines[header].rsplit(": ").next().unwrap().to_owned();
    let logins = lines[header + 1..]
        .iter()
        .take_while(|line| !line.is_empty())
        .map(|line| {
            let (email, role) = line.trim().split_once(' ').unwrap();
            (email.to_owned(), role.trim().to_owned())
        })
        .collect();
    (password, logins)
}

#[tokio::test]
async fn what_the_demo_prints_works_its_logins_its_ranked_candidates_and_its_delivered_emails() {
    // No mail worker in the server: the demo's own delivery must send the mail.
    let musubi_tests::demo::Demo {
        app,
        summary,
        matches: demo_matches,
        delivery,
    } = musubi_tests::demo::loaded_and_delivered().await;
    let lines = demo::report(
        &summary,
        &delivery,
        &app.settings.public_url,
        Duration::from_secs(3),
    );

    // Every printed login logs in with the printed password, as the role printed.
    let (password, logins) = printed_logins(&lines);
    assert_eq!(logins.len(), 7, "{lines:#?}");
    let mut tokens = Vec::new();
    for (email, label) in &logins {
        let token = app.login(email, &password).await;
        let (status, me) = json(app.get("/me", &token).await).await;
        assert_eq!(status, 200, "{me}");
        let role = me["role"].as_str().unwrap();
        let expected = if label.contains("coordinator") {
            "coordinator"
        } else if label.contains("professional") {
            "professional"
        } else {
            "sme"
        };
        assert_eq!(role, expected, "{email} is printed as {label}");
        tokens.push((label.clone(), token));
    }
    let token_of = |needle: &str| {
        tokens
            .iter()
            .find(|(label, _)| label.contains(needle))
            .map(|(_, token)| token.clone())
            .unwrap()
    };

    // The 塩尻 coordinator scouts the CMO post: the server ranks exactly the five the
    // demo printed, in the printed order, with reasons.
    let cmo = summary.cmo_need_id;
    let everyone = ranked(
        &app,
        &token_of("coordinator (塩尻市)"),
        &format!("/needs/{cmo}/candidates?scope=all&limit=5"),
        5,
    )
    .await;
    assert_eq!(everyone.len(), 5);
    assert_ranked(&everyone);
    let served: Vec<&str> = everyone
        .iter()
        .map(|item| item["professional_id"].as_str().unwrap())
        .collect();
    let printed: Vec<String> = summary
        .top_candidates
        .iter()
        .map(|candidate| candidate.professional_id.to_string())
        .collect();
    assert_eq!(served, printed);
    for (rank, item) in everyone.iter().enumerate() {
        let display = item["display"].as_str().unwrap();
        assert!(
            lines.iter().any(
                |line| line.starts_with(&format!("  {}. ", rank + 1)) && line.contains(display)
            ),
            "rank {} ({display}) is not printed: {lines:#?}",
            rank + 1
        );
    }

    // The city sees its five applicants ranked.
    let applicants = ranked(
        &app,
        &token_of("municipality"),
        &format!("/needs/{cmo}/candidates"),
        5,
    )
    .await;
    assert_eq!(applicants.len(), 5);
    assert_ranked(&applicants);
    assert!(
        applicants
            .iter()
            .all(|item| item["application_id"].is_string())
    );

    // The first professional sees their introduction.
    let (status, body) = json(app.get("/matches", &token_of("professional")).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["status"], "introduced", "{body}");

    // The introductions reached both sides and the scout reached the professional, as
    // .eml files in the mail folder with Japanese subjects.
    assert_eq!((delivery.sent, delivery.still_due), (5, 0), "{delivery:?}");
    let mut expected = Vec::new();
    for id in &demo_matches {
        let (found, need) = match_of(&app, *id).await;
        let professional = email_of(&app, found.professional_id).await;
        if found.origin == "scout" {
            expected.push((
                format!("【Musubi】スカウトのご案内：{}", need.title),
                BTreeSet::from([professional]),
            ));
        } else {
            expected.push((
                format!("【Musubi】ご紹介のお知らせ：{}", need.title),
                BTreeSet::from([professional, owner_email(&app, &need).await]),
            ));
        }
    }
    let mut files = 0;
    let mut delivered: Vec<(String, BTreeSet<String>)> = Vec::new();
    for entry in std::fs::read_dir(&app.mail_dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        files += 1;
        let subject = message.subject().unwrap().to_owned();
        let to = message
            .to()
            .and_then(|to| to.first())
            .and_then(|address| address.address())
            .unwrap()
            .to_owned();
        match delivered.iter_mut().find(|(seen, _)| *seen == subject) {
            Some((_, recipients)) => {
                recipients.insert(to);
            }
            None => delivered.push((subject, BTreeSet::from([to]))),
        }
    }
    assert_eq!(files, 5);
    delivered.sort();
    expected.sort();
    assert_eq!(delivered, expected);
    let mail_dir = std::fs::canonicalize(&app.mail_dir).unwrap();
    assert!(
        lines
            .iter()
            .any(|line| line.contains(" 5 ") && line.contains(&*mail_dir.to_string_lossy())),
        "the mail folder is not printed: {lines:#?}"
    );
}
