//! `/needs/{id}/candidates` at the HTTP level: the owner sees its applicants in the JSON
//! API's order, each factor as a bar with its reasons and the proposal, and nothing
//! that names the professional; other SMEs and professionals get the 404 page, a
//! visitor logs in and comes back; a coordinator lists everyone (scouting) and the
//! excluded with why, and introduces from the page once however often the form is
//! sent; the form refuses a request without its token; user text is escaped.

use musubi_api::entities::{idempotency_key, outbox};
use musubi_tests::{
    TestApp, User, cmo_need, marketer_profile,
    pages::{Page, PageClient},
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::json;

const SME_PASSWORD: &str = "sme-password-123";
const PRO_PASSWORD: &str = "pro-password-123";
const COORDINATOR_PASSWORD: &str = "coordinator-password";
const MARKETER: &str = "山田 花子";
const DESIGNER: &str = "田中 一郎";
const PROPOSAL: &str = "塩尻の関係人口を増やす企画を、月2回のオンライン会議で進めます";

fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
}

/// Text as askama writes it into a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

/// The marketer, with some fields replaced.
fn profile_with(changes: Value) -> Value {
    let mut profile = marketer_profile();
    for (key, value) in changes.as_object().unwrap() {
        profile[key] = value.clone();
    }
    profile
}

/// A weaker fit for the CMO need.
fn designer_profile() -> Value {
    profile_with(json!({
        "headline": "フリーランスのデザイナー",
        "bio": "デザイン事務所に8年勤務。",
        "motivation": "ブランドづくりを手伝いたい",
        "skills": [{"skill": "digital_marketing", "level": 2, "years": 2}],
        "roles": [{"role": "designer", "years": 6}],
        "themes": [],
        "ties": [],
        "home": {"prefecture": "大阪府", "city": "大阪市"}
    }))
}

struct World {
    app: TestApp,
    region: Uuid,
    sme: User,
    coordinator: User,
    need: Uuid,
    marketer: User,
    designer: User,
}

/// A need with two applicants: the designer applied first, the marketer fits best.
async fn world() -> World {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let coordinator = app.coordinator(region).await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let designer = app
        .professional_with_profile(DESIGNER, &designer_profile())
        .await;
    let marketer = app
        .professional_with_profile(MARKETER, &marketer_profile())
        .await;
    let w = World {
        app,
        region,
        sme,
        coordinator,
        need,
        marketer,
        designer,
    };
    w.apply(&w.designer, "デザイン面で協力します").await;
    w.apply(&w.marketer, PROPOSAL).await;
    w
}

impl World {
    async fn apply(&self, who: &User, message: &str) {
        let response = self
            .app
            .post(
                &format!("/needs/{}/applications", self.need),
                &who.token,
                &json!({"message": message}),
            )
            .await;
        assert_eq!(response.status(), 201);
    }

    /// The JSON API's candidates for `who`.
    async fn items(&self, who: &User, query: &str) -> Vec<Value> {
        let (status, page) = json(
            self.app
                .get(
                    &format!("/needs/{}/candidates{query}", self.need),
                    &who.token,
                )
                .await,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().unwrap().clone()
    }

    fn page(&self) -> String {
        format!("/needs/{}/candidates", self.need)
    }

    async fn matches(&self) -> Vec<Value> {
        let (status, page) = json(self.app.get("/matches", &self.coordinator.token).await).await;
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().unwrap().clone()
    }

    async fn emails(&self) -> u64 {
        outbox::Entity::find().count(&self.app.db).await.unwrap()
    }
}

/// Where each professional's entry starts on the page, in the order given.
fn positions(body: &str, ids: &[String]) -> Vec<usize> {
    ids.iter()
        .map(|id| {
            body.find(&format!("id=\"c-{id}\""))
                .unwrap_or_else(|| panic!("{id} is not on the page: {body}"))
        })
        .collect()
}

/// The coordinator's form on `professional`'s entry: its idempotency key.
fn form_key(body: &str, professional: Uuid) -> String {
    let start = body
        .find(&format!("id=\"c-{professional}\""))
        .unwrap_or_else(|| panic!("{professional} is not on the page"));
    let entry = &body[start..];
    let entry = &entry[..entry.find("</form>").expect("the entry has a form")];
    assert!(
        entry.contains(&format!(
            "name=\"professional_id\" value=\"{professional}\""
        )),
        "{entry}"
    );
    let marker = "name=\"idempotency_key\" value=\"";
    let at = entry.find(marker).expect("a key in the form") + marker.len();
    entry[at..at + entry[at..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn the_owner_sees_applicants_ranked_as_the_api_ranks_them_with_bars_and_reasons_but_no_names()
{
    let w = world().await;
    let mut sme = logged_in(&w.app, &w.sme.email, SME_PASSWORD).await;
    let page = sme.get(&w.page()).await;
    assert_status(&page, StatusCode::OK, "the owner's candidates");

    let items = w.items(&w.sme, "").await;
    let ids: Vec<String> = items
        .iter()
        .map(|item| item["professional_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [w.marketer.id.to_string(), w.designer.id.to_string()]);
    let at = positions(&page.body, &ids);
    assert!(at[0] < at[1], "the page's order is the API's");

    // The total and every factor as a bar, with the reasons the matcher gave.
    let best = &items[0];
    let score = best["score"].as_f64().unwrap();
    assert!(
        page.body
            .contains(&format!("<meter min=\"0\" max=\"100\" value=\"{score}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("スキル適合"));
    assert!(page.body.contains("地域とのつながり"));
    for factor in best["factors"].as_array().unwrap() {
        for reason in factor["reasons"].as_array().unwrap() {
            let reason = escaped(reason.as_str().unwrap());
            assert!(page.body.contains(&reason), "{reason} in {}", page.body);
        }
    }
    assert_eq!(
        page.body.matches("<meter min=\"0\" max=\"1\"").count(),
        items
            .iter()
            .map(|item| item["factors"].as_array().unwrap().len())
            .sum::<usize>(),
        "a bar for every factor of every candidate"
    );
    assert!(
        page.body
            .contains(&escaped(best["display"].as_str().unwrap()))
    );
    assert!(page.body.contains(PROPOSAL), "the proposal is shown");

    // Pseudonymous: nothing names the professionals, in the source either.
    for hidden in [
        MARKETER,
        DESIGNER,
        w.marketer.email.as_str(),
        w.designer.email.as_str(),
        "メーカーで10年",
        "デザイン事務所に8年勤務",
    ] {
        assert!(!page.body.contains(hidden), "{hidden} is on the SME's page");
    }
    // The owner ranks its applicants only, and introduces nobody from here.
    assert!(!page.body.contains("candidates/match"), "{}", page.body);
    assert!(!page.body.contains("name=\"scope\""));

    // In English, the reasons are the matcher's English ones.
    sme.accept_language = Some("en".to_owned());
    let english = sme.get(&w.page()).await;
    assert_eq!(english.lang(), Some("en"));
    let reason = best["factors"][0]["reasons_en"][0].as_str().unwrap();
    assert!(english.body.contains(&escaped(reason)), "{}", english.body);
}

#[tokio::test]
async fn other_smes_and_professionals_get_the_404_page_and_a_visitor_logs_in_first() {
    let w = world().await;
    let other = w.app.sme(w.region, "別の会社").await;
    let mut other = logged_in(&w.app, &other.email, SME_PASSWORD).await;
    assert_status(
        &other.get(&w.page()).await,
        StatusCode::NOT_FOUND,
        "another SME",
    );
    let mut applicant = logged_in(&w.app, &w.marketer.email, PRO_PASSWORD).await;
    let refused = applicant.get(&w.page()).await;
    assert_status(&refused, StatusCode::NOT_FOUND, "a professional");
    assert!(!refused.body.contains(PROPOSAL));
    let elsewhere = w.app.create_region("松本市", "長野県", "松本市").await;
    let elsewhere = w.app.coordinator(elsewhere).await;
    let mut elsewhere = logged_in(&w.app, &elsewhere.email, COORDINATOR_PASSWORD).await;
    assert_status(
        &elsewhere.get(&format!("{}?scope=all", w.page())).await,
        StatusCode::NOT_FOUND,
        "another region's coordinator",
    );
    assert_status(
        &elsewhere
            .get(&format!("/needs/{}/candidates", Uuid::new_v4()))
            .await,
        StatusCode::NOT_FOUND,
        "no such need",
    );

    let mut visitor = PageClient::new(&w.app.address);
    let sent = visitor.get(&w.page()).await;
    assert_status(&sent, StatusCode::SEE_OTHER, "a visitor");
    assert_eq!(
        sent.location(),
        Some(format!("/login?next=%2Fneeds%2F{}%2Fcandidates", w.need).as_str())
    );
    let back = visitor
        .login(&w.sme.email, SME_PASSWORD, Some(&w.page()))
        .await;
    assert_eq!(back.location(), Some(w.page().as_str()));
}

#[tokio::test]
async fn a_coordinator_lists_everyone_and_the_excluded_with_why() {
    let w = world().await;
    let scouted = w
        .app
        .professional_with_profile("高橋 美咲", &marketer_profile())
        .await;
    // The need asks 16–32 hours a month; 4 is below half of the minimum.
    let busy = w
        .app
        .professional_with_profile("多忙 太郎", &profile_with(json!({"hours_per_month": 4})))
        .await;
    w.apply(&busy, "少しなら").await;
    let scouted_anchor = format!("id=\"c-{}\"", scouted.id);
    let busy_anchor = format!("id=\"c-{}\"", busy.id);

    let mut coordinator = logged_in(&w.app, &w.coordinator.email, COORDINATOR_PASSWORD).await;
    let applicants = coordinator.get(&w.page()).await;
    assert_status(&applicants, StatusCode::OK, "the applicants");
    assert!(applicants.body.contains("name=\"scope\""), "the filters");
    assert!(!applicants.body.contains(&scouted_anchor));
    assert!(!applicants.body.contains(&busy_anchor));

    let everyone = coordinator.get(&format!("{}?scope=all", w.page())).await;
    assert_status(&everyone, StatusCode::OK, "everyone");
    let ids: Vec<String> = w
        .items(&w.coordinator, "?scope=all")
        .await
        .iter()
        .map(|item| item["professional_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&scouted.id.to_string()));
    let at = positions(&everyone.body, &ids);
    assert!(at.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
    // The one who did not apply is scouted; the applicants are introduced.
    let entry = &everyone.body[everyone.body.find(&scouted_anchor).unwrap()..];
    let entry = &entry[..entry.find("</form>").unwrap()];
    assert!(entry.contains(">スカウトする</button>"), "{entry}");
    let entry = &everyone.body[everyone
        .body
        .find(&format!("id=\"c-{}\"", w.marketer.id))
        .unwrap()..];
    let entry = &entry[..entry.find("</form>").unwrap()];
    assert!(entry.contains(">紹介する</button>"), "{entry}");
    assert!(
        entry.contains("<li>応募あり</li>"),
        "the applicants are marked"
    );
    assert!(
        everyone.body.contains("checked"),
        "the scope chosen stays chosen"
    );

    let excluded = coordinator.get(&format!("{}?excluded=1", w.page())).await;
    assert_status(&excluded, StatusCode::OK, "with the excluded");
    assert!(excluded.body.contains(&busy_anchor), "{}", excluded.body);
    assert!(
        excluded
            .body
            .contains("稼働可能時間が募集の下限の半分に届きません"),
        "{}",
        excluded.body
    );

    // The owner cannot widen the list: the scope is the coordinators'.
    let mut sme = logged_in(&w.app, &w.sme.email, SME_PASSWORD).await;
    let narrow = sme.get(&format!("{}?scope=all", w.page())).await;
    assert_status(&narrow, StatusCode::OK, "the owner asking for everyone");
    assert!(!narrow.body.contains(&scouted_anchor));
}

#[tokio::test]
async fn a_coordinator_introduces_from_the_page_once_however_often_the_form_is_sent() {
    let w = world().await;
    let mut coordinator = logged_in(&w.app, &w.coordinator.email, COORDINATOR_PASSWORD).await;
    let page = coordinator.get(&w.page()).await;
    assert_status(&page, StatusCode::OK, "the coordinator's candidates");
    let token = page.csrf_token().unwrap();
    let key = form_key(&page.body, w.marketer.id);
    let action = format!("/needs/{}/candidates/match", w.need);
    let marketer = w.marketer.id.to_string();
    let note = "<b>ぜひ</b> お話ししてみてください";
    let emails_before = w.emails().await;

    // Without the token, or from another site, nothing is done.
    let refused = coordinator
        .post_form(
            &action,
            &[
                ("idempotency_key", &key),
                ("professional_id", &marketer),
                ("note", note),
            ],
        )
        .await;
    assert_status(&refused, StatusCode::FORBIDDEN, "no token");
    // Another SME may not introduce, whatever it sends.
    let mut sme = logged_in(&w.app, &w.sme.email, SME_PASSWORD).await;
    let sme_token = sme.get(&w.page()).await.csrf_token().unwrap();
    let sme_try = sme
        .post_form(
            &action,
            &[
                ("csrf_token", &sme_token),
                ("idempotency_key", &key),
                ("professional_id", &marketer),
                ("note", note),
            ],
        )
        .await;
    assert_status(&sme_try, StatusCode::NOT_FOUND, "the owner introducing");
    // A note over the limit is refused beside its field, kept.
    let long = "あ".repeat(2_001);
    let too_long = coordinator
        .post_form(
            &action,
            &[
                ("csrf_token", &token),
                ("idempotency_key", &key),
                ("professional_id", &marketer),
                ("note", &long),
            ],
        )
        .await;
    assert_status(&too_long, StatusCode::UNPROCESSABLE_ENTITY, "a long note");
    assert!(too_long.body.contains("2000文字以内で入力してください"));
    assert!(too_long.body.contains(&long), "the note is kept");
    assert!(w.matches().await.is_empty());
    assert_eq!(w.emails().await, emails_before);

    let fields = [
        ("csrf_token", token.as_str()),
        ("idempotency_key", key.as_str()),
        ("professional_id", marketer.as_str()),
        ("note", note),
    ];
    let made = coordinator.post_form(&action, &fields).await;
    assert_status(&made, StatusCode::SEE_OTHER, "introducing");
    let matches = w.matches().await;
    assert_eq!(matches.len(), 1, "{matches:?}");
    let id = matches[0]["id"].as_str().unwrap();
    assert_eq!(matches[0]["status"], "introduced");
    assert_eq!(matches[0]["professional"]["professional_id"], marketer);
    assert_eq!(made.location(), Some(format!("/matches/{id}").as_str()));
    let emails = w.emails().await;
    assert!(emails > emails_before, "the introduction was mailed");

    // The same form again (a double click, a reload): the same match, no more mail.
    let again = coordinator.post_form(&action, &fields).await;
    assert_status(&again, StatusCode::SEE_OTHER, "sending the form again");
    assert_eq!(again.location(), Some(format!("/matches/{id}").as_str()));
    assert_eq!(w.matches().await.len(), 1);
    assert_eq!(w.emails().await, emails);

    // The key was kept with its answer, beside the change.
    let kept = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::Key.eq(key.as_str()))
        .filter(idempotency_key::Column::Status.eq("done"))
        .count(&w.app.db)
        .await
        .unwrap();
    assert_eq!(kept, 1, "the form's key is stored with the match it made");

    // A fresh form for a pair matched already shows that match.
    let fresh = coordinator.get(&w.page()).await;
    let fresh_key = form_key(&fresh.body, w.marketer.id);
    assert_ne!(fresh_key, key, "each rendering has its own key");
    let matched = coordinator
        .post_form(
            &action,
            &[
                ("csrf_token", &token),
                ("idempotency_key", &fresh_key),
                ("professional_id", &marketer),
                ("note", "もう一度"),
            ],
        )
        .await;
    assert_status(&matched, StatusCode::SEE_OTHER, "matching the pair again");
    assert_eq!(matched.location(), Some(format!("/matches/{id}").as_str()));
    assert_eq!(w.matches().await.len(), 1);
    assert_eq!(w.emails().await, emails);
}

#[tokio::test]
async fn a_scout_sent_twice_at_once_makes_one_match_and_one_invitation() {
    let w = world().await;
    let scouted = w
        .app
        .professional_with_profile("高橋 美咲", &marketer_profile())
        .await;
    let mut first = logged_in(&w.app, &w.coordinator.email, COORDINATOR_PASSWORD).await;
    let page = first.get(&format!("{}?scope=all", w.page())).await;
    assert_status(&page, StatusCode::OK, "everyone");
    let token = page.csrf_token().unwrap();
    let key = form_key(&page.body, scouted.id);
    let action = format!("/needs/{}/candidates/match?scope=all", w.need);
    let professional = scouted.id.to_string();
    let fields = [
        ("csrf_token", token.as_str()),
        ("idempotency_key", key.as_str()),
        ("professional_id", professional.as_str()),
        ("note", "一度お話ししませんか"),
    ];
    let emails = w.emails().await;
    let mut second = first.clone();
    let (a, b) = tokio::join!(
        first.post_form(&action, &fields),
        second.post_form(&action, &fields)
    );
    assert_status(&a, StatusCode::SEE_OTHER, "the first click");
    assert_status(&b, StatusCode::SEE_OTHER, "the second click");
    assert_eq!(a.location(), b.location());
    let matches = w.matches().await;
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(matches[0]["status"], "proposed");
    assert_eq!(matches[0]["origin"], "scout");
    assert_eq!(
        a.location(),
        Some(format!("/matches/{}", matches[0]["id"].as_str().unwrap()).as_str())
    );
    assert_eq!(w.emails().await, emails + 1, "one invitation");
}

#[tokio::test]
async fn a_need_titled_with_a_script_renders_as_text() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let mut need = cmo_need();
    need["title"] = json!("<script>alert(1)</script>");
    let need = app.post_need(&sme, &need).await;
    let mut browser = logged_in(&app, &sme.email, SME_PASSWORD).await;
    let page = browser.get(&format!("/needs/{need}/candidates")).await;
    assert_status(&page, StatusCode::OK, "the candidates of the need");
    assert!(
        page.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
    );
    assert!(!page.body.contains("<script>alert(1)"), "{}", page.body);
    assert!(page.body.contains("まだ候補者はいません。"));
}
