//! Writing a need through the pages, at the HTTP level: an SME writes a need in the
//! 仕様書 form and the JSON API returns it field by field (Japanese text as typed); a
//! missing title or wrong hours are shown beside their fields with the input kept; the
//! owner edits the need and closes it after a confirmation; another SME, a professional
//! and a visitor cannot; the forms refuse a request without their token; a title with a
//! script is escaped on the edit page; an SME without an organization owns no needs.

use musubi_api::{
    auth::{AccountRole, password},
    config::Secret,
    repo,
};
use musubi_tests::{
    TestApp, User, cmo_need, marketer_profile,
    pages::{Page, PageClient},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::json;

const SME_PASSWORD: &str = "sme-password-123";
const PRO_PASSWORD: &str = "pro-password-123";

fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
}

/// A page client logged in as `email`.
async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

/// An app with a region and an SME in it.
async fn world() -> (TestApp, User) {
    let app = TestApp::spawn().await;
    let region = app.create_region("輪島市", "石川県", "輪島市").await;
    let sme = app.sme(region, "輪島塗 山中漆器店").await;
    (app, sme)
}

/// The form's fields for a lacquerware shop's need, with `changes` over them.
fn lacquer_form(token: &str, changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = [
        ("title", "漆器のECサイト立ち上げ　マーケティング責任者"),
        (
            "description",
            "創業百年の漆器店です。\n百貨店の販路が細り、自社ECを始めたい。\n撮影は地元で手配します。",
        ),
        ("goal", "6か月で自社ECの月商100万円"),
        ("role", "cmo"),
        ("style", "hands_on"),
        ("skill_0", "digital_marketing"),
        ("level_0", "4"),
        ("must_0", "on"),
        ("skill_1", "pr"),
        ("level_1", "2"),
        ("skill_2", ""),
        ("level_2", "3"),
        ("hours_min", "16"),
        ("hours_max", "32"),
        ("duration_months", "6"),
        ("work_style", "hybrid"),
        ("visits", "1"),
        ("meeting_slots", "weekday_evening"),
        ("meeting_slots", "weekend"),
        ("pay", "paid"),
        // Typed as people do: full-width digits with a separator.
        ("pay_min", "５０，０００"),
        ("pay_max", "100000"),
        ("headcount", "1"),
        ("apply_by", "2027-01-31"),
        ("themes", "traditional_craft"),
        ("themes", "dx"),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.to_owned()))
    .collect();
    for (name, value) in changes {
        match fields.iter_mut().find(|(field, _)| field == name) {
            Some(field) => field.1 = (*value).to_owned(),
            None => fields.push((name, (*value).to_owned())),
        }
    }
    fields.insert(0, ("csrf_token", token.to_owned()));
    fields
}

async fn send(browser: &mut PageClient, path: &str, fields: &[(&'static str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    browser.post_form(path, &pairs).await
}

/// A need through the JSON API, as its owner sees it.
async fn need_json(app: &TestApp, sme: &User, id: &str) -> Value {
    let (status, body) = json(app.get(&format!("/needs/{id}"), &sme.token).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn my_needs(app: &TestApp, user: &User) -> Vec<Value> {
    let (status, body) = json(app.get("/needs?mine=true", &user.token).await).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_sme_writes_a_need_in_the_form_and_the_api_returns_it_as_written() {
    let (app, sme) = world().await;
    let mut browser = logged_in(&app, &sme.email, SME_PASSWORD).await;
    let me = browser.get("/me").await;
    assert!(me.body.contains("href=\"/needs/new\""), "{}", me.body);
    assert!(me.body.contains("まだ募集はありません。"));

    let form = browser.get("/needs/new").await;
    assert_status(&form, StatusCode::OK, "the form");
    assert!(form.body.contains("action=\"/needs/new\""));
    assert!(form.body.contains("<label for=\"skill_4\">"), "five rows");
    assert!(form.body.contains("<option value=\"digital_marketing\">"));
    assert!(form.body.contains("月16〜32時間ほどがよくある目安です"));
    let token = form.csrf_token().unwrap();

    let posted = send(&mut browser, "/needs/new", &lacquer_form(&token, &[])).await;
    assert_status(&posted, StatusCode::SEE_OTHER, "posting");
    let location = posted.location().unwrap().to_owned();
    let id = location.strip_prefix("/needs/").unwrap().to_owned();
    Uuid::parse_str(&id).unwrap();

    let need = need_json(&app, &sme, &id).await;
    assert_eq!(need["status"], "open");
    assert_eq!(
        need["title"],
        "漆器のECサイト立ち上げ　マーケティング責任者"
    );
    assert_eq!(
        need["description"],
        "創業百年の漆器店です。\n百貨店の販路が細り、自社ECを始めたい。\n撮影は地元で手配します。"
    );
    assert_eq!(need["goal"], "6か月で自社ECの月商100万円");
    assert_eq!(
        (&need["role"], &need["style"]),
        (&json!("cmo"), &json!("hands_on"))
    );
    assert_eq!(
        need["skills"],
        json!([
            {"skill": "digital_marketing", "min_level": 4, "must": true},
            {"skill": "pr", "min_level": 2, "must": false}
        ])
    );
    assert_eq!(need["hours_per_month"], json!({"min": 16, "max": 32}));
    assert_eq!(need["duration_months"], 6);
    assert_eq!(need["work_style"], "hybrid");
    assert_eq!(need["onsite_visits_per_month"], 1);
    assert_eq!(need["meeting_slots"], json!(["weekday_evening", "weekend"]));
    assert_eq!(
        need["compensation_jpy"],
        json!({"min": 50000, "max": 100000})
    );
    assert_eq!(need["pro_bono"], false);
    assert_eq!(need["headcount"], 1);
    assert_eq!(need["apply_by"], "2027-01-31");
    assert_eq!(need["themes"], json!(["traditional_craft", "dx"]));

    // The owner's page of the need links to what the owner does with it.
    let page = browser.get(&location).await;
    assert_status(&page, StatusCode::OK, "the need");
    for action in ["edit", "close", "candidates"] {
        assert!(
            page.body.contains(&format!("href=\"{location}/{action}\"")),
            "{action}: {}",
            page.body
        );
    }
    let me = browser.get("/me").await;
    assert!(
        me.body.contains(&format!("href=\"{location}\"")),
        "{}",
        me.body
    );
    assert!(me.body.contains("募集中"));
}

#[tokio::test]
async fn a_missing_title_and_wrong_hours_are_shown_beside_their_fields_with_the_input_kept() {
    let (app, sme) = world().await;
    let mut browser = logged_in(&app, &sme.email, SME_PASSWORD).await;
    let token = browser.get("/needs/new").await.csrf_token().unwrap();

    let fields = lacquer_form(&token, &[("title", "  "), ("hours_min", "40")]);
    let refused = send(&mut browser, "/needs/new", &fields).await;
    assert_status(&refused, StatusCode::UNPROCESSABLE_ENTITY, "no title");
    let body = &refused.body;
    assert!(
        body.contains(
            "<p class=\"field-error\" id=\"title-error\">募集のタイトルを入力してください。</p>"
        ),
        "{body}"
    );
    assert!(
        body.contains("id=\"hours_min-error\">少ないときの時間は1時間以上で、多いときの時間を超えないようにしてください。</p>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"#title\">"),
        "the summary links the field"
    );
    // What was typed is kept, the skill rows and checkboxes too.
    assert!(body.contains("value=\"40\""));
    assert!(body.contains("撮影は地元で手配します。</textarea>"));
    assert!(body.contains("<option value=\"digital_marketing\" selected>"));
    assert!(body.contains("value=\"weekend\" checked"));
    assert!(body.contains("value=\"５０，０００\""));

    let fields = lacquer_form(
        &token,
        &[
            ("hours_max", "三十二"),
            ("visits", "2"),
            ("work_style", "remote"),
        ],
    );
    let refused = send(&mut browser, "/needs/new", &fields).await;
    assert_status(&refused, StatusCode::UNPROCESSABLE_ENTITY, "bad hours");
    assert!(
        refused
            .body
            .contains("id=\"hours_max-error\">数字だけで入力してください（例: 16）。</p>"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("id=\"visits-error\">リモートの募集では現地訪問は0回です。")
    );
    assert!(refused.body.contains("value=\"三十二\""));
    assert!(my_needs(&app, &sme).await.is_empty(), "nothing was posted");
}

#[tokio::test]
async fn the_owner_edits_the_need_then_closes_it_after_a_confirmation() {
    let (app, sme) = world().await;
    let id = app.post_need(&sme, &cmo_need()).await.to_string();
    let mut browser = logged_in(&app, &sme.email, SME_PASSWORD).await;

    let form = browser.get(&format!("/needs/{id}/edit")).await;
    assert_status(&form, StatusCode::OK, "the edit form");
    assert!(
        form.body
            .contains("value=\"塩尻市 シティプロモーション CMO（マーケティング責任者）\"")
    );
    assert!(
        form.body
            .contains("<option value=\"digital_marketing\" selected>")
    );
    assert!(form.body.contains("<option value=\"pr\" selected>"));
    assert!(
        form.body
            .contains("id=\"must_0\" name=\"must_0\" type=\"checkbox\" value=\"on\" checked")
    );
    assert!(form.body.contains("value=\"2027-01-31\""));
    assert!(
        form.body.contains("<label for=\"skill_4\">"),
        "two empty rows more, five at least"
    );
    let token = form.csrf_token().unwrap();

    let fields = lacquer_form(
        &token,
        &[
            ("title", "塩尻市 シティプロモーション（プロボノ）"),
            ("pay", "pro_bono"),
            ("pay_min", ""),
            ("pay_max", ""),
            ("apply_by", ""),
        ],
    );
    let saved = send(&mut browser, &format!("/needs/{id}/edit"), &fields).await;
    assert_status(&saved, StatusCode::SEE_OTHER, "saving");
    assert_eq!(saved.location(), Some(format!("/needs/{id}").as_str()));
    let need = need_json(&app, &sme, &id).await;
    assert_eq!(need["title"], "塩尻市 シティプロモーション（プロボノ）");
    assert_eq!(need["pro_bono"], true);
    assert_eq!(need["compensation_jpy"], Value::Null);
    assert_eq!(need["apply_by"], Value::Null, "an emptied field is cleared");
    assert_eq!(need["work_style"], "hybrid");

    // Closing asks first, and needs the token.
    let confirm = browser.get(&format!("/needs/{id}/close")).await;
    assert_status(&confirm, StatusCode::OK, "the confirmation");
    assert!(confirm.body.contains("新しい応募を受け付けなくなります"));
    assert!(
        confirm
            .body
            .contains(&format!("action=\"/needs/{id}/close\""))
    );
    let no_token = browser.post_form(&format!("/needs/{id}/close"), &[]).await;
    assert_status(&no_token, StatusCode::FORBIDDEN, "closing without a token");
    assert_eq!(need_json(&app, &sme, &id).await["status"], "open");

    let closed = browser
        .post_form(&format!("/needs/{id}/close"), &[("csrf_token", &token)])
        .await;
    assert_status(&closed, StatusCode::SEE_OTHER, "closing");
    assert_eq!(need_json(&app, &sme, &id).await["status"], "closed");
    let page = browser.get(&format!("/needs/{id}")).await;
    assert_status(&page, StatusCode::OK, "the closed need, to its owner");
    assert!(page.body.contains("この募集は締め切られています。"));
    assert!(!page.body.contains(&format!("href=\"/needs/{id}/close\"")));
    let me = browser.get("/me").await;
    assert!(me.body.contains("締め切り済み"), "{}", me.body);
    assert!(me.body.contains(&format!("href=\"/needs/{id}\"")));
}

#[tokio::test]
async fn another_sme_a_professional_and_a_visitor_cannot_write_edit_or_close_the_need() {
    let (app, sme) = world().await;
    let id = app.post_need(&sme, &cmo_need()).await.to_string();
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let other = app.sme(region, "信州食品").await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;

    let mut visitor = PageClient::new(&app.address);
    let sent = visitor.get("/needs/new").await;
    assert_status(&sent, StatusCode::SEE_OTHER, "a visitor");
    assert_eq!(sent.location(), Some("/login?next=%2Fneeds%2Fnew"));

    for (user, password) in [(&other, SME_PASSWORD), (&pro, PRO_PASSWORD)] {
        let mut browser = logged_in(&app, &user.email, password).await;
        let edit = browser.get(&format!("/needs/{id}/edit")).await;
        assert_status(&edit, StatusCode::NOT_FOUND, "another's edit form");
        assert!(edit.body.contains("ページが見つかりません"));
        let need = browser.get(&format!("/needs/{id}")).await;
        assert!(!need.body.contains(&format!("href=\"/needs/{id}/edit\"")));
        let token = need.csrf_token().unwrap();
        let fields = lacquer_form(&token, &[("title", "乗っ取り")]);
        let saved = send(&mut browser, &format!("/needs/{id}/edit"), &fields).await;
        assert_status(&saved, StatusCode::NOT_FOUND, "editing another's need");
        let closed = browser
            .post_form(&format!("/needs/{id}/close"), &[("csrf_token", &token)])
            .await;
        assert_status(&closed, StatusCode::NOT_FOUND, "closing another's need");
    }
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    let new = browser.get("/needs/new").await;
    assert_status(&new, StatusCode::FORBIDDEN, "a professional's new need");

    let need = need_json(&app, &sme, &id).await;
    assert_eq!(need["title"], cmo_need()["title"]);
    assert_eq!(need["status"], "open");
}

#[tokio::test]
async fn the_form_refuses_a_post_without_its_token_or_from_another_site() {
    let (app, sme) = world().await;
    let mut browser = logged_in(&app, &sme.email, SME_PASSWORD).await;
    let token = browser.get("/needs/new").await.csrf_token().unwrap();

    let mut fields = lacquer_form(&token, &[]);
    fields.remove(0);
    let no_token = send(&mut browser, "/needs/new", &fields).await;
    assert_status(&no_token, StatusCode::FORBIDDEN, "without a token");
    assert!(no_token.body.contains("フォームの有効期限が切れました"));

    let fields = lacquer_form(&token, &[]);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let foreign = browser
        .send(
            Method::POST,
            "/needs/new",
            &pairs,
            Some("https://evil.example"),
        )
        .await;
    assert_status(&foreign, StatusCode::FORBIDDEN, "from another site");
    assert!(my_needs(&app, &sme).await.is_empty());
}

#[tokio::test]
async fn a_title_with_a_script_is_escaped_on_the_edit_page() {
    let (app, sme) = world().await;
    let mut need = cmo_need();
    need["title"] = json!("<script>alert(1)</script>");
    let id = app.post_need(&sme, &need).await;
    let mut browser = logged_in(&app, &sme.email, SME_PASSWORD).await;
    let form = browser.get(&format!("/needs/{id}/edit")).await;
    assert_status(&form, StatusCode::OK, "the edit form");
    assert!(
        form.body
            .contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62;\""),
        "{}",
        form.body
    );
    assert!(!form.body.contains("<script>alert"));
    let me = browser.get("/me").await;
    assert!(!me.body.contains("<script>alert"));
}

#[tokio::test]
async fn an_sme_without_an_organization_owns_no_needs() {
    let (app, sme) = world().await;
    app.post_need(&sme, &cmo_need()).await;
    let email = format!("sme-bare-{}@musubi.test", Uuid::new_v4().simple());
    let hash = password::hash(Secret::new(SME_PASSWORD)).await.unwrap();
    let user = repo::users::insert(
        &app.db,
        repo::users::NewUser {
            email: &email,
            password_hash: hash,
            display_name: "団体のないSME",
            role: AccountRole::Sme,
            region_id: None,
        },
    )
    .await
    .unwrap();
    let bare = User {
        id: user.id,
        token: app.login(&email, SME_PASSWORD).await,
        email,
    };
    assert!(
        my_needs(&app, &bare).await.is_empty(),
        "not every open need"
    );
    let mut browser = logged_in(&app, &bare.email, SME_PASSWORD).await;
    let me = browser.get("/me").await;
    assert!(me.body.contains("まだ募集はありません。"), "{}", me.body);
}
