//! Email: written to the outbox, delivered over a real SMTP server running in the test
//! (or to files), retried while the server is down, never sent twice, given up on only
//! after the retry budget, and visible to the region's coordinators.
//!
//! Most rows here are enqueued directly through the same `enqueue` call the match
//! workflow uses; the outage test goes all the way through HTTP, approving 200
//! introductions while the SMTP server is down.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use chrono::{TimeZone, Utc};
use futures_util::{StreamExt, stream};
use mail_parser::MimeHeaders;
use musubi_api::{
    email::{
        ics::{self, Meeting, Party},
        outbox::{self, Calendar, NewEmail, kind},
        templates::{self, MeetingMode, MeetingNotice},
        worker,
    },
    entities::outbox as row,
};
use musubi_tests::{
    FAST_MAIL, TestApp, cmo_need,
    smtp::{Mode, SmtpServer},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

use crate::{json, problem};

/// A server whose mail goes to `smtp`, retrying within milliseconds.
async fn app_with(smtp: &SmtpServer, extra: &[(&str, &str)]) -> TestApp {
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    vars.extend_from_slice(extra);
    TestApp::spawn_with(&vars).await
}

fn meeting(sequence: u32) -> Meeting {
    Meeting {
        uid: "0193a5c6-aaaa-7000-8000-000000000001@musubi".to_owned(),
        sequence,
        starts_at: Utc.with_ymd_and_hms(2027, 1, 15, 10, 0, 0).unwrap(),
        duration_minutes: 60,
        summary: "面談: 塩尻市 シティプロモーション CMO".to_owned(),
        description: "初回のオンライン面談です。".to_owned(),
        location: "https://meet.example.jp/abc".to_owned(),
        organizer: Party::new("塩尻市 地域人事部", "coordinator@shiojiri.example.jp"),
        attendees: vec![
            Party::new("山田 花子", "hanako@example.jp"),
            Party::new("塩尻市役所", "city@shiojiri.example.jp"),
        ],
        stamp: Utc::now(),
    }
}

fn invitation(region: Option<Uuid>) -> NewEmail {
    let rendered = templates::meeting_invitation(&MeetingNotice {
        recipient_name: "山田 花子",
        region_name: "塩尻市",
        need_title: "塩尻市 シティプロモーション CMO",
        with_name: "塩尻市役所 シティプロモーション課",
        starts_at: Utc.with_ymd_and_hms(2027, 1, 15, 10, 0, 0).unwrap(),
        duration_minutes: 60,
        mode: MeetingMode::Online,
        location_or_url: "https://meet.example.jp/abc",
        previous_starts_at: None,
        reason: None,
        public_url: "http://127.0.0.1:8080",
        match_id: Uuid::nil(),
    });
    let email = NewEmail::new(
        kind::MEETING_INVITATION,
        "hanako@example.jp",
        "山田 花子",
        rendered,
    )
    .with_calendar(Calendar::request(&meeting(1)));
    match region {
        Some(region) => email.in_region(region),
        None => email,
    }
}

/// A plain email with a numbered subject.
fn numbered(n: usize, to_user: Option<Uuid>) -> NewEmail {
    let rendered = templates::Rendered {
        subject: format!("【Musubi】ご紹介のお知らせ #{n}"),
        text: format!("本文 {n}\nbody {n}\n"),
        html: format!("<p>本文 {n}</p>"),
    };
    let email = NewEmail::new(
        kind::INTRODUCTION,
        format!("person{n}@example.jp"),
        format!("利用者 {n}"),
        rendered,
    );
    match to_user {
        Some(user) => email.to_user(user),
        None => email,
    }
}

async fn all_rows(app: &TestApp) -> Vec<row::Model> {
    row::Entity::find().all(&app.db).await.unwrap()
}

/// Polls the outbox until `done` holds, failing with the rows' states after `timeout`.
async fn wait_for_rows(
    app: &TestApp,
    timeout: Duration,
    done: impl Fn(&[row::Model]) -> bool,
) -> Vec<row::Model> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let rows = all_rows(app).await;
        if done(&rows) {
            return rows;
        }
        if tokio::time::Instant::now() > deadline {
            let states: Vec<(String, i32)> = rows
                .iter()
                .map(|r| (r.status.clone(), r.attempts))
                .collect();
            panic!("the outbox did not reach the expected state within {timeout:?}: {states:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn all_have_status(status: &'static str) -> impl Fn(&[row::Model]) -> bool {
    move |rows| !rows.is_empty() && rows.iter().all(|r| r.status == status)
}

#[tokio::test]
async fn an_invitation_arrives_over_smtp_with_a_japanese_subject_text_html_and_the_ics() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp, &[]).await;
    let txn = app.db.begin().await.unwrap();
    let id = outbox::enqueue(&txn, invitation(None)).await.unwrap();
    txn.commit().await.unwrap();

    let received = smtp.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, ["hanako@example.jp"]);
    assert_eq!(received[0].mail_from, "no-reply@localhost");
    let message = received[0].parse();
    assert_eq!(
        message.subject(),
        Some("【Musubi】面談のご案内：塩尻市 シティプロモーション CMO")
    );
    assert_eq!(message.message_id(), Some(format!("{id}@musubi").as_str()));
    assert_eq!(
        message
            .to()
            .and_then(|to| to.first())
            .and_then(|addr| addr.name()),
        Some("山田 花子")
    );
    let text = message.body_text(0).unwrap();
    assert!(
        text.contains("山田 花子 様") && text.contains("Dear 山田 花子,"),
        "{text}"
    );
    assert!(
        text.contains("2027年1月15日(金) 19:00–20:00 (JST)"),
        "{text}"
    );
    assert!(message.body_html(0).unwrap().contains("<span lang=\"en\""));

    let calendar = message
        .parts
        .iter()
        .find(|part| {
            part.content_type()
                .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some("calendar"))
        })
        .expect("a text/calendar part");
    assert_eq!(
        calendar
            .content_type()
            .and_then(|ct| ct.attribute("method")),
        Some("REQUEST")
    );
    let ics_text = ics::unfold(calendar.text_contents().unwrap());
    for line in [
        "METHOD:REQUEST",
        "UID:0193a5c6-aaaa-7000-8000-000000000001@musubi",
        "SEQUENCE:1",
        "DTSTART;TZID=Asia/Tokyo:20270115T190000",
    ] {
        assert!(
            ics_text.contains(&format!("{line}\r\n")),
            "missing {line} in\n{ics_text}"
        );
    }
    let attachment = message
        .attachments()
        .find(|part| part.attachment_name() == Some("invite.ics"))
        .expect("an invite.ics attachment");
    assert_eq!(
        attachment
            .content_type()
            .map(|ct| (ct.ctype(), ct.subtype())),
        Some(("application", Some("ics")))
    );

    let rows = wait_for_rows(&app, Duration::from_secs(10), all_have_status("sent")).await;
    assert_eq!((rows[0].attempts, rows[0].sent_at.is_some()), (0, true));
}

#[tokio::test]
async fn mail_of_a_rolled_back_change_is_never_sent() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp, &[]).await;
    let txn = app.db.begin().await.unwrap();
    outbox::enqueue(&txn, numbered(1, None)).await.unwrap();
    txn.rollback().await.unwrap();
    let kept = outbox::enqueue(&app.db, numbered(2, None)).await.unwrap();
    wait_for_rows(&app, Duration::from_secs(20), all_have_status("sent")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids: Vec<String> = smtp.messages().iter().map(|m| m.message_id()).collect();
    assert_eq!(ids, [format!("{kept}@musubi")]);
}

/// How many requests the 200-introduction test keeps in flight.
const IN_FLIGHT: usize = 8;

#[tokio::test]
async fn with_the_smtp_server_down_200_approved_introductions_all_arrive_once_it_is_back() {
    let smtp = SmtpServer::start().await;
    smtp.stop().await;
    let app = app_with(&smtp, &[("MUSUBI_MAIL_MAX_ATTEMPTS", "1000")]).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let applicants = app.applicants(need, 200, IN_FLIGHT).await;

    // The coordinator approves 200 introductions over HTTP while no mail can leave.
    stream::iter(&applicants)
        .for_each_concurrent(IN_FLIGHT, |applicant| {
            let (app, coordinator) = (&app, &coordinator);
            async move {
                let body = json!({"need_id": need, "professional_id": applicant.id});
                let (status, created) =
                    json(app.post("/matches", &coordinator.token, &body).await).await;
                assert_eq!(
                    (status, created["status"].as_str()),
                    (201, Some("introduced")),
                    "{created}"
                );
            }
        })
        .await;

    // While it is down, every email keeps retrying: none sent, none given up.
    let rows = wait_for_rows(&app, Duration::from_secs(60), |rows| {
        rows.len() == 400 && rows.iter().filter(|r| r.attempts >= 2).count() >= 100
    })
    .await;
    assert!(
        rows.iter()
            .all(|r| r.kind == kind::INTRODUCTION
                && (r.status == "pending" || r.status == "sending")),
        "nothing is sent or dead while the server is down"
    );
    assert!(rows.iter().any(|r| r.last_error.is_some()));
    assert!(smtp.messages().is_empty());

    smtp.restart().await;
    smtp.wait_for(400, Duration::from_secs(60)).await;
    wait_for_rows(&app, Duration::from_secs(30), all_have_status("sent")).await;
    // Give a duplicate the chance to show up before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = smtp.messages();
    let ids: Vec<String> = received.iter().map(|m| m.message_id()).collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 400, "each email arrives exactly once");
    assert_eq!(unique.len(), 400, "no Message-ID twice");
    let expected: HashSet<String> = rows.iter().map(|r| format!("{}@musubi", r.id)).collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<HashSet<_>>(),
        expected,
        "none lost"
    );
    // Both sides of every introduction: each applicant once, the SME once per introduction.
    let mut per_recipient: HashMap<&str, usize> = HashMap::new();
    for message in &received {
        for to in &message.rcpt_to {
            *per_recipient.entry(to.as_str()).or_default() += 1;
        }
    }
    for applicant in &applicants {
        assert_eq!(
            per_recipient.get(applicant.email.as_str()),
            Some(&1),
            "{}",
            applicant.email
        );
    }
    assert_eq!(per_recipient.get(sme.email.as_str()), Some(&200));
}

#[tokio::test]
async fn mail_that_keeps_failing_ends_dead_and_only_its_regions_coordinator_sees_it() {
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Reject);
    let app = app_with(&smtp, &[("MUSUBI_MAIL_MAX_ATTEMPTS", "3")]).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let other_region = app.create_region("上田市", "長野県", "上田市").await;
    let coordinator = app.coordinator(region).await;
    let other_coordinator = app.coordinator(other_region).await;
    let sme = app.sme(region, "塩尻漆器店").await;
    let pro = app.professional("山田 花子").await;
    let first = outbox::enqueue(&app.db, invitation(Some(region)))
        .await
        .unwrap();
    let second = outbox::enqueue(&app.db, numbered(1, None).in_region(region))
        .await
        .unwrap();

    let rows = wait_for_rows(&app, Duration::from_secs(30), all_have_status("dead")).await;
    for dead in &rows {
        assert_eq!((dead.attempts, dead.max_attempts), (3, 3));
        assert!(
            dead.last_error
                .as_deref()
                .is_some_and(|error| error.contains("rejects all mail")),
            "{:?}",
            dead.last_error
        );
    }
    assert!(smtp.messages().is_empty());

    let (status, page) = json(app.get("/outbox?status=dead", &coordinator.token).await).await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.to_string(), first.to_string()], "newest first");
    assert_eq!(items[1]["status"], "dead");
    assert_eq!(items[1]["kind"], "meeting_invitation");
    assert_eq!(
        items[1]["subject"],
        "【Musubi】面談のご案内：塩尻市 シティプロモーション CMO"
    );
    assert_eq!(items[1]["to_name"], "山田 花子");
    assert_eq!(items[1]["attempts"], 3);
    assert!(
        items[1]["last_error"]
            .as_str()
            .is_some_and(|error| error.contains("554")),
        "{}",
        items[1]
    );
    for hidden in [
        "to_address",
        "text_body",
        "html_body",
        "calendar",
        "text",
        "html",
    ] {
        assert!(items[1].get(hidden).is_none(), "{hidden} must not be shown");
    }

    let (_, sent) = json(app.get("/outbox?status=sent", &coordinator.token).await).await;
    assert_eq!(sent["items"].as_array().unwrap().len(), 0);
    let (_, first_page) = json(app.get("/outbox?limit=1", &coordinator.token).await).await;
    let cursor = first_page["next_cursor"].as_str().unwrap().to_owned();
    let (_, second_page) = json(
        app.get(
            &format!("/outbox?limit=1&cursor={cursor}"),
            &coordinator.token,
        )
        .await,
    )
    .await;
    assert_eq!(second_page["items"][0]["id"], first.to_string());
    assert!(second_page["next_cursor"].is_null());

    let (status, elsewhere) = json(
        app.get("/outbox?status=dead", &other_coordinator.token)
            .await,
    )
    .await;
    assert_eq!(
        (status, elsewhere["items"].as_array().unwrap().len()),
        (200, 0),
        "another region's coordinator sees none of it"
    );
    problem(app.get("/outbox", &sme.token).await, 403).await;
    problem(app.get("/outbox", &pro.token).await, 403).await;
    problem(
        app.client.get(app.api("/outbox")).send().await.unwrap(),
        401,
    )
    .await;
    problem(
        app.get("/outbox?status=lost", &coordinator.token).await,
        422,
    )
    .await;
}

#[tokio::test]
async fn three_workers_on_one_database_never_send_a_row_twice() {
    let smtp = SmtpServer::start().await;
    // A little latency per message, so every worker's batch is still in flight when the
    // others poll.
    smtp.set_mode(Mode::Slow(Duration::from_millis(3)));
    let app = app_with(&smtp, &[]).await;
    // Two more workers, each with its own pool, as if in other processes.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut extra = Vec::new();
    for _ in 0..2 {
        let db = musubi_api::db::connect(&app.settings).await.unwrap();
        extra.push(worker::spawn(db, app.settings.clone(), stopped.clone()).unwrap());
    }
    let txn = app.db.begin().await.unwrap();
    let mut expected = HashSet::new();
    for n in 0..300 {
        expected.insert(format!(
            "{}@musubi",
            outbox::enqueue(&txn, numbered(n, None)).await.unwrap()
        ));
    }
    txn.commit().await.unwrap();

    smtp.wait_for(300, Duration::from_secs(60)).await;
    let rows = wait_for_rows(&app, Duration::from_secs(30), all_have_status("sent")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ids: Vec<String> = smtp.messages().iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 300, "no email sent twice");
    assert_eq!(ids.into_iter().collect::<HashSet<_>>(), expected);
    let senders: HashSet<&str> = rows.iter().filter_map(|r| r.locked_by.as_deref()).collect();
    assert!(
        senders.len() >= 2,
        "the workers shared the work: {senders:?}"
    );

    stop.send(true).unwrap();
    for handle in extra {
        tokio::time::timeout(Duration::from_secs(10), handle)
            .await
            .expect("a worker stops on shutdown")
            .unwrap();
    }
}

#[tokio::test]
async fn erasure_cancels_a_persons_pending_mail_and_blanks_what_was_sent() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp, &[]).await;
    let (erased, other) = (Uuid::now_v7(), Uuid::now_v7());
    let sent = outbox::enqueue(&app.db, numbered(1, Some(erased)))
        .await
        .unwrap();
    wait_for_rows(&app, Duration::from_secs(20), all_have_status("sent")).await;
    let later = Utc::now() + chrono::Duration::hours(1);
    let reminder = outbox::enqueue(&app.db, numbered(2, Some(erased)).send_after(later))
        .await
        .unwrap();
    let nudge = outbox::enqueue(&app.db, numbered(3, Some(erased)).send_after(later))
        .await
        .unwrap();
    let kept = outbox::enqueue(&app.db, numbered(4, Some(other)).send_after(later))
        .await
        .unwrap();

    assert_eq!(
        outbox::cancel_for_recipient(&app.db, erased).await.unwrap(),
        2
    );

    let status = |id: Uuid| {
        let db = app.db.clone();
        async move { outbox::by_id(&db, id).await.unwrap().unwrap() }
    };
    assert_eq!(status(reminder).await.status, "cancelled");
    assert_eq!(status(nudge).await.status, "cancelled");
    assert_eq!(status(kept).await.status, "pending");
    let history = status(sent).await;
    assert_eq!(history.status, "sent");
    assert_eq!(
        (
            history.to_address.as_str(),
            history.to_name.as_str(),
            history.text_body.as_str()
        ),
        ("erased@invalid", "", "")
    );

    // Even once due, cancelled mail is never sent.
    row::Entity::update_many()
        .col_expr(
            row::Column::NextAttemptAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(row::Column::Id.is_in([reminder, nudge]))
        .exec(&app.db)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(status(reminder).await.status, "cancelled");
}

#[tokio::test]
async fn a_reschedule_can_cancel_the_old_reminder_of_a_match() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp, &[]).await;
    let match_id = Uuid::now_v7();
    let later = Utc::now() + chrono::Duration::hours(1);
    let mut reminder = numbered(1, None).about_match(match_id).send_after(later);
    reminder.kind = kind::MEETING_REMINDER;
    let reminder = outbox::enqueue(&app.db, reminder).await.unwrap();
    let other = outbox::enqueue(
        &app.db,
        numbered(2, None).about_match(match_id).send_after(later),
    )
    .await
    .unwrap();

    assert_eq!(
        outbox::cancel_pending(&app.db, match_id, kind::MEETING_REMINDER)
            .await
            .unwrap(),
        1
    );
    let rows = outbox::for_match(&app.db, match_id).await.unwrap();
    let states: Vec<(Uuid, &str)> = rows.iter().map(|r| (r.id, r.status.as_str())).collect();
    assert_eq!(states, [(reminder, "cancelled"), (other, "pending")]);
}

#[tokio::test]
async fn a_send_that_hangs_is_cut_off_by_the_timeout_and_retried() {
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Hang);
    let app = app_with(
        &smtp,
        &[
            ("MUSUBI_MAIL_SEND_TIMEOUT_MS", "300"),
            ("MUSUBI_MAIL_MAX_ATTEMPTS", "1000"),
        ],
    )
    .await;
    let id = outbox::enqueue(&app.db, numbered(1, None)).await.unwrap();
    let rows = wait_for_rows(&app, Duration::from_secs(20), |rows| {
        rows.iter().all(|r| r.attempts >= 1)
    })
    .await;
    assert!(
        rows[0].last_error.is_some(),
        "a timeout is recorded as a failure"
    );
    assert_ne!(rows[0].status, "sent");

    smtp.set_mode(Mode::Accept);
    let received = smtp.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received[0].message_id(), format!("{id}@musubi"));
}

#[tokio::test]
async fn without_an_smtp_url_mail_is_written_as_eml_files() {
    let app = TestApp::spawn_with(FAST_MAIL).await;
    let id = outbox::enqueue(&app.db, invitation(None)).await.unwrap();
    wait_for_rows(&app, Duration::from_secs(20), all_have_status("sent")).await;

    let path = app.mail_dir.join(format!("{id}.eml"));
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(
        message.subject(),
        Some("【Musubi】面談のご案内：塩尻市 シティプロモーション CMO")
    );
    assert_eq!(message.message_id(), Some(format!("{id}@musubi").as_str()));
    assert!(
        message
            .attachments()
            .any(|part| part.attachment_name() == Some("invite.ics"))
    );
    let names: Vec<String> = std::fs::read_dir(&app.mail_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [format!("{id}.eml")],
        "one file per email and no temporary files left"
    );
}
