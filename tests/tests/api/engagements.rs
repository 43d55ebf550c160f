//! Engagements after a contract (issue 13): the monthly check-ins by the clock (a clock
//! the test holds), their one-click links, at risk on the coordinator's desk, `extended`
//! and `completed` in the history; the capacity they hold in the rankings and the
//! region-wide suggestion; the report's figures.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use musubi_api::{entities::action_link, services::engagements};
use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need, engagements::contract, eventually, marketer_profile,
    pages::PageClient, smtp::SmtpServer,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{json, problem};

const SUBJECT: &str = "様子伺い";

/// The check-in emails the SMTP server received, as `(recipient, subject, links)`, the
/// links (paths) in the email's order: 順調, 相談したい, 終了したい.
fn check_ins(smtp: &SmtpServer) -> Vec<(String, String, Vec<String>)> {
    smtp.messages()
        .iter()
        .filter_map(|received| {
            let message = received.parse();
            let subject = message.subject().unwrap_or_default().to_owned();
            if !subject.contains(SUBJECT) {
                return None;
            }
            let text = message.body_text(0).unwrap_or_default().into_owned();
            let links = text
                .match_indices("/check-ins/answer/")
                .map(|(at, _)| {
                    text[at..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect::<String>()
                })
                .collect();
            Some((received.rcpt_to.join(","), subject, links))
        })
        .collect()
}

/// Waits (up to 20 s) for `count` check-in emails.
async fn wait_for_check_ins(smtp: &SmtpServer, count: usize) -> Vec<(String, String, Vec<String>)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = check_ins(smtp);
        if found.len() >= count {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "expected {count} check-in emails, got {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The links of the latest check-in email to `to`.
fn latest_links(found: &[(String, String, Vec<String>)], to: &str, round: u32) -> Vec<String> {
    let wanted = format!("{round}か月目");
    let links = found
        .iter()
        .rev()
        .find(|(recipient, subject, _)| recipient == to && subject.contains(&wanted))
        .map(|(_, _, links)| links.clone())
        .unwrap_or_else(|| panic!("no round {round} check-in to {to}: {found:?}"));
    assert_eq!(links.len(), 3, "three answers: {links:?}");
    links
}

async fn engagement(app: &TestApp, user: &User, id: Uuid) -> Value {
    let (status, body) = json(app.get(&format!("/engagements/{id}"), &user.token).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The ids of the coordinator's engagements at risk (`GET /engagements?at_risk=true`).
async fn at_risk(app: &TestApp, coordinator: &User) -> Vec<String> {
    let (status, body) = json(
        app.get("/engagements?at_risk=true", &coordinator.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The check-ins stored, as `(round, user, answer, answered_at, comment)`.
async fn stored(app: &TestApp, coordinator: &User, id: Uuid) -> Vec<Value> {
    engagement(app, coordinator, id).await["check_ins"]
        .as_array()
        .unwrap()
        .clone()
}

async fn run(app: &TestApp, at: DateTime<Utc>) -> engagements::Run {
    engagements::run_once(&app.db, &app.settings, at)
        .await
        .unwrap()
}

fn kinds(engagement: &Value) -> Vec<String> {
    engagement["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The desk page's list of engagements at risk, as its text (empty when none).
async fn desk_at_risk(app: &TestApp, coordinator: &User) -> String {
    let mut client = PageClient::new(&app.address);
    let login = client
        .login(&coordinator.email, "coordinator-password", None)
        .await;
    assert_eq!(login.status, 303, "{}", login.body);
    let desk = client.get("/region").await;
    assert_eq!(desk.status, 200);
    match desk.body.find("id=\"desk-at-risk\"") {
        Some(at) => {
            let rest = &desk.body[at..];
            rest[..rest.find("</ul>").unwrap_or(rest.len())].to_owned()
        }
        None => String::new(),
    }
}

#[tokio::test]
async fn check_ins_go_out_monthly_put_the_engagement_at_risk_and_it_is_extended_then_completed() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    let app = TestApp::spawn_with(&vars).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let contracted_at = Utc::now();
    let (match_id, id) = contract(&app, &coordinator, need, &pro).await;

    // Opened by the contract: today in Tokyo, the need's six months, its upper hours.
    let opened = engagement(&app, &sme, id).await;
    assert_eq!(opened["status"], "active", "{opened}");
    assert_eq!(opened["match_id"], json!(match_id));
    assert_eq!(
        opened["starts_on"],
        json!(engagements::tokyo_day(contracted_at).to_string())
    );
    assert_eq!(
        (
            opened["months"].as_i64(),
            opened["hours_per_month"].as_i64()
        ),
        (Some(6), Some(32))
    );
    assert_eq!(kinds(&opened), ["opened"]);
    assert_eq!(opened["history"][0]["actor_role"], "coordinator");

    // Nothing the first month; the check-ins of month 1 a month on, once.
    assert_eq!(run(&app, contracted_at).await.emails, 0);
    assert_eq!(
        run(&app, contracted_at + chrono::Duration::days(20))
            .await
            .emails,
        0
    );
    let month1 = contracted_at + chrono::Duration::days(32);
    assert_eq!(run(&app, month1).await.emails, 2, "both sides");
    assert_eq!(run(&app, month1).await.emails, 0, "once a month");
    let found = wait_for_check_ins(&smtp, 2).await;
    let pro_links = latest_links(&found, &pro.email, 1);
    let sme_links = latest_links(&found, &sme.email, 1);

    // The professional answers 順調 with one click, no login.
    let page = PageClient::new(&app.address).get(&pro_links[0]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("順調"), "{}", page.body);
    assert!(at_risk(&app, &coordinator).await.is_empty());

    // The SME never answers: 14 days on, the engagement is on the coordinator's list.
    assert_eq!(
        run(&app, month1 + chrono::Duration::days(13)).await.at_risk,
        0
    );
    assert_eq!(
        run(&app, month1 + chrono::Duration::days(15)).await.at_risk,
        1
    );
    assert_eq!(at_risk(&app, &coordinator).await, [id.to_string()]);
    let risky = engagement(&app, &coordinator, id).await;
    assert_eq!(risky["at_risk_reason"], "no_answer", "{risky}");
    let desk = desk_at_risk(&app, &coordinator).await;
    assert!(
        desk.contains("シティプロモーション") && desk.contains("14"),
        "{desk}"
    );

    // A late 順調 from the SME as well: both sides are fine, off the desk.
    let late = PageClient::new(&app.address).get(&sme_links[0]).await;
    assert_eq!(late.status, 200, "{}", late.body);
    assert!(at_risk(&app, &coordinator).await.is_empty());
    assert!(desk_at_risk(&app, &coordinator).await.is_empty());

    // Month 2: two more emails; the SME would like to talk (相談したい), with a comment
    // on the page the link opens: at once on the coordinator's list.
    let month2 = contracted_at + chrono::Duration::days(63);
    assert_eq!(run(&app, month2).await.emails, 2);
    let found = wait_for_check_ins(&smtp, 4).await;
    assert_eq!(found.len(), 4, "one email a side a month: {found:?}");
    let sme_links = latest_links(&found, &sme.email, 2);
    let pro_links = latest_links(&found, &pro.email, 2);
    let mut browser = PageClient::new(&app.address);
    let answered = browser.get(&sme_links[1]).await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert!(answered.body.contains("相談したい"), "{}", answered.body);
    let commented = browser
        .post_form(
            &sme_links[1],
            &[
                ("csrf_token", &answered.csrf_token().unwrap()),
                ("comment", "進め方を相談したいです"),
            ],
        )
        .await;
    assert_eq!(commented.status, 200, "{}", commented.body);
    assert_eq!(at_risk(&app, &coordinator).await, [id.to_string()]);
    let risky = engagement(&app, &coordinator, id).await;
    assert_eq!(risky["at_risk_reason"], "consult", "{risky}");
    let round2: Vec<Value> = risky["check_ins"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["round"] == 2 && c["side"] == "sme")
        .cloned()
        .collect();
    assert_eq!(round2[0]["answer"], "consult");
    assert_eq!(round2[0]["comment"], "進め方を相談したいです");
    assert!(
        desk_at_risk(&app, &coordinator)
            .await
            .contains("相談したい")
    );

    // The same link again, another answer of the same email, a changed byte, an
    // expired link: a kind page each, and nothing changes.
    let before = stored(&app, &coordinator, id).await;
    let mut changed = pro_links[2].clone();
    let last = changed.pop().unwrap();
    changed.push(if last == 'A' { 'B' } else { 'A' });
    action_link::Entity::update_many()
        .col_expr(
            action_link::Column::ExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(action_link::Column::UserId.eq(pro.id))
        .filter(action_link::Column::UsedAt.is_null())
        .exec(&app.db)
        .await
        .unwrap();
    for (link, status, words) in [
        (&sme_links[1], 409, "すでに使われています"),
        (&sme_links[2], 409, "すでに使われています"),
        (&changed, 400, "Musubi）が送ったものではない"),
        (&pro_links[0], 410, "有効期限が切れています"),
    ] {
        let page = PageClient::new(&app.address).get(link).await;
        assert_eq!(page.status.as_u16(), status, "{link}");
        let body = &page.body;
        assert!(
            body.contains(words) && body.contains("何も変更していません"),
            "{link}: {body}"
        );
    }
    assert_eq!(
        stored(&app, &coordinator, id).await,
        before,
        "nothing changed"
    );

    // The professional answers on the API instead; once.
    let (status, answered) = json(
        app.post(
            &format!("/engagements/{id}/check-ins"),
            &pro.token,
            &json!({"answer": "fine"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{answered}");
    let again = problem(
        app.post(
            &format!("/engagements/{id}/check-ins"),
            &pro.token,
            &json!({"answer": "end"}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        again["detail"].as_str().unwrap().contains("no check-in"),
        "{again}"
    );
    problem(
        app.post(
            &format!("/engagements/{id}/check-ins"),
            &coordinator.token,
            &json!({"answer": "fine"}),
        )
        .await,
        403,
    )
    .await;

    // Extended by three months (the coordinator; not the professional).
    problem(
        app.post(
            &format!("/engagements/{id}/extend"),
            &pro.token,
            &json!({"months": 3}),
        )
        .await,
        403,
    )
    .await;
    let ends_on = opened["ends_on"].as_str().unwrap().to_owned();
    let (status, extended) = json(
        app.post(
            &format!("/engagements/{id}/extend"),
            &coordinator.token,
            &json!({"months": 3}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{extended}");
    assert_eq!(extended["status"], "active");
    assert_eq!(extended["months"], 9);
    let event = extended["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["kind"] == "extended")
        .unwrap()
        .clone();
    assert_eq!(event["actor_id"], json!(coordinator.id));
    assert_eq!(event["detail"]["from"], json!(ends_on));
    assert_eq!(event["detail"]["to"], extended["ends_on"]);

    // Completed by the SME with its look back; the professional adds theirs.
    let (status, completed) = json(
        app.post(
            &format!("/engagements/{id}/complete"),
            &sme.token,
            &json!({"retrospective": {"went_well": "ECが立ち上がった", "next_time": "最初に目標を数字で"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{completed}");
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["at_risk"], false, "off the desk once it ends");
    let event = completed["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["kind"] == "completed")
        .unwrap()
        .clone();
    assert_eq!(
        (event["actor_id"].clone(), event["actor_role"].as_str()),
        (json!(sme.id), Some("sme"))
    );
    assert!(event["at"].is_string());
    let (status, looked) = json(
        app.post(
            &format!("/engagements/{id}/retrospective"),
            &pro.token,
            &json!({"went_well": "裁量が大きかった"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{looked}");
    let mut history = kinds(&looked);
    history.sort();
    let mut expected = vec![
        "opened",
        "check_in_sent",
        "check_in_sent",
        "check_in_answered",
        "check_in_answered",
        "check_in_answered",
        "check_in_answered",
        "at_risk",
        "at_risk",
        "extended",
        "completed",
        "retrospective",
        "retrospective",
    ];
    expected.sort_unstable();
    assert_eq!(history, expected);

    // Over: every further step is 409 naming the state; no more check-ins.
    for (path, body) in [("complete", json!({})), ("extend", json!({"months": 1}))] {
        let refused = problem(
            app.post(
                &format!("/engagements/{id}/{path}"),
                &coordinator.token,
                &body,
            )
            .await,
            409,
        )
        .await;
        assert_eq!(refused["code"], "illegal_transition");
        assert!(
            refused["detail"].as_str().unwrap().contains("completed"),
            "{refused}"
        );
    }
    assert_eq!(
        run(&app, contracted_at + chrono::Duration::days(95))
            .await
            .emails,
        0
    );
    // Strangers do not find it.
    let other = app.sme(region, "別の会社").await;
    problem(
        app.get(&format!("/engagements/{id}"), &other.token).await,
        404,
    )
    .await;
}

/// The professional ids a candidate list ranks without excluding.
async fn ranked(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let (status, page) = json(app.get(path, token).await).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["excluded"] != true)
        .map(|item| item["professional_id"].as_str().unwrap().to_owned())
        .collect()
}

/// The professional ids of the region-wide suggestion's pairs.
async fn suggested(app: &TestApp, coordinator: &User, region: Uuid, scope: &str) -> Vec<String> {
    let path = format!("/regions/{region}/assignment?scope={scope}&floor=0");
    let (status, body) = json(app.get(&path, &coordinator.token).await).await;
    assert_eq!(status, 200, "{body}");
    body["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair["professional_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_professional_at_capacity_leaves_the_rankings_and_the_suggestion_until_completion() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let first = app.post_need(&sme, &cmo_need()).await;
    let mut other = cmo_need();
    other["title"] = json!("EC立ち上げ マーケティング支援");
    let second = app.post_need(&sme, &other).await;
    // max_engagements: 1.
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let response = app
        .post(
            &format!("/needs/{second}/applications"),
            &pro.token,
            &json!({"message": "こちらにも応募します"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let me = pro.id.to_string();
    let token = coordinator.token.as_str();
    let scouting = format!("/needs/{second}/candidates?scope=all");
    let applicants = format!("/needs/{second}/candidates");
    assert!(ranked(&app, token, &scouting).await.contains(&me));
    assert!(ranked(&app, token, &applicants).await.contains(&me));
    assert!(
        suggested(&app, &coordinator, region, "all")
            .await
            .contains(&me)
    );

    // One active engagement on the first need: at capacity everywhere.
    let (_, id) = contract(&app, &coordinator, first, &pro).await;
    eventually(Duration::from_secs(5), "out of scope=all", || async {
        !ranked(&app, token, &scouting).await.contains(&me)
    })
    .await;
    assert!(!ranked(&app, token, &applicants).await.contains(&me));
    let (_, listed) = json(
        app.get(&format!("{applicants}?include_excluded=true"), token)
            .await,
    )
    .await;
    assert!(
        listed.to_string().contains("at_max_engagements"),
        "{listed}"
    );
    for scope in ["all", "applicants"] {
        assert!(
            !suggested(&app, &coordinator, region, scope)
                .await
                .contains(&me),
            "{scope}"
        );
    }

    // Completed: back at once.
    let (status, done) = json(
        app.post(
            &format!("/engagements/{id}/complete"),
            &sme.token,
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert!(ranked(&app, token, &scouting).await.contains(&me));
    assert!(ranked(&app, token, &applicants).await.contains(&me));
    for scope in ["all", "applicants"] {
        assert!(
            suggested(&app, &coordinator, region, scope)
                .await
                .contains(&me),
            "{scope}"
        );
    }
}

#[tokio::test]
async fn the_report_counts_engagements_started_at_risk_completed_and_extended() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let elsewhere = app.create_region("鳥取市", "鳥取県", "鳥取市").await;
    let coordinator = app.coordinator(region).await;
    let other_coordinator = app.coordinator(elsewhere).await;
    let sme = app.sme(region, "丸山漆器").await;
    let other_sme = app.sme(elsewhere, "砂丘観光").await;
    let mut need = cmo_need();
    need["headcount"] = json!(4);
    let need = app.post_need(&sme, &need).await;
    let other_need = app.post_need(&other_sme, &cmo_need()).await;
    let mut ids = Vec::new();
    for name in ["一", "二", "三", "四"] {
        let pro = app
            .professional_with_profile(&format!("山田 {name}"), &marketer_profile())
            .await;
        ids.push(contract(&app, &coordinator, need, &pro).await.1);
    }
    // Another region's engagement, extended: not this region's figure.
    let outsider = app
        .professional_with_profile("佐藤 健", &marketer_profile())
        .await;
    let (_, outside) = contract(&app, &other_coordinator, other_need, &outsider).await;
    let post = |path: String, user: &User, body: Value| {
        let token = user.token.clone();
        let app = &app;
        async move {
            let (status, answer) = json(app.post(&path, &token, &body).await).await;
            assert_eq!(status, 200, "{path}: {answer}");
        }
    };
    post(
        format!("/engagements/{outside}/extend"),
        &other_coordinator,
        json!({"months": 1}),
    )
    .await;
    // One completed; one extended twice and then completed; one extended; one at risk
    // (the SME would like to talk at the first check-in).
    post(format!("/engagements/{}/complete", ids[0]), &sme, json!({})).await;
    for months in [1, 2] {
        post(
            format!("/engagements/{}/extend", ids[1]),
            &coordinator,
            json!({"months": months}),
        )
        .await;
    }
    post(
        format!("/engagements/{}/complete", ids[1]),
        &coordinator,
        json!({}),
    )
    .await;
    post(
        format!("/engagements/{}/extend", ids[2]),
        &sme,
        json!({"ends_on": "2031-03-31"}),
    )
    .await;
    assert_eq!(
        run(&app, Utc::now() + chrono::Duration::days(32))
            .await
            .emails,
        2 * 3,
        "two in this region, one elsewhere"
    );
    post(
        format!("/engagements/{}/check-ins", ids[3]),
        &sme,
        json!({"answer": "consult"}),
    )
    .await;

    // Computed independently, from the engagements the coordinator lists.
    let (_, list) = json(app.get("/engagements", &coordinator.token).await).await;
    let list = list.as_array().unwrap();
    let count = |keep: &dyn Fn(&Value) -> bool| list.iter().filter(|e| keep(e)).count() as u64;
    let expected = json!({
        "started": count(&|_| true),
        "at_risk": count(&|e| e["status"] == "active" && e["at_risk"] == true),
        "completed": count(&|e| e["status"] == "completed"),
        "extended": count(&|e| kinds(e).iter().any(|kind| kind == "extended")),
    });
    assert_eq!(
        expected,
        json!({"started": 4, "at_risk": 1, "completed": 2, "extended": 2})
    );
    let (status, report) = json(
        app.get(&format!("/regions/{region}/report"), &coordinator.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["engagements"], expected, "{report}");
    let (_, theirs) = json(
        app.get(
            &format!("/regions/{elsewhere}/report"),
            &other_coordinator.token,
        )
        .await,
    )
    .await;
    assert_eq!(
        theirs["engagements"],
        json!({"started": 1, "at_risk": 0, "completed": 0, "extended": 1})
    );

    // The page shows the same figures.
    let mut client = PageClient::new(&app.address);
    client
        .login(&coordinator.email, "coordinator-password", None)
        .await;
    let page = client.get("/region/report").await;
    assert_eq!(page.status, 200);
    for (name, value) in [
        ("started", 4),
        ("at_risk", 1),
        ("completed", 2),
        ("extended", 2),
    ] {
        assert!(
            page.body
                .contains(&format!("data-count=\"{name}\">{value}</dd>")),
            "{name}: {}",
            page.body
        );
    }
}

/// A logged-in page client.
async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut client = PageClient::new(&app.address);
    let login = client.login(email, password, None).await;
    assert_eq!(login.status, 303, "{}", login.body);
    client
}

#[tokio::test]
async fn the_match_page_shows_the_engagement_with_the_forms_each_role_may_use() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let (match_id, id) = contract(&app, &coordinator, need, &pro).await;
    assert_eq!(
        run(&app, Utc::now() + chrono::Duration::days(32))
            .await
            .emails,
        2
    );
    let path = format!("/matches/{match_id}");
    let mut owner = logged_in(&app, &sme.email, "sme-password-123").await;
    let mut professional = logged_in(&app, &pro.email, "pro-password-123").await;

    // The SME may extend and complete; the professional may not, and answers the
    // month's check-in on the page instead.
    let page = owner.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"engagement\""), "{}", page.body);
    assert!(page.body.contains(&format!("{path}/engagement/complete")));
    assert!(page.body.contains(&format!("{path}/engagement/extend")));
    let page = professional.get(&path).await;
    assert!(!page.body.contains(&format!("{path}/engagement/complete")));
    assert!(!page.body.contains(&format!("{path}/engagement/extend")));
    assert!(page.body.contains(&format!("{path}/engagement/check-in")));
    let token = page.csrf_token().unwrap();
    let refused = professional
        .post_form(
            &format!("{path}/engagement/complete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(refused.status, 403);
    let answered = professional
        .post_form(
            &format!("{path}/engagement/check-in"),
            &[
                ("csrf_token", &token),
                ("answer", "end"),
                ("comment", "本業が忙しくなりました"),
            ],
        )
        .await;
    assert_eq!(answered.status, 303);
    assert_eq!(
        answered.location(),
        Some(format!("{path}?engagement=answered#engagement").as_str())
    );
    let seen = engagement(&app, &coordinator, id).await;
    assert_eq!(
        (seen["status"].as_str(), seen["at_risk_reason"].as_str()),
        (Some("active"), Some("end")),
        "{seen}"
    );

    // What the forms refuse is said beside the field it is about, and changes nothing.
    let owner_token = owner.get(&path).await.csrf_token().unwrap();
    let before = engagement(&app, &coordinator, id).await;
    for (action, fields, input, words) in [
        (
            "extend",
            [("ends_on", "2020-01-01")],
            "extend-ends-on",
            "いまの終了日より後の日付",
        ),
        (
            "adjust",
            [("months", "六か月")],
            "adjust-months",
            "1〜36か月の数",
        ),
        (
            "adjust",
            [("months", "99")],
            "adjust-months",
            "1〜36か月の数",
        ),
        (
            "adjust",
            [("hours_per_month", "0")],
            "adjust-hours",
            "1〜200の数",
        ),
    ] {
        let mut form = vec![("csrf_token", owner_token.as_str())];
        form.extend(fields);
        let refused = owner
            .post_form(&format!("{path}/engagement/{action}"), &form)
            .await;
        let location = format!("{path}?engagement=invalid&input={input}#{input}");
        assert_eq!(refused.location(), Some(location.as_str()), "{fields:?}");
        let page = owner.get(&location).await;
        let beside = format!(r#"<p class="field-error" id="{input}-error">"#);
        let at = page
            .body
            .find(&beside)
            .unwrap_or_else(|| panic!("{input}: {}", page.body));
        assert!(page.body[at..].contains(words), "{input}");
        assert!(
            page.body
                .contains(&format!(r#"aria-describedby="{input}-error""#)),
            "{input}"
        );
        assert_eq!(page.body.matches(r#"class="field-error""#).count(), 1);
    }
    assert_eq!(
        engagement(&app, &coordinator, id).await,
        before,
        "nothing changed"
    );

    // The SME extends it to a date, then completes it with a look back.
    let extended = owner
        .post_form(
            &format!("{path}/engagement/extend"),
            &[("csrf_token", &owner_token), ("ends_on", "2031-03-31")],
        )
        .await;
    assert_eq!(extended.status, 303);
    let page = owner.get(&format!("{path}?engagement=extended")).await;
    assert!(page.body.contains("2031-03-31"), "{}", page.body);
    assert!(page.body.contains("延長しました"), "{}", page.body);
    let completed = owner
        .post_form(
            &format!("{path}/engagement/complete"),
            &[
                ("csrf_token", &owner_token),
                ("went_well", "ECが立ち上がった"),
                ("next_time", ""),
            ],
        )
        .await;
    assert_eq!(completed.status, 303);
    let seen = engagement(&app, &coordinator, id).await;
    assert_eq!(seen["status"], "completed", "{seen}");
    assert_eq!(seen["ends_on"], "2031-03-31");

    // Over: no forms to move it; the professional adds their look back.
    let page = professional.get(&path).await;
    assert!(!page.body.contains(&format!("{path}/engagement/check-in")));
    assert!(page.body.contains("ECが立ち上がった"), "{}", page.body);
    let token = page.csrf_token().unwrap();
    let looked = professional
        .post_form(
            &format!("{path}/engagement/retrospective"),
            &[("csrf_token", &token), ("went_well", "裁量が大きかった")],
        )
        .await;
    assert_eq!(looked.status, 303);
    let page = professional.get(&path).await;
    assert!(page.body.contains("裁量が大きかった"));
    assert!(
        !page
            .body
            .contains(&format!("{path}/engagement/retrospective"))
    );
    // A second extension from a stale page is refused, and says so.
    let again = owner
        .post_form(
            &format!("{path}/engagement/extend"),
            &[("csrf_token", &owner_token), ("ends_on", "2032-03-31")],
        )
        .await;
    assert_eq!(
        again.location(),
        Some(format!("{path}?engagement=refused#engagement").as_str())
    );
    assert_eq!(
        engagement(&app, &coordinator, id).await["ends_on"],
        "2031-03-31"
    );
}
