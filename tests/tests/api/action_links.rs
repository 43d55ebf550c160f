//! One-click links (`services::links`): a link gives its answer once, the links of one
//! email are used together, and anything else — a changed byte, an expired link, a link
//! of another purpose — finds nothing to do. The pages built on them (meeting times,
//! check-ins) have their own end-to-end tests.

use chrono::{Duration, Utc};
use musubi_api::{
    repo::action_links::LinkRefusal,
    services::links::{self, Followed, Grant, Purpose},
};
use musubi_tests::{TestApp, cmo_need, marketer_profile};
use sea_orm::TransactionTrait;
use serde_json::json;
use uuid::Uuid;

use crate::json;

/// A region with one introduction; its match id and the professional's user id.
async fn introduction() -> (TestApp, Uuid, Uuid) {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let professional = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let (status, made) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": professional.id, "note": "ぜひ"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let match_id = made["id"].as_str().unwrap().parse().unwrap();
    (app, match_id, professional.id)
}

/// Issues one email's links, one per choice; returns their tokens.
async fn email(app: &TestApp, match_id: Uuid, user_id: Uuid, choices: &[u32]) -> Vec<String> {
    let batch = links::new_batch();
    let mut tokens = Vec::new();
    for choice in choices {
        let grant = Grant {
            purpose: Purpose::MeetingTime,
            batch,
            match_id,
            user_id,
            choice: *choice,
            expires_at: Utc::now() + Duration::days(7),
        };
        let url = links::issue(&app.db, "http://musubi.test/", &grant, Utc::now())
            .await
            .unwrap();
        let prefix = format!("http://musubi.test{}/", Purpose::MeetingTime.path());
        assert!(url.starts_with(&prefix), "{url}");
        tokens.push(url[prefix.len()..].to_owned());
    }
    tokens
}

async fn redeem(app: &TestApp, token: &str) -> Result<Followed<u32>, LinkRefusal> {
    let token = token.to_owned();
    app.db
        .transaction::<_, _, musubi_api::services::Error>(|txn| {
            Box::pin(
                async move { links::redeem(txn, Purpose::MeetingTime, &token, Utc::now()).await },
            )
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn of_two_links_of_one_email_followed_at_once_exactly_one_answers() {
    let (app, match_id, user_id) = introduction().await;
    let tokens = email(&app, match_id, user_id, &[0, 1, 2]).await;
    let (first, second) = tokio::join!(redeem(&app, &tokens[0]), redeem(&app, &tokens[1]));
    let answered: Vec<_> = [&first, &second].into_iter().flatten().collect();
    assert_eq!(answered.len(), 1, "{first:?} {second:?}");
    assert_eq!(answered[0].match_id, match_id);
    assert_eq!(answered[0].user_id, user_id);
    assert!(
        [first, second].contains(&Err(LinkRefusal::Used)),
        "the other one is used"
    );
    assert_eq!(redeem(&app, &tokens[2]).await, Err(LinkRefusal::Used));
    assert_eq!(redeem(&app, &tokens[0]).await, Err(LinkRefusal::Used));
}

#[tokio::test]
async fn a_changed_byte_an_expired_link_and_another_purpose_find_nothing() {
    let (app, match_id, user_id) = introduction().await;
    let tokens = email(&app, match_id, user_id, &[7]).await;
    let mut changed = tokens[0].clone().into_bytes();
    changed[10] = if changed[10] == b'a' { b'b' } else { b'a' };
    let changed = String::from_utf8(changed).unwrap();
    assert_eq!(redeem(&app, &changed).await, Err(LinkRefusal::Unknown));
    assert_eq!(
        links::redeem::<u32>(&app.db, Purpose::CheckIn, &tokens[0], Utc::now())
            .await
            .unwrap(),
        Err(LinkRefusal::Unknown),
        "a meeting-time link does not answer a check-in"
    );
    assert_eq!(
        links::redeem::<u32>(
            &app.db,
            Purpose::MeetingTime,
            &tokens[0],
            Utc::now() + Duration::days(8)
        )
        .await
        .unwrap(),
        Err(LinkRefusal::Expired)
    );
    // None of that used it up.
    assert_eq!(redeem(&app, &tokens[0]).await.map(|f| f.choice), Ok(7));
}

#[tokio::test]
async fn retired_links_do_nothing_and_a_later_email_works() {
    let (app, match_id, user_id) = introduction().await;
    let tokens = email(&app, match_id, user_id, &[1, 2]).await;
    links::retire(&app.db, match_id, Purpose::MeetingTime, Utc::now())
        .await
        .unwrap();
    assert_eq!(redeem(&app, &tokens[1]).await, Err(LinkRefusal::Used));
    let again = email(&app, match_id, user_id, &[3]).await;
    assert_eq!(redeem(&app, &again[0]).await.map(|f| f.choice), Ok(3));
}
