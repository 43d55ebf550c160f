//! Proposed meeting times, picked with one click from the email (issue 13, done-when 1):
//! the SME proposes three times; the professional's email (over real SMTP) holds three
//! links and a "none of these work" one; following one with a plain GET, no login,
//! schedules that time exactly as `POST /matches/{id}/meetings` with `starts_at` does
//! (everyone gets the invitation with that DTSTART); the same link again, another time of
//! the same email, a link with one byte changed and an expired link each show the kind
//! page and change nothing, in the database or the mailbox. Also: the request's rules,
//! "none of these work", and the times suggested from both sides' meeting slots.

use std::time::Duration as StdDuration;

use mail_parser::MimeHeaders;

use chrono::{DateTime, Duration, DurationRound, Utc};
use musubi_api::entities::{action_link, match_event, matches, meeting, meeting_proposal, outbox};
use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need, marketer_profile,
    pages::PageClient,
    smtp::{Received, SmtpServer},
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{fields, json, problem};

const PUBLIC_URL: &str = "https://musubi.example.jp";
const CHOOSE: &str = "https://musubi.example.jp/meetings/choose/";

struct Setup {
    smtp: SmtpServer,
    app: TestApp,
    coordinator: User,
    sme: User,
    professional: User,
    match_id: Uuid,
}

async fn setup() -> Setup {
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
    let professional = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let response = app
        .post(
            &format!("/needs/{need}/applications"),
            &professional.token,
            &json!({"message": "応募します"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let (status, created) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": professional.id}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, created["status"].as_str()),
        (201, Some("introduced"))
    );
    let match_id = created["id"].as_str().unwrap().parse().unwrap();
    Setup {
        smtp,
        app,
        coordinator,
        sme,
        professional,
        match_id,
    }
}

/// Whole hours, `days` from now.
fn in_days(days: i64) -> DateTime<Utc> {
    (Utc::now() + Duration::days(days))
        .duration_trunc(Duration::hours(1))
        .unwrap()
}

fn proposal_body(times: &[DateTime<Utc>]) -> Value {
    json!({
        "proposals": times.iter().map(|t| t.to_rfc3339()).collect::<Vec<_>>(),
        "duration_minutes": 60,
        "mode": "online",
        "location_or_url": "https://meet.example.jp/abc",
    })
}

async fn propose(s: &Setup, times: &[DateTime<Utc>]) -> Value {
    let path = format!("/matches/{}/meetings", s.match_id);
    let (status, body) = json(s.app.post(&path, &s.sme.token, &proposal_body(times)).await).await;
    assert_eq!(status, 201, "{body}");
    body
}

/// A time as `DTSTART;TZID=Asia/Tokyo:` writes it.
fn tokyo_stamp(at: DateTime<Utc>) -> String {
    (at + Duration::hours(9))
        .format("%Y%m%dT%H%M%S")
        .to_string()
}

fn subject(message: &Received) -> String {
    message.parse().subject().unwrap_or_default().to_owned()
}

fn text(message: &Received) -> String {
    message
        .parse()
        .body_text(0)
        .map(|body| body.into_owned())
        .unwrap_or_default()
}

fn calendar(message: &Received) -> Option<String> {
    let parsed = message.parse();
    parsed
        .parts
        .iter()
        .find(|part| {
            part.content_type()
                .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some("calendar"))
        })
        .and_then(|part| part.text_contents())
        .map(musubi_api::email::ics::unfold)
}

/// The one-click links of the `nth` (0-based) proposal email to `to`, in order, waiting
/// for it to arrive.
async fn choose_links(s: &Setup, to: &str, nth: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(20);
    loop {
        let proposals: Vec<Received> = s
            .smtp
            .messages()
            .into_iter()
            .filter(|m| m.rcpt_to == [to] && subject(m).contains("面談日時のご提案"))
            .collect();
        if let Some(message) = proposals.get(nth) {
            let body = text(message);
            return body
                .match_indices(CHOOSE)
                .map(|(at, _)| {
                    body[at..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect()
                })
                .collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no proposal email {nth} to {to}"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// Follows an emailed link as a mail client would: a plain GET, no cookie, no login.
async fn follow(app: &TestApp, link: &str) -> (u16, String) {
    let url = link.replacen(PUBLIC_URL, &app.address, 1);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// What a link could change: the match, its meetings, its history, its proposals and
/// its links, and the outbox.
#[derive(Debug, PartialEq)]
struct Snapshot {
    status: String,
    updated_at: DateTime<Utc>,
    meetings: Vec<(DateTime<Utc>, i32, String)>,
    events: u64,
    proposals: Vec<(Uuid, String)>,
    unused_links: u64,
    outbox: u64,
}

async fn snapshot(s: &Setup) -> Snapshot {
    let db = &s.app.db;
    let row = matches::Entity::find_by_id(s.match_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::MatchId.eq(s.match_id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.starts_at, m.sequence, m.status))
        .collect();
    let events = match_event::Entity::find()
        .filter(match_event::Column::MatchId.eq(s.match_id))
        .count(db)
        .await
        .unwrap();
    let proposals = meeting_proposal::Entity::find()
        .filter(meeting_proposal::Column::MatchId.eq(s.match_id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.status))
        .collect();
    let unused_links = action_link::Entity::find()
        .filter(action_link::Column::MatchId.eq(s.match_id))
        .filter(action_link::Column::UsedAt.is_null())
        .count(db)
        .await
        .unwrap();
    let outbox = outbox::Entity::find().count(db).await.unwrap();
    Snapshot {
        status: row.status,
        updated_at: row.updated_at,
        meetings,
        events,
        proposals,
        unused_links,
        outbox,
    }
}

/// Waits until every email due now has reached the SMTP server; returns how many it holds.
async fn mailbox_settled(s: &Setup) -> usize {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(20);
    loop {
        let due = outbox::Entity::find()
            .filter(outbox::Column::NextAttemptAt.lte(Utc::now()))
            .filter(outbox::Column::Status.ne("sent"))
            .count(&s.app.db)
            .await
            .unwrap();
        let sent = outbox::Entity::find()
            .filter(outbox::Column::Status.eq("sent"))
            .count(&s.app.db)
            .await
            .unwrap();
        let received = s.smtp.messages().len();
        if due == 0 && received as u64 == sent {
            return received;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox did not drain: {due} due, {sent} sent, {received} received"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// The invitations received (subject `面談のご案内`): recipient and DTSTART line.
fn invitations(s: &Setup) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = s
        .smtp
        .messages()
        .iter()
        .filter(|m| subject(m).starts_with("【Musubi】面談のご案内"))
        .map(|m| {
            let ics = calendar(m).expect("an invitation carries its calendar");
            let dtstart = ics
                .lines()
                .find(|line| line.starts_with("DTSTART;TZID="))
                .unwrap_or_default()
                .to_owned();
            (m.rcpt_to.join(","), dtstart)
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_time_picked_with_one_click_from_the_email_schedules_the_meeting_and_nothing_else_does() {
    let s = setup().await;
    let times = [in_days(3), in_days(4), in_days(5)];
    let proposed = propose(&s, &times).await;
    assert_eq!(proposed["status"], "introduced", "{proposed}");
    let offered: Vec<&str> = proposed["meeting_proposal"]["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["starts_at"].as_str().unwrap())
        .collect();
    assert_eq!(offered.len(), 3, "{proposed}");
    assert_eq!(proposed["awaiting"]["from"], "professional", "{proposed}");

    // The professional's email: one link per time, then "none of these work".
    let links = choose_links(&s, &s.professional.email, 0).await;
    assert_eq!(links.len(), 4, "{links:?}");
    let distinct: std::collections::BTreeSet<&String> = links.iter().collect();
    assert_eq!(distinct.len(), 4, "every link is its own");

    // The second time, with one click and no login.
    let (status, page) = follow(&s.app, &links[1]).await;
    assert_eq!(status, 200, "{page}");
    let shown = (times[1] + Duration::hours(9))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    assert!(
        page.contains("面談の日時が確定しました") && page.contains(&shown),
        "{page}"
    );
    let after = snapshot(&s).await;
    assert_eq!(after.status, "meeting_scheduled");
    assert_eq!(after.meetings, [(times[1], 0, "scheduled".to_owned())]);
    assert_eq!(after.unused_links, 0, "the email's other links are used up");
    let last = match_event::Entity::find()
        .filter(match_event::Column::MatchId.eq(s.match_id))
        .filter(match_event::Column::ToStatus.eq("meeting_scheduled"))
        .one(&s.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (last.actor_role.as_str(), last.actor_id),
        ("professional", Some(s.professional.id))
    );

    // Everyone has the invitation with that DTSTART, as a scheduled meeting sends it.
    let received = mailbox_settled(&s).await;
    let dtstart = format!("DTSTART;TZID=Asia/Tokyo:{}", tokyo_stamp(times[1]));
    let mut expected = vec![
        (s.professional.email.clone(), dtstart.clone()),
        (s.sme.email.clone(), dtstart.clone()),
        (s.coordinator.email.clone(), dtstart.clone()),
    ];
    expected.sort();
    assert_eq!(invitations(&s), expected);

    // The same link again, another time of the same email, one byte changed: the kind
    // page, and nothing changes.
    let before = snapshot(&s).await;
    let mut forged = links[0].clone();
    let last_char = forged.pop().unwrap();
    forged.push(if last_char == 'a' { 'b' } else { 'a' });
    for (link, code, words) in [
        (&links[1], 409, "このリンクはすでに使われています"),
        (&links[2], 409, "このリンクはすでに使われています"),
        (&links[3], 409, "このリンクはすでに使われています"),
        (&forged, 400, "結び（Musubi）が送ったものではないか"),
    ] {
        let (status, page) = follow(&s.app, link).await;
        assert_eq!(status, code, "{link}: {page}");
        assert!(
            page.contains(words) && page.contains("何も変更していません"),
            "{page}"
        );
        assert_eq!(snapshot(&s).await, before, "{link} changed something");
    }

    // An expired link: a new proposal (to move the meeting), its links past their time.
    propose(&s, &[in_days(6), in_days(7)]).await;
    let second = choose_links(&s, &s.professional.email, 1).await;
    assert_eq!(second.len(), 3, "{second:?}");
    action_link::Entity::update_many()
        .col_expr(
            action_link::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .filter(action_link::Column::MatchId.eq(s.match_id))
        .filter(action_link::Column::UsedAt.is_null())
        .exec(&s.app.db)
        .await
        .unwrap();
    let received_before = mailbox_settled(&s).await;
    assert!(received_before > received);
    let before = snapshot(&s).await;
    let (status, page) = follow(&s.app, &second[0]).await;
    assert_eq!(status, 410, "{page}");
    assert!(page.contains("有効期限が切れています"), "{page}");
    assert_eq!(
        snapshot(&s).await,
        before,
        "an expired link changed something"
    );
    assert_eq!(before.meetings, [(times[1], 0, "scheduled".to_owned())]);

    // The mailbox holds nothing new: the same invitations, no update, no cancellation.
    assert_eq!(mailbox_settled(&s).await, received_before);
    assert_eq!(invitations(&s), expected);
    assert!(
        !s.smtp
            .messages()
            .iter()
            .any(|m| subject(m).contains("変更") || subject(m).contains("中止")),
        "no update or cancellation went out"
    );
}

#[tokio::test]
async fn none_of_these_work_asks_the_proposer_for_other_times() {
    let s = setup().await;
    propose(&s, &[in_days(3), in_days(4)]).await;
    let links = choose_links(&s, &s.professional.email, 0).await;
    assert_eq!(links.len(), 3);
    let (status, page) = follow(&s.app, &links[2]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("別の候補日時を依頼しました"), "{page}");
    let after = snapshot(&s).await;
    assert_eq!(after.status, "introduced");
    assert!(after.meetings.is_empty());
    assert_eq!(after.proposals.len(), 1);
    assert_eq!(after.proposals[0].1, "declined");
    // The SME is asked for other times, by email.
    mailbox_settled(&s).await;
    let asked: Vec<Received> = s
        .smtp
        .messages()
        .into_iter()
        .filter(|m| subject(m).contains("別の候補日時のお願い"))
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].rcpt_to, std::slice::from_ref(&s.sme.email));
    // The match no longer shows the proposal, and waits on the SME again.
    let (_, seen) = json(
        s.app
            .get(&format!("/matches/{}", s.match_id), &s.sme.token)
            .await,
    )
    .await;
    assert!(seen["meeting_proposal"].is_null(), "{seen}");
    assert_eq!(seen["awaiting"]["from"], "organization", "{seen}");
    // Another link of the email does nothing now.
    let (status, _) = follow(&s.app, &links[0]).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_proposal_takes_one_to_three_distinct_future_times_from_whoever_arranges_meetings() {
    let s = setup().await;
    let path = format!("/matches/{}/meetings", s.match_id);
    let post = |body: Value, token: String| {
        let app = &s.app;
        let path = path.clone();
        async move { app.post(&path, &token, &body).await }
    };
    let cases = [
        (
            vec![in_days(3), in_days(4), in_days(5), in_days(6)],
            "proposals",
        ),
        (vec![in_days(3), in_days(3)], "proposals[1]"),
        (vec![in_days(-1), in_days(3)], "proposals[0]"),
        (vec![], "proposals"),
    ];
    for (times, field) in cases {
        let body = problem(post(proposal_body(&times), s.sme.token.clone()).await, 422).await;
        assert_eq!(fields(&body), [field], "{body}");
    }
    let mut both = proposal_body(&[in_days(3)]);
    both["starts_at"] = json!(in_days(4).to_rfc3339());
    let body = problem(post(both, s.sme.token.clone()).await, 422).await;
    assert_eq!(fields(&body), ["proposals"], "{body}");
    // The professional answers proposals; they do not make them.
    problem(
        post(proposal_body(&[in_days(3)]), s.professional.token.clone()).await,
        403,
    )
    .await;
    // The coordinator may propose too; a closed match names its state.
    let (status, body) =
        json(post(proposal_body(&[in_days(3)]), s.coordinator.token.clone()).await).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["meeting_proposal"]["proposer_role"], "coordinator");
    let cancel = s
        .app
        .post(
            &format!("/matches/{}/cancel", s.match_id),
            &s.coordinator.token,
            &json!({"reason": "見送り"}),
        )
        .await;
    assert_eq!(cancel.status(), 200);
    let body = problem(
        post(proposal_body(&[in_days(3)]), s.sme.token.clone()).await,
        409,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("cancelled"),
        "{body}"
    );
    // The links of the proposal made before the match was called off do nothing.
    let links = choose_links(&s, &s.professional.email, 0).await;
    let before = snapshot(&s).await;
    let (status, page) = follow(&s.app, &links[0]).await;
    assert_eq!(status, 409, "{page}");
    assert_eq!(snapshot(&s).await, before);
}

#[tokio::test]
async fn suggested_times_keep_to_both_sides_slots_and_skip_the_next_48_hours() {
    let s = setup().await;
    let path = format!("/matches/{}/meetings/suggested-times", s.match_id);
    let (status, body) = json(s.app.get(&path, &s.sme.token).await).await;
    assert_eq!(status, 200, "{body}");
    let times: Vec<DateTime<Utc>> = body["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(times.len(), 3, "{body}");
    let slots: Vec<&str> = body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|slot| slot.as_str().unwrap())
        .collect();
    assert!(!slots.is_empty());
    for at in &times {
        assert!(*at >= Utc::now() + Duration::hours(47), "{at}");
        let local = *at + Duration::hours(9);
        let weekend = matches!(
            chrono::Datelike::weekday(&local),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        );
        let slot = match (weekend, chrono::Timelike::hour(&local)) {
            (false, 19) => "weekday_evening",
            (true, 10) => "weekend",
            (false, 14) => "weekday_day",
            other => panic!("{at} is in no slot: {other:?}"),
        };
        assert!(slots.contains(&slot), "{at} in {slot}, not in {slots:?}");
    }
    problem(s.app.get(&path, &s.professional.token).await, 403).await;
}

/// The value of the hidden `proposal` field of the page's forms.
fn proposal_field(body: &str) -> String {
    let at = body
        .find("name=\"proposal\" value=\"")
        .unwrap_or_else(|| panic!("no proposal form in {body}"));
    let rest = &body[at + "name=\"proposal\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn on_the_match_page_the_professional_chooses_and_the_others_see_the_times_wait() {
    let s = setup().await;
    let times = [in_days(3), in_days(4), in_days(5)];
    let proposed = propose(&s, &times).await;
    let proposal = proposed["meeting_proposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let links = choose_links(&s, &s.professional.email, 0).await;
    let page = format!("/matches/{}", s.match_id);

    // The SME sees the times, waiting for the professional, with no button to press.
    let mut sme = PageClient::new(&s.app.address);
    sme.login(&s.sme.email, "sme-password-123", None).await;
    let seen = sme.get(&page).await;
    assert!(seen.body.contains("id=\"proposal\""), "{}", seen.body);
    assert!(
        !seen.body.contains("choose-time-0"),
        "only the professional chooses"
    );
    let posted = sme
        .post_form(
            &format!("{page}/meeting/choose"),
            &[
                ("csrf_token", &seen.csrf_token().unwrap()),
                ("proposal", &proposal),
                ("time", "0"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN, "{}", posted.body);
    assert!(snapshot(&s).await.meetings.is_empty());

    // The professional: a form per time; without the page's token, nothing happens.
    let mut pro = PageClient::new(&s.app.address);
    pro.login(&s.professional.email, "pro-password-123", None)
        .await;
    let seen = pro.get(&page).await;
    for index in 0..3 {
        assert!(seen.body.contains(&format!("id=\"choose-time-{index}\"")));
    }
    assert_eq!(proposal_field(&seen.body), proposal);
    let before = snapshot(&s).await;
    let forged = pro
        .post_form(
            &format!("{page}/meeting/choose"),
            &[
                ("csrf_token", "forged"),
                ("proposal", &proposal),
                ("time", "2"),
            ],
        )
        .await;
    assert!(forged.status.is_client_error(), "{}", forged.status);
    assert_eq!(snapshot(&s).await, before);
    let chosen = pro
        .post_form(
            &format!("{page}/meeting/choose"),
            &[
                ("csrf_token", &seen.csrf_token().unwrap()),
                ("proposal", &proposal),
                ("time", "2"),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(
        chosen.location(),
        Some(format!("{page}?done=time_chosen").as_str())
    );
    let after = snapshot(&s).await;
    assert_eq!(after.status, "meeting_scheduled");
    assert_eq!(after.meetings, [(times[2], 0, "scheduled".to_owned())]);
    assert_eq!(after.unused_links, 0, "the email's links stop working");
    let shown = pro.get(&format!("{page}?done=time_chosen")).await;
    assert!(!shown.body.contains("id=\"proposal\""));
    assert!(shown.body.contains("面談が確定しました"));

    // The emailed links now do nothing.
    let (status, _) = follow(&s.app, &links[0]).await;
    assert_eq!(status, 409);
    assert_eq!(snapshot(&s).await, after);
    // Choosing again on a page drawn before: refused, the page says the match moved on.
    let again = pro
        .post_form(
            &format!("{page}/meeting/choose"),
            &[
                ("csrf_token", &seen.csrf_token().unwrap()),
                ("proposal", &proposal),
                ("time", "1"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(snapshot(&s).await, after);
}

#[tokio::test]
async fn the_sme_proposes_times_with_the_meeting_form_on_the_match_page() {
    let s = setup().await;
    let page = format!("/matches/{}", s.match_id);
    let mut sme = PageClient::new(&s.app.address);
    sme.login(&s.sme.email, "sme-password-123", None).await;
    let form = sme.get(&page).await;
    assert!(form.body.contains("id=\"more-times\""), "{}", form.body);
    // The form comes filled with a suggested time (both sides' slots, 48 hours on).
    assert!(
        !form
            .body
            .contains("id=\"date\" name=\"date\" type=\"date\" autocomplete=\"off\" value=\"\""),
        "a suggested date"
    );
    let token = form.csrf_token().unwrap();
    let local = |at: DateTime<Utc>| {
        let local = at + Duration::hours(9);
        (
            local.format("%Y-%m-%d").to_string(),
            local.format("%H:%M").to_string(),
        )
    };
    let (first, second) = (local(in_days(3)), local(in_days(4)));
    let send = |date2: &str, time2: &str| {
        vec![
            ("csrf_token".to_owned(), token.clone()),
            ("date".to_owned(), first.0.clone()),
            ("time".to_owned(), first.1.clone()),
            ("duration_minutes".to_owned(), "60".to_owned()),
            ("mode".to_owned(), "online".to_owned()),
            (
                "location_or_url".to_owned(),
                "https://meet.example.jp/abc".to_owned(),
            ),
            ("date2".to_owned(), date2.to_owned()),
            ("time2".to_owned(), time2.to_owned()),
        ]
    };
    // The same time twice: sent back, the error beside the second date, nothing stored.
    let repeated = send(&first.0, &first.1);
    let borrowed: Vec<(&str, &str)> = repeated
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let answer = sme.post_form(&format!("{page}/meeting"), &borrowed).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("id=\"date2-error\""),
        "{}",
        answer.body
    );
    assert!(snapshot(&s).await.proposals.is_empty());
    // Two distinct times: proposed, the professional emailed, no meeting yet.
    let good = send(&second.0, &second.1);
    let borrowed: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer = sme.post_form(&format!("{page}/meeting"), &borrowed).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(
        answer.location(),
        Some(format!("{page}?done=proposed").as_str())
    );
    let after = snapshot(&s).await;
    assert_eq!(after.status, "introduced");
    assert!(after.meetings.is_empty());
    assert_eq!(after.proposals.len(), 1);
    let links = choose_links(&s, &s.professional.email, 0).await;
    assert_eq!(links.len(), 3, "two times and none of these");
    let (_, seen) = json(s.app.get(&page, &s.sme.token).await).await;
    let offered: Vec<DateTime<Utc>> = seen["meeting_proposal"]["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["starts_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(offered, [in_days(3), in_days(4)]);
}
