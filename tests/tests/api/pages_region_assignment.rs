//! `/region/assignment` at the HTTP level: the coordinator's page shows the pairs
//! `GET /regions/{id}/assignment` suggests (the same ids, both modes, both scopes) with
//! the audit in words; approving one makes exactly one match — an introduction when the
//! professional applied, a scout otherwise — however often the form is sent, and its
//! mail arrives once over real SMTP; the approved pair leaves the list; a need closed
//! meanwhile is said in words; the form needs its token; an SME gets the 403 page.

use std::{collections::BTreeSet, time::Duration};

use musubi_api::entities::outbox;
use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need,
    pages::{Page, PageClient},
    smtp::SmtpServer,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{assignment::profile_with, json};

const COORDINATOR_PASSWORD: &str = "coordinator-password";
const SME_PASSWORD: &str = "sme-password-123";

struct Region {
    app: TestApp,
    smtp: SmtpServer,
    region: Uuid,
    coordinator: User,
    sme: User,
    /// Headcount 2.
    first: Uuid,
    /// Headcount 1; the designer applied to it.
    second: Uuid,
    designer: User,
    professionals: Vec<User>,
}

/// Two needs, four professionals of different fits, one application; mail goes to a
/// real SMTP server.
async fn region() -> Region {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut settings: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    settings.push(("MUSUBI_SMTP_URL", &url));
    let app = TestApp::spawn_with(&settings).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let mut first_need = cmo_need();
    first_need["headcount"] = json!(2);
    let first = app.post_need(&sme, &first_need).await;
    let mut second_need = cmo_need();
    second_need["title"] = json!("漆器ブランドのEC担当（デジタルマーケティング）");
    second_need["themes"] = json!(["traditional_craft"]);
    let second = app.post_need(&sme, &second_need).await;
    let mut professionals = vec![
        app.professional_with_profile("中村 一郎", &profile_with(json!({"max_engagements": 1})))
            .await,
        app.professional_with_profile("小林 二葉", &profile_with(json!({"max_engagements": 2})))
            .await,
        app.professional_with_profile(
            "加藤 三雄",
            &profile_with(json!({
                "max_engagements": 1, "ties": [], "themes": ["traditional_craft"],
                "home": {"prefecture": "大阪府", "city": "大阪市"}
            })),
        )
        .await,
    ];
    let designer = app
        .professional_with_profile(
            "吉田 四季",
            &profile_with(json!({
                "max_engagements": 2, "headline": "フリーランスのデザイナー",
                "skills": [{"skill": "digital_marketing", "level": 2, "years": 2}],
                "roles": [{"role": "designer", "years": 6}], "ties": []
            })),
        )
        .await;
    let applied = app
        .post(
            &format!("/needs/{second}/applications"),
            &designer.token,
            &json!({"message": "塩尻の漆器を全国に届けたいです"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    professionals.push(designer.clone());
    Region {
        app,
        smtp,
        region,
        coordinator,
        sme,
        first,
        second,
        designer,
        professionals,
    }
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

impl Region {
    /// The JSON API's pairs for `query`, and its body.
    async fn suggested(&self, query: &str) -> (BTreeSet<(Uuid, Uuid)>, Value) {
        let (status, body) = json(
            self.app
                .get(
                    &format!("/regions/{}/assignment?{query}", self.region),
                    &self.coordinator.token,
                )
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let pairs = body["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| (uuid(&pair["need_id"]), uuid(&pair["professional_id"])))
            .collect();
        (pairs, body)
    }

    async fn matches(&self) -> Vec<Value> {
        let (status, page) = json(self.app.get("/matches", &self.coordinator.token).await).await;
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().unwrap().clone()
    }

    /// Waits until the outbox has nothing left to send; then the number of emails.
    async fn delivered(&self) -> u64 {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let waiting = outbox::Entity::find()
                .filter(outbox::Column::Status.is_in(["pending", "sending"]))
                .count(&self.app.db)
                .await
                .unwrap();
            if waiting == 0 {
                let sent = outbox::Entity::find().count(&self.app.db).await.unwrap();
                // And they all reached the SMTP server.
                let received = self
                    .smtp
                    .wait_for(sent as usize, Duration::from_secs(20))
                    .await;
                assert_eq!(received.len() as u64, sent, "every email arrives once");
                return sent;
            }
            assert!(std::time::Instant::now() < deadline, "mail still waiting");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn uuid(value: &Value) -> Uuid {
    Uuid::parse_str(value.as_str().unwrap()).unwrap()
}

/// The pairs on the page, from their anchors `id="p-{need}-{professional}"`.
fn page_pairs(body: &str) -> BTreeSet<(Uuid, Uuid)> {
    body.match_indices("id=\"p-")
        .map(|(at, marker)| {
            let ids = &body[at + marker.len()..at + marker.len() + 73];
            (
                Uuid::parse_str(&ids[..36]).unwrap(),
                Uuid::parse_str(&ids[37..]).unwrap(),
            )
        })
        .collect()
}

/// The approve form of a pair: its entry's text and its idempotency key.
fn entry(body: &str, need: Uuid, professional: Uuid) -> (String, String) {
    let start = body
        .find(&format!("id=\"p-{need}-{professional}\""))
        .unwrap_or_else(|| panic!("{need}/{professional} is not on the page: {body}"));
    let entry = &body[start..];
    let entry = &entry[..entry.find("</form>").expect("the entry has a form")];
    let marker = "name=\"idempotency_key\" value=\"";
    let at = entry.find(marker).expect("a key in the form") + marker.len();
    let key = entry[at..at + entry[at..].find('"').unwrap()].to_owned();
    (entry.to_owned(), key)
}

#[tokio::test]
async fn the_page_shows_the_pairs_the_api_suggests_in_both_modes_with_the_audit_in_words() {
    let r = region().await;
    let mut desk = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;
    let me = desk.get("/me").await;
    assert!(
        me.body.contains("href=\"/region/assignment\""),
        "{}",
        me.body
    );
    for query in [
        "floor=20&mode=max_weight&scope=all",
        "floor=20&mode=stable&scope=all",
        "floor=0&mode=stable&scope=applicants",
    ] {
        let (expected, body) = r.suggested(query).await;
        assert!(!expected.is_empty(), "{query}: {body}");
        let page = desk.get(&format!("/region/assignment?{query}")).await;
        assert_status(&page, StatusCode::OK, query);
        assert_eq!(page_pairs(&page.body), expected, "{query}");
        // The audit, in words, with the API's figures.
        let audit = &body["audit"];
        assert!(
            page.body
                .contains(&format!("ブロッキングペア: {}組", audit["blocking_pairs"])),
            "{query}: {}",
            page.body
        );
        assert!(
            page.body
                .contains(&format!("埋まる枠: {}件", audit["filled"]))
        );
        assert!(page.body.contains(&format!(
            "スコアの合計: {:.1}",
            audit["total_score"].as_f64().unwrap()
        )));
        // Each pair links to its need's candidates and shows its reasons.
        for (need, _) in &expected {
            assert!(
                page.body
                    .contains(&format!("href=\"/needs/{need}/candidates\""))
            );
        }
        assert!(page.body.contains("class=\"factors\""));
    }
    // The designer applied to the second need: approving introduces; others are scouts.
    let page = desk
        .get("/region/assignment?floor=0&mode=max_weight&scope=applicants")
        .await;
    let (designer, _) = entry(&page.body, r.second, r.designer.id);
    assert!(designer.contains("承認して紹介する"), "{designer}");
    let everyone = desk
        .get("/region/assignment?floor=20&mode=max_weight&scope=all")
        .await;
    assert!(everyone.body.contains("承認してスカウトする"));
    // The form keeps the choice; a floor that is not a score is said beside the field.
    assert!(everyone.body.contains("id=\"mode-max_weight\" name=\"mode\" value=\"max_weight\" aria-describedby=\"mode-max_weight-hint\" checked"));
    let bad = desk.get("/region/assignment?floor=120").await;
    assert_status(&bad, StatusCode::UNPROCESSABLE_ENTITY, "a floor of 120");
    assert!(bad.body.contains("0から100までの数で入力してください"));
    assert!(bad.body.contains("value=\"120\""));
    assert!(page_pairs(&bad.body).is_empty());
    // In English too.
    desk.accept_language = Some("en".to_owned());
    let english = desk.get("/region/assignment?floor=20").await;
    assert!(english.body.contains("Blocking pairs"), "{}", english.body);
}

#[tokio::test]
async fn approving_an_applicant_introduces_them_once_however_often_the_form_is_sent() {
    let r = region().await;
    let mut desk = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;
    let query = "floor=0&mode=max_weight&scope=applicants";
    let page = desk.get(&format!("/region/assignment?{query}")).await;
    assert_status(&page, StatusCode::OK, "the suggestion");
    let token = page.csrf_token().unwrap();
    let (_, key) = entry(&page.body, r.second, r.designer.id);
    let action = format!("/region/assignment/approve?{query}");
    let need = r.second.to_string();
    let designer = r.designer.id.to_string();
    let emails = r.delivered().await;

    // Without its token, nothing is done.
    let forged = desk
        .post_form(
            &action,
            &[
                ("idempotency_key", &key),
                ("need_id", &need),
                ("professional_id", &designer),
            ],
        )
        .await;
    assert_status(&forged, StatusCode::FORBIDDEN, "no token");
    assert!(r.matches().await.is_empty());

    let fields = [
        ("csrf_token", token.as_str()),
        ("idempotency_key", key.as_str()),
        ("need_id", need.as_str()),
        ("professional_id", designer.as_str()),
        ("note", "ぜひお話ししてみてください"),
    ];
    let approved = desk.post_form(&action, &fields).await;
    assert_status(&approved, StatusCode::SEE_OTHER, "approving");
    let matches = r.matches().await;
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(matches[0]["status"], "introduced", "{matches:?}");
    assert_eq!(matches[0]["professional"]["professional_id"], designer);
    let id = matches[0]["id"].as_str().unwrap();
    let back = format!("/region/assignment?{query}&done=approved&match={id}");
    assert_eq!(approved.location(), Some(back.as_str()));
    let after = r.delivered().await;
    assert!(after > emails, "the introduction was mailed");

    // The same form again (a double click, a reload): the same answer, no more mail.
    let again = desk.post_form(&action, &fields).await;
    assert_status(&again, StatusCode::SEE_OTHER, "sending the form again");
    assert_eq!(again.location(), Some(back.as_str()));
    assert_eq!(r.matches().await.len(), 1);
    assert_eq!(r.delivered().await, after);

    // Back on the page: said, and the pair is no longer suggested.
    let shown = desk.get(&back).await;
    assert_status(&shown, StatusCode::OK, "after approving");
    assert!(
        shown.body.contains("組み合わせを承認しました"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains(&format!("href=\"/matches/{id}\"")));
    assert!(!page_pairs(&shown.body).contains(&(r.second, r.designer.id)));

    // The pair approved again from the old page, with another key: said in words.
    let fresh = Uuid::new_v4().to_string();
    let matched = desk
        .post_form(
            &action,
            &[
                ("csrf_token", token.as_str()),
                ("idempotency_key", fresh.as_str()),
                ("need_id", need.as_str()),
                ("professional_id", designer.as_str()),
            ],
        )
        .await;
    assert_eq!(
        matched.location(),
        Some(format!("/region/assignment?{query}&done=matched").as_str())
    );
    let said = desk.get(matched.location().unwrap()).await;
    assert!(
        said.body.contains("すでに紹介またはスカウト済み"),
        "{}",
        said.body
    );
    assert_eq!(r.matches().await.len(), 1);
}

#[tokio::test]
async fn approving_someone_who_did_not_apply_scouts_them_once_even_on_a_double_click() {
    let r = region().await;
    let mut first = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;
    let query = "floor=20&mode=stable&scope=all";
    let page = first.get(&format!("/region/assignment?{query}")).await;
    let (expected, body) = r.suggested(query).await;
    let (need, professional) = body["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pair| pair["application_id"].is_null())
        .map(|pair| (uuid(&pair["need_id"]), uuid(&pair["professional_id"])))
        .unwrap_or_else(|| panic!("a pair without an application: {body}"));
    assert!(expected.contains(&(need, professional)));
    let (text, key) = entry(&page.body, need, professional);
    assert!(text.contains("承認してスカウトする"), "{text}");
    let emails = r.delivered().await;
    let token = page.csrf_token().unwrap();
    let (need_text, professional_text) = (need.to_string(), professional.to_string());
    let fields = [
        ("csrf_token", token.as_str()),
        ("idempotency_key", key.as_str()),
        ("need_id", need_text.as_str()),
        ("professional_id", professional_text.as_str()),
        ("note", ""),
    ];
    let action = format!("/region/assignment/approve?{query}");
    let mut second = first.clone();
    let (a, b) = tokio::join!(
        first.post_form(&action, &fields),
        second.post_form(&action, &fields)
    );
    assert_status(&a, StatusCode::SEE_OTHER, "the first click");
    assert_status(&b, StatusCode::SEE_OTHER, "the second click");
    assert_eq!(a.location(), b.location());
    let matches = r.matches().await;
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(matches[0]["status"], "proposed");
    assert_eq!(matches[0]["origin"], "scout");
    assert_eq!(matches[0]["need_id"], need_text, "{matches:?}");
    assert_eq!(r.delivered().await, emails + 1, "one invitation");
    let invitation = r.smtp.messages().last().unwrap().clone();
    let scouted = r
        .professionals
        .iter()
        .find(|p| p.id == professional)
        .unwrap();
    assert_eq!(invitation.rcpt_to, std::slice::from_ref(&scouted.email));
}

#[tokio::test]
async fn a_need_closed_meanwhile_is_said_in_words_and_nothing_is_sent() {
    let r = region().await;
    let mut desk = logged_in(&r.app, &r.coordinator.email, COORDINATOR_PASSWORD).await;
    let query = "floor=20&mode=max_weight&scope=all";
    let page = desk.get(&format!("/region/assignment?{query}")).await;
    let (need, professional) = *page_pairs(&page.body)
        .iter()
        .find(|pair| pair.0 == r.first)
        .unwrap_or_else(|| panic!("a pair for the first need: {}", page.body));
    let (_, key) = entry(&page.body, need, professional);
    let closed = r
        .app
        .post(&format!("/needs/{need}/close"), &r.sme.token, &json!({}))
        .await;
    assert!(closed.status().is_success(), "{}", closed.status());
    let token = page.csrf_token().unwrap();
    let emails = r.delivered().await;
    let refused = desk
        .post_form(
            &format!("/region/assignment/approve?{query}"),
            &[
                ("csrf_token", token.as_str()),
                ("idempotency_key", key.as_str()),
                ("need_id", need.to_string().as_str()),
                ("professional_id", professional.to_string().as_str()),
            ],
        )
        .await;
    let back = format!("/region/assignment?{query}&done=closed");
    assert_eq!(refused.location(), Some(back.as_str()), "{}", refused.body);
    let said = desk.get(&back).await;
    assert!(
        said.body.contains("この募集は締め切られたため"),
        "{}",
        said.body
    );
    assert!(page_pairs(&said.body).iter().all(|pair| pair.0 != r.first));
    assert!(r.matches().await.is_empty());
    assert_eq!(r.delivered().await, emails);
}

#[tokio::test]
async fn an_sme_gets_the_403_page_and_an_empty_region_says_so() {
    let r = region().await;
    let mut owner = logged_in(&r.app, &r.sme.email, SME_PASSWORD).await;
    let refused = owner.get("/region/assignment").await;
    assert_status(&refused, StatusCode::FORBIDDEN, "an SME");
    let token = owner.get("/me").await.csrf_token().unwrap();
    let tried = owner
        .post_form(
            "/region/assignment/approve",
            &[
                ("csrf_token", token.as_str()),
                ("idempotency_key", "k"),
                ("need_id", r.second.to_string().as_str()),
                ("professional_id", r.designer.id.to_string().as_str()),
            ],
        )
        .await;
    assert_status(&tried, StatusCode::FORBIDDEN, "an SME approving");
    assert!(r.matches().await.is_empty());

    // A visitor logs in first.
    let mut visitor = PageClient::new(&r.app.address);
    let away = visitor.get("/region/assignment").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);

    // Another region with no need: said.
    let quiet = r.app.create_region("松本市", "長野県", "松本市").await;
    let other = r.app.coordinator(quiet).await;
    let mut theirs = logged_in(&r.app, &other.email, COORDINATOR_PASSWORD).await;
    let empty = theirs.get("/region/assignment").await;
    assert_status(&empty, StatusCode::OK, "an empty region");
    assert!(
        empty
            .body
            .contains("枠の残っている募集中の案件がありません")
    );
    assert!(page_pairs(&empty.body).is_empty());
}
