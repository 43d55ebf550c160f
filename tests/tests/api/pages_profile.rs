//! A professional's own pages, at the HTTP level: the profile editor writes what the
//! JSON API reads back (Japanese text, skills with levels, ties), finds skills by
//! English label or synonym (`?skill_q=`), shows errors beside their fields with the
//! input kept; `/me/recommendations` lists a matching open need with its reasons in
//! words and no closed one; `/me/data` downloads the export and erases the account
//! only when confirmed, ending every session of the user; the forms refuse a request
//! without their token or from another site; SMEs and coordinators get the 403 page.

use musubi_tests::{
    TestApp, User, cmo_need, marketer_profile,
    pages::{Page, PageClient},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::json;

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

/// The caller's profile through the JSON API.
async fn profile_json(app: &TestApp, user: &User) -> (u16, Value) {
    json(app.get("/profiles/me", &user.token).await).await
}

/// The editor's token.
async fn profile_token(browser: &mut PageClient) -> String {
    let form = browser.get("/me/profile").await;
    assert_status(&form, StatusCode::OK, "the editor");
    form.csrf_token().unwrap()
}

fn profile_form(token: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf_token", token),
        ("headline", "塩尻の漆器を全国へ届けたいマーケター"),
        (
            "bio",
            "メーカーで10年。<script>alert(1)</script>\n週末は実家の手伝い。",
        ),
        (
            "motivation",
            "生まれ育った塩尻の伝統工芸を次の世代につなぎたい",
        ),
        ("skill_0", "digital_marketing"),
        ("level_0", "4"),
        ("years_0", "8"),
        ("skill_1", ""),
        ("level_1", ""),
        ("years_1", ""),
        ("skill_2", "pr"),
        ("level_2", "2"),
        ("years_2", ""),
        ("role_0", "cmo"),
        ("role_years_0", "2"),
        ("industry", "manufacturing"),
        ("theme", "regional_revitalization"),
        ("theme", "traditional_craft"),
        ("style", "either"),
        ("hours_per_month", "24"),
        ("max_onsite_visits_per_month", "1"),
        ("max_engagements", "1"),
        ("available_from", ""),
        ("work_style", "remote"),
        ("home_prefecture", "東京都"),
        ("home_city", "世田谷区"),
        ("tie_kind_0", "hometown"),
        ("tie_prefecture_0", "長野県"),
        ("tie_city_0", "塩尻市"),
        ("tie_kind_1", ""),
        ("tie_prefecture_1", ""),
        ("tie_city_1", ""),
        ("meeting_slot", "weekday_evening"),
        ("meeting_slot", "weekend"),
        ("min_compensation_jpy", "30,000"),
        ("pro_bono_ok", "yes"),
        ("active", "yes"),
    ]
}

#[tokio::test]
async fn a_profile_written_through_the_form_reads_back_through_the_json_api() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    let me = browser.get("/me").await;
    for link in ["/me/profile", "/me/recommendations", "/me/data"] {
        assert!(
            me.body.contains(&format!("<a href=\"{link}\">")),
            "{link}: {}",
            me.body
        );
    }
    assert_eq!(profile_json(&app, &pro).await.0, 404);

    let token = profile_token(&mut browser).await;
    let saved = browser
        .post_form("/me/profile", &profile_form(&token))
        .await;
    assert_status(&saved, StatusCode::SEE_OTHER, "saving");
    assert_eq!(saved.location(), Some("/me/profile?done=saved"));

    let (status, profile) = profile_json(&app, &pro).await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["headline"], "塩尻の漆器を全国へ届けたいマーケター");
    assert_eq!(
        profile["bio"],
        "メーカーで10年。<script>alert(1)</script>\n週末は実家の手伝い。"
    );
    assert_eq!(
        profile["skills"],
        json!([
            {"skill": "digital_marketing", "level": 4, "years": 8},
            {"skill": "pr", "level": 2, "years": 0}
        ])
    );
    assert_eq!(profile["roles"], json!([{"role": "cmo", "years": 2}]));
    assert_eq!(
        profile["ties"],
        json!([{"prefecture": "長野県", "city": "塩尻市", "kind": "hometown"}])
    );
    assert_eq!(
        profile["home"],
        json!({"prefecture": "東京都", "city": "世田谷区"})
    );
    assert_eq!(
        profile["themes"],
        json!(["regional_revitalization", "traditional_craft"])
    );
    assert_eq!(
        profile["meeting_slots"],
        json!(["weekday_evening", "weekend"])
    );
    assert_eq!(profile["hours_per_month"], 24);
    assert_eq!(profile["min_compensation_jpy"], 30_000);
    assert_eq!(profile["pro_bono_ok"], true);
    assert_eq!(profile["work_style"], "remote");

    // The editor shows what is stored, user text escaped.
    let again = browser.get("/me/profile?done=saved").await;
    assert_status(&again, StatusCode::OK, "the saved editor");
    assert!(again.body.contains("プロフィールを保存しました。"));
    assert!(
        again
            .body
            .contains("value=\"塩尻の漆器を全国へ届けたいマーケター\"")
    );
    assert!(
        again
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
    );
    assert!(!again.body.contains("<script>alert"));
    assert!(
        again
            .body
            .contains("<option value=\"digital_marketing\" selected>")
    );

    // A second save replaces the profile.
    let token = again.csrf_token().unwrap();
    let mut form = profile_form(&token);
    form.retain(|(name, _)| !name.starts_with("skill_2") && *name != "level_2");
    form.push(("hours_per_month", "16"));
    form.retain(|pair| *pair != ("hours_per_month", "24"));
    let replaced = browser.post_form("/me/profile", &form).await;
    assert_status(&replaced, StatusCode::SEE_OTHER, "saving again");
    let (_, profile) = profile_json(&app, &pro).await;
    assert_eq!(profile["hours_per_month"], 16);
    assert_eq!(
        profile["skills"],
        json!([{"skill": "digital_marketing", "level": 4, "years": 8}])
    );
}

#[tokio::test]
async fn the_skill_picker_finds_skills_by_english_label_and_by_synonym() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;

    let all = browser.get("/me/profile").await;
    assert!(all.body.contains("<option value=\"hiring\">"));
    // An option names the skill in both languages, with its short synonyms.
    assert!(
        all.body
            .contains("デジタルマーケティング / Digital marketing（デジマ"),
        "{}",
        all.body
    );

    for query in ["Digital%20marketing", "%E3%83%87%E3%82%B8%E3%83%9E"] {
        let found = browser.get(&format!("/me/profile?skill_q={query}")).await;
        assert_status(&found, StatusCode::OK, query);
        assert!(
            found.body.contains("<option value=\"digital_marketing\">"),
            "{query}: {}",
            found.body
        );
        assert!(!found.body.contains("<option value=\"hiring\">"), "{query}");
        assert!(found.body.contains("合うスキルが"), "{query}");
    }
    let displayed = browser.get("/me/profile?skill_q=Digital%20marketing").await;
    assert!(displayed.body.contains("value=\"Digital marketing\""));

    let none = browser.get("/me/profile?skill_q=zzzqqq").await;
    assert!(none.body.contains("合うスキルが見つかりませんでした。"));
    assert!(none.body.contains("<option value=\"hiring\">"));

    // A skill picked from a narrowed list is saved by its key.
    let token = none.csrf_token().unwrap();
    let mut form = profile_form(&token);
    form.retain(|(name, _)| !name.ends_with("_2"));
    let saved = browser.post_form("/me/profile", &form).await;
    assert_status(&saved, StatusCode::SEE_OTHER, "saving");
    let (_, profile) = profile_json(&app, &pro).await;
    assert_eq!(profile["skills"][0]["skill"], "digital_marketing");
}

#[tokio::test]
async fn errors_are_shown_beside_their_fields_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    let token = profile_token(&mut browser).await;
    let mut form = profile_form(&token);
    let replace = |form: &mut Vec<(&str, &str)>, name: &str, value: &'static str| {
        for pair in form.iter_mut() {
            if pair.0 == name {
                pair.1 = value;
            }
        }
    };
    replace(&mut form, "headline", "");
    replace(&mut form, "hours_per_month", "たくさん");
    replace(&mut form, "level_0", "");
    replace(&mut form, "tie_city_1", "松本市");
    replace(&mut form, "skill_2", "digital_marketing");
    let refused = browser.post_form("/me/profile", &form).await;
    assert_status(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an invalid profile",
    );
    for (id, message) in [
        (
            "headline",
            "ひとこと紹介を1〜200文字（1行）で入力してください。",
        ),
        (
            "hours_per_month",
            "月に使える時間は1〜320の数字で入力してください。",
        ),
        ("level_0", "レベルを1〜5から選んでください。"),
        ("tie_kind_1", "つながりの種類を選んでください。"),
        ("skill_2", "このスキルはすでに選んでいます。"),
    ] {
        assert!(
            refused.body.contains(&format!(
                "<p class=\"field-error\" id=\"{id}-error\">{message}</p>"
            )),
            "{id}: {}",
            refused.body
        );
        assert!(refused.body.contains(&format!("href=\"#{id}\"")), "{id}");
    }
    // What was typed is kept.
    assert!(refused.body.contains("value=\"たくさん\""));
    assert!(refused.body.contains("value=\"松本市\""));
    assert!(
        refused
            .body
            .contains("生まれ育った塩尻の伝統工芸を次の世代につなぎたい")
    );
    assert!(
        refused
            .body
            .contains("<option value=\"digital_marketing\" selected>")
    );
    assert!(refused.body.contains("<option value=\"長野県\" selected>"));
    // Nothing was saved.
    assert_eq!(profile_json(&app, &pro).await.0, 404);
}

#[tokio::test]
async fn recommendations_list_a_matching_need_with_reasons_in_words_and_no_closed_one() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "信州漆器工房").await;
    let open = app.post_need(&sme, &cmo_need()).await;
    let mut closed_need = cmo_need();
    closed_need["title"] = json!("締め切った広報の募集");
    let closed = app.post_need(&sme, &closed_need).await;
    let answer = app
        .post(&format!("/needs/{closed}/close"), &sme.token, &json!({}))
        .await;
    assert_eq!(answer.status(), 200);

    // Without a profile: a pointer to the editor.
    let newcomer = app.professional("新人 太郎").await;
    let mut browser = logged_in(&app, &newcomer.email, PRO_PASSWORD).await;
    let none = browser.get("/me/recommendations").await;
    assert_status(&none, StatusCode::OK, "no profile yet");
    assert!(none.body.contains("まずプロフィールを書いてください"));
    assert!(none.body.contains("href=\"/me/profile\""));

    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    let page = browser.get("/me/recommendations").await;
    assert_status(&page, StatusCode::OK, "recommendations");
    assert!(
        page.body.contains(&format!("href=\"/needs/{open}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("塩尻市 シティプロモーション CMO"));
    assert!(page.body.contains("信州漆器工房"));
    assert!(page.body.contains("合う理由"));
    // The matcher's reason, in words: the must-have skill the professional has.
    assert!(
        page.body.contains("デジタルマーケティング"),
        "{}",
        page.body
    );
    assert!(page.body.contains("スキル："), "{}", page.body);
    assert!(!page.body.contains(&closed.to_string()));
    assert!(!page.body.contains("締め切った広報の募集"));

    // In English, the reasons are English.
    browser.accept_language = Some("en".to_owned());
    let english = browser.get("/me/recommendations").await;
    assert!(english.body.contains("Why it fits"), "{}", english.body);
    assert!(
        english.body.contains("Digital marketing"),
        "{}",
        english.body
    );
}

#[tokio::test]
async fn the_export_downloads_as_json_with_the_users_email() {
    let app = TestApp::spawn().await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    let page = browser.get("/me/data").await;
    assert_status(&page, StatusCode::OK, "the data page");
    assert!(page.body.contains("href=\"/me/data/export\""));
    assert!(
        page.body
            .contains("このアカウントではログインできなくなります")
    );
    let file = browser.get("/me/data/export").await;
    assert_status(&file, StatusCode::OK, "the export");
    assert!(
        file.header("content-disposition")
            .is_some_and(|value| value.starts_with("attachment")),
        "{:?}",
        file.headers
    );
    assert!(
        file.header("content-type")
            .is_some_and(|value| value.starts_with("application/json"))
    );
    let export: Value = serde_json::from_str(&file.body).unwrap();
    assert_eq!(export["account"]["email"], pro.email.as_str());
    assert_eq!(
        export["profile"]["headline"],
        marketer_profile()["headline"]
    );
    // The same as the JSON API's export, but for when it was made.
    let (status, mut api) = json(app.get("/profiles/me/export", &pro.token).await).await;
    assert_eq!(status, 200);
    let mut export = export;
    export["exported_at"] = Value::Null;
    api["exported_at"] = Value::Null;
    assert_eq!(export, api);
}

#[tokio::test]
async fn erasure_is_refused_without_confirmation_a_token_or_from_another_site() {
    let app = TestApp::spawn().await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    let page = browser.get("/me/data").await;
    let token = page.csrf_token().unwrap();

    let unconfirmed = browser
        .post_form("/me/data/erase", &[("csrf_token", &token)])
        .await;
    assert_status(
        &unconfirmed,
        StatusCode::UNPROCESSABLE_ENTITY,
        "without confirmation",
    );
    assert!(unconfirmed.body.contains(
        "<p class=\"field-error\" id=\"confirm-error\">削除するには、確認のチェックを入れてください。</p>"
    ));

    let tokenless = browser
        .post_form("/me/data/erase", &[("confirm", "erase")])
        .await;
    assert_status(&tokenless, StatusCode::FORBIDDEN, "without a token");
    let foreign = browser
        .send(
            Method::POST,
            "/me/data/erase",
            &[("csrf_token", &token), ("confirm", "erase")],
            Some("https://evil.example"),
        )
        .await;
    assert_status(&foreign, StatusCode::FORBIDDEN, "from another site");
    let profile_tokenless = browser
        .post_form("/me/profile", &profile_form("")[1..])
        .await;
    assert_status(
        &profile_tokenless,
        StatusCode::FORBIDDEN,
        "a profile without a token",
    );

    // Nothing happened.
    assert_eq!(profile_json(&app, &pro).await.0, 200);
    assert_eq!(app.try_login(&pro.email, PRO_PASSWORD).await.status(), 200);
    assert_status(&browser.get("/me").await, StatusCode::OK, "still logged in");
}

#[tokio::test]
async fn erasure_ends_every_session_of_the_user_and_the_account() {
    let app = TestApp::spawn().await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let mut browser = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    let mut phone = logged_in(&app, &pro.email, PRO_PASSWORD).await;
    assert_status(
        &phone.get("/me").await,
        StatusCode::OK,
        "the second session",
    );
    let cookie = browser.jar.clone();

    let page = browser.get("/me/data").await;
    let token = page.csrf_token().unwrap();
    let erased = browser
        .post_form(
            "/me/data/erase",
            &[("csrf_token", &token), ("confirm", "erase")],
        )
        .await;
    assert_status(&erased, StatusCode::SEE_OTHER, "erasing");
    assert_eq!(erased.location(), Some("/?done=erased"));
    assert!(browser.session().is_none(), "the cookie is removed");
    let home = browser.get("/?done=erased").await;
    assert!(
        home.body
            .contains("個人データを削除し、ログアウトしました。")
    );

    // The old cookie, sent again, is no session; nor is the other device's.
    browser.jar = cookie;
    for (client, what) in [
        (&mut browser, "the erasing session"),
        (&mut phone, "the other session"),
    ] {
        let me = client.get("/me").await;
        assert_status(&me, StatusCode::SEE_OTHER, what);
        assert_eq!(me.location(), Some("/login?next=%2Fme"), "{what}");
    }
    assert_eq!(app.try_login(&pro.email, PRO_PASSWORD).await.status(), 401);
}

#[tokio::test]
async fn smes_and_coordinators_get_the_403_page() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "信州漆器工房").await;
    let coordinator = app.coordinator(region).await;
    for (user, password) in [
        (&sme, "sme-password-123"),
        (&coordinator, "coordinator-password"),
    ] {
        let mut browser = logged_in(&app, &user.email, password).await;
        let me = browser.get("/me").await;
        assert!(!me.body.contains("href=\"/me/profile\""), "{}", me.body);
        let token = me.csrf_token().unwrap_or_default();
        for path in [
            "/me/profile",
            "/me/profile?skill_q=seo",
            "/me/recommendations",
            "/me/data",
            "/me/data/export",
        ] {
            let page = browser.get(path).await;
            assert_status(&page, StatusCode::FORBIDDEN, path);
            assert!(
                page.header("content-type")
                    .is_some_and(|value| value.starts_with("text/html")),
                "{path}"
            );
        }
        // With the session's token (the logout form's), refused for the role.
        assert!(!token.is_empty());
        for path in ["/me/profile", "/me/data/erase"] {
            let refused = browser
                .post_form(path, &[("csrf_token", &token), ("confirm", "erase")])
                .await;
            assert_status(&refused, StatusCode::FORBIDDEN, path);
            assert!(
                refused.body.contains("このページは表示できません"),
                "{path}"
            );
        }
        assert_eq!(app.try_login(&user.email, password).await.status(), 200);
    }
}
