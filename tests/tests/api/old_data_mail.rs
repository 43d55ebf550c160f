//! Old data cannot stop mail (issue 15, done-when 1): a stored name that the text rules
//! would refuse today — written before them, straight into the database — is made one
//! line when its email is built, and every other email still goes out.

use std::time::Duration;

use musubi_api::entities::{outbox as row, user};
use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need, marketer_profile,
    smtp::{Received, SmtpServer},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

use crate::json;

/// The name the attacker registered with, as an old row would hold it.
const ODD_NAME: &str = "Eve\r\nBcc: x@evil.test";

async fn apply(app: &TestApp, need: Uuid, user: &User) {
    let applied = app
        .post(
            &format!("/needs/{need}/applications"),
            &user.token,
            &json!({"message": "塩尻の力になりたいです"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
}

fn to_name(message: &Received) -> Option<String> {
    message
        .parse()
        .to()
        .and_then(|to| to.first())
        .and_then(|address| address.name())
        .map(str::to_owned)
}

#[tokio::test]
async fn a_stored_name_with_cr_lf_is_neutralised_and_every_introduction_email_arrives() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    let app = TestApp::spawn_with(&vars).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;

    // Registration refuses the name today…
    let refused = app
        .client
        .post(app.api("/auth/register"))
        .json(
            &json!({"email": "eve@musubi.test", "password": "pro-password-123",
            "display_name": ODD_NAME, "role": "professional"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    // …so it is written the way old data was: straight into the database.
    let eve = app
        .professional_with_profile("Eve", &marketer_profile())
        .await;
    apply(&app, need, &eve).await;
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(ODD_NAME))
        .filter(user::Column::Id.eq(eve.id))
        .exec(&app.db)
        .await
        .unwrap();
    let others = app.applicants(need, 10, 1).await;

    // The odd one is introduced first, so its email is the first the worker builds.
    for professional in std::iter::once(&eve).chain(&others) {
        let body = json!({"need_id": need, "professional_id": professional.id});
        let (status, created) = json(app.post("/matches", &coordinator.token, &body).await).await;
        assert_eq!(
            (status, created["status"].as_str()),
            (201, Some("introduced")),
            "{created}"
        );
    }

    // Eleven introductions, two sides each: all 22 arrive, none left behind.
    let received = smtp.wait_for(22, Duration::from_secs(60)).await;
    assert_eq!(received.len(), 22);
    for other in &others {
        assert_eq!(
            received
                .iter()
                .filter(|m| m.rcpt_to == [other.email.clone()])
                .count(),
            1,
            "{}",
            other.email
        );
    }
    assert_eq!(
        received
            .iter()
            .filter(|m| m.rcpt_to == [sme.email.clone()])
            .count(),
        11
    );

    // Eve's own email arrives, to her address only, her name on one line.
    let to_eve: Vec<&Received> = received
        .iter()
        .filter(|m| m.rcpt_to == [eve.email.clone()])
        .collect();
    assert_eq!(to_eve.len(), 1);
    let raw = String::from_utf8_lossy(&to_eve[0].data).into_owned();
    assert!(!raw.contains("\nBcc:"), "no header was added:\n{raw}");
    assert!(!raw.contains("evil.test>"), "{raw}");
    assert_eq!(to_name(to_eve[0]).as_deref(), Some("Eve Bcc: x@evil.test"));
    let text = to_eve[0].parse().body_text(0).unwrap().into_owned();
    assert!(text.starts_with("Eve Bcc: x@evil.test 様\r\n"), "{text}");
    // The SME's email about her names her on one line of its body.
    let about_eve = received
        .iter()
        .filter(|m| m.rcpt_to == [sme.email.clone()])
        .map(|m| m.parse().body_text(0).unwrap().into_owned())
        .find(|text| text.contains("Eve"))
        .expect("the SME's email introducing Eve");
    assert!(
        about_eve.contains("■ お名前 (Name): Eve Bcc: x@evil.test\r\n"),
        "{about_eve}"
    );

    // Every row is sent; none is stuck in `sending` or dead.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let rows = row::Entity::find().all(&app.db).await.unwrap();
        if rows.len() == 22 && rows.iter().all(|r| r.status == "sent") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            rows.iter().map(|r| r.status.as_str()).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_old_account_whose_address_cannot_be_mailed_is_still_introduced_and_its_email_dead() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    let app = TestApp::spawn_with(&vars).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let odd = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    apply(&app, need, &odd).await;
    // Registered before the address rule, as the issue's `<odd@example.jp>` was.
    user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value("<odd@example.jp>"))
        .filter(user::Column::Id.eq(odd.id))
        .exec(&app.db)
        .await
        .unwrap();

    let body = json!({"need_id": need, "professional_id": odd.id});
    let (status, created) = json(app.post("/matches", &coordinator.token, &body).await).await;
    assert_eq!(
        (status, created["status"].as_str()),
        (201, Some("introduced")),
        "{created}"
    );

    // The SME's side arrives; the unmailable one is dead at once, with the reason.
    let received = smtp.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(received[0].rcpt_to, std::slice::from_ref(&sme.email));
    let rows = row::Entity::find()
        .filter(row::Column::ToAddress.eq("<odd@example.jp>"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "dead");
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .is_some_and(|error| error.contains("cannot be mailed")),
        "{:?}",
        rows[0].last_error
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1);
}
