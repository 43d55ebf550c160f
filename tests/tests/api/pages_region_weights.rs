//! `/region/weights` at the HTTP level: the preview shows who moves (a need and two
//! profiles where raising `regional_affinity` provably swaps them) and saves nothing,
//! nor leaves its ranking in the kept candidate lists; saving changes the weights and
//! the candidate list at once; bad input is refused beside its field with the input
//! kept and nothing saved; other roles get the 403 page; the form needs its token.

use musubi_tests::{TestApp, User, cmo_need, pages::PageClient};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{candidates::profile_with, json};

const FACTORS: [&str; 7] = [
    "skill_fit",
    "motivation_fit",
    "experience_fit",
    "availability_fit",
    "regional_affinity",
    "work_style_fit",
    "compensation_fit",
];

/// Weights where the tie to the region outweighs everything else together.
const TIES_FIRST: [&str; 7] = ["1", "1", "1", "1", "12", "1", "0"];

struct World {
    app: TestApp,
    region: Uuid,
    coordinator: User,
    sme: User,
    need: Uuid,
    /// Highly skilled, no tie to the region: first under the default weights.
    skilled: User,
    /// Less skilled, born in Shiojiri: first when ties weigh most.
    local: User,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let skilled = app
        .professional_with_profile(
            "佐藤 健",
            &profile_with(json!({
                "skills": [{"skill": "digital_marketing", "level": 5, "years": 12}, {"skill": "pr", "level": 4, "years": 5}],
                "ties": []
            })),
        )
        .await;
    // No tie to the region: scouted there because they share with the whole alliance.
    let shared = app
        .put(
            "/profiles/me/sharing",
            &skilled.token,
            &json!({"mode": "all"}),
        )
        .await;
    assert_eq!(shared.status(), 200);
    let local = app
        .professional_with_profile(
            "鈴木 葵",
            &profile_with(
                json!({"skills": [{"skill": "digital_marketing", "level": 2, "years": 1}]}),
            ),
        )
        .await;
    World {
        app,
        region,
        coordinator,
        sme,
        need,
        skilled,
        local,
    }
}

impl World {
    async fn desk(&self) -> PageClient {
        logged_in(&self.app, &self.coordinator.email, "coordinator-password").await
    }

    async fn stored_weights(&self) -> Value {
        let (status, weights) = json(
            self.app
                .get(
                    &format!("/regions/{}/weights", self.region),
                    &self.coordinator.token,
                )
                .await,
        )
        .await;
        assert_eq!(status, 200, "{weights}");
        weights
    }

    /// The professionals of the coordinator's candidates page (everyone), in order.
    async fn listed_order(&self, desk: &mut PageClient) -> Vec<Uuid> {
        let page = desk
            .get(&format!("/needs/{}/candidates?scope=all", self.need))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let mut found: Vec<(usize, Uuid)> = [self.skilled.id, self.local.id]
            .into_iter()
            .filter_map(|id| page.body.find(&format!("id=\"c-{id}\"")).map(|at| (at, id)))
            .collect();
        found.sort();
        found.into_iter().map(|(_, id)| id).collect()
    }
}

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

/// The form as sent: the token, the intent, the need, and each factor's number.
fn form<'a>(
    token: &'a str,
    intent: &'a str,
    need: &'a str,
    values: &[&'a str; 7],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("csrf_token", token), ("intent", intent), ("need", need)];
    fields.extend(FACTORS.iter().copied().zip(values.iter().copied()));
    fields
}

/// Sends the form, which must be refused with the page (422).
async fn refused(desk: &mut PageClient, fields: &[(&str, &str)]) -> String {
    let page = desk.post_form("/region/weights", fields).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    page.body
}

/// The table row of a candidate (`before-…` or `after-…`).
fn row<'a>(body: &'a str, side: &str, id: Uuid) -> &'a str {
    let start = body
        .find(&format!("<tr id=\"{side}-{id}\">"))
        .unwrap_or_else(|| panic!("no {side} row for {id}: {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

/// The `<input>` of a factor's number.
fn number_input<'a>(body: &'a str, factor: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{factor}\" name=\"{factor}\""))
        .unwrap_or_else(|| panic!("no number for {factor}: {body}"));
    let rest = &body[start..];
    &rest[..rest.find('>').unwrap()]
}

#[tokio::test]
async fn the_preview_shows_who_moves_and_saves_nothing() {
    let w = world().await;
    let mut desk = w.desk().await;
    assert_eq!(
        w.listed_order(&mut desk).await,
        [w.skilled.id, w.local.id],
        "the skilled one leads under the default weights"
    );

    let page = desk.get("/region/weights").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("type=\"range\""), "{}", page.body);
    assert!(number_input(&page.body, "skill_fit").contains("value=\"25\""));
    assert!(number_input(&page.body, "compensation_fit").contains("value=\"5\""));
    assert!(page.body.contains("スキル適合") && page.body.contains("地域とのつながり"));
    assert!(
        page.body
            .contains(&format!("<option value=\"{}\" selected>", w.need)),
        "the first open need is chosen: {}",
        page.body
    );
    let me = desk.get("/me").await;
    assert!(me.body.contains("href=\"/region/weights\""), "{}", me.body);
    // The live preview's scripts are linked from this page only, and served.
    assert!(!me.body.contains("htmx.min."), "{}", me.body);
    let script = page
        .body
        .split("<script defer src=\"")
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no page script: {}", page.body));
    assert!(page.body.contains("/static/htmx.min."));
    let served = desk.get(script).await;
    assert_eq!(served.status, StatusCode::OK, "{script}");
    assert!(served.body.contains("htmx:beforeSwap"));

    // Regional affinity moved on its slider (its number left as it was), the rest typed.
    let token = page.csrf_token().unwrap();
    let need = w.need.to_string();
    let mut fields = form(&token, "preview", &need, &TIES_FIRST);
    fields.retain(|(name, _)| *name != "regional_affinity");
    fields.extend([
        ("regional_affinity", "10"),
        ("regional_affinity_was", "10"),
        ("regional_affinity_slider", "12"),
    ]);
    let preview = desk.post_form("/region/weights", &fields).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let body = &preview.body;
    assert!(body.contains("プレビューです"), "{body}");

    let skilled_before = row(body, "before", w.skilled.id);
    assert!(skilled_before.contains("<td>1位</td>"), "{skilled_before}");
    assert!(skilled_before.contains("1位 → 2位"), "{skilled_before}");
    assert!(skilled_before.contains("1つ下がる"), "{skilled_before}");
    let local_after = row(body, "after", w.local.id);
    assert!(local_after.contains("<td>1位</td>"), "{local_after}");
    assert!(local_after.contains("2位 → 1位"), "{local_after}");
    assert!(local_after.contains("1つ上がる"), "{local_after}");
    let skilled_after = row(body, "after", w.skilled.id);
    assert!(skilled_after.contains("<td>2位</td>"), "{skilled_after}");
    assert!(skilled_after.contains("1つ下がる"), "{skilled_after}");
    // Scores old → new: the local one's rises.
    let scores: Vec<f64> = local_after
        .rsplit("<td>")
        .next()
        .unwrap()
        .trim_end_matches("</td>\n")
        .trim_end_matches("</td>")
        .split(" → ")
        .map(|score| score.trim().parse().unwrap())
        .collect();
    assert!(scores[1] > scores[0], "{local_after}");
    // The order is before then after, side by side, and no one's name is on the page.
    assert!(
        body.find(&format!("before-{}", w.skilled.id))
            < body.find(&format!("after-{}", w.local.id))
    );
    assert!(!body.contains("鈴木 葵") && !body.contains("佐藤 健"));
    // What was entered is kept: the slider's 12, and each typed number.
    assert!(number_input(body, "regional_affinity").contains("value=\"12\""));
    assert!(number_input(body, "compensation_fit").contains("value=\"0\""));
    assert!(body.contains(&format!("<option value=\"{}\" selected>", w.need)));

    // Nothing was saved, and the candidate list is still ranked by the saved weights.
    assert_eq!(w.stored_weights().await["regional_affinity"], 0.1);
    assert_eq!(
        w.listed_order(&mut desk).await,
        [w.skilled.id, w.local.id],
        "a preview's ranking is never kept as the need's list"
    );
}

#[tokio::test]
async fn saving_changes_the_weights_and_the_candidate_list_at_once() {
    let w = world().await;
    let mut desk = w.desk().await;
    let page = desk.get("/region/weights").await;
    let token = page.csrf_token().unwrap();
    let need = w.need.to_string();
    // Kept in memory now, under the default weights (served again for a while unless
    // something invalidates it: the save must).
    assert_eq!(w.listed_order(&mut desk).await, [w.skilled.id, w.local.id]);
    let saved = desk
        .post_form("/region/weights", &form(&token, "save", &need, &TIES_FIRST))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some("/region/weights?done=saved"));
    // The kept list was dropped: the new order at once, on the page and in the API.
    assert_eq!(w.listed_order(&mut desk).await, [w.local.id, w.skilled.id]);

    let stored = w.stored_weights().await;
    assert_eq!(stored["regional_affinity"], 0.705882);
    assert_eq!(stored["compensation_fit"], 0.0);
    let (status, list) = json(
        w.app
            .get(
                &format!("/needs/{}/candidates?scope=all", w.need),
                &w.coordinator.token,
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["items"][0]["professional_id"], w.local.id.to_string());

    let done = desk.get("/region/weights?done=saved").await;
    assert!(done.body.contains("重みを保存しました"), "{}", done.body);
    assert!(number_input(&done.body, "regional_affinity").contains("value=\"70.59\""));
    assert!(number_input(&done.body, "compensation_fit").contains("value=\"0\""));

    // Previewing the saved weights against themselves moves no one.
    let token = done.csrf_token().unwrap();
    let same = desk
        .post_form(
            "/region/weights",
            &form(
                &token,
                "preview",
                &need,
                &["1", "1", "1", "1", "12", "1", "0"],
            ),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    assert!(row(&same.body, "after", w.local.id).contains("変わらない"));
}

#[tokio::test]
async fn bad_weights_are_refused_beside_their_field_with_the_input_kept() {
    let w = world().await;
    let mut desk = w.desk().await;
    let page = desk.get("/region/weights").await;
    let token = page.csrf_token().unwrap();
    let need = w.need.to_string();
    let before = w.stored_weights().await;

    for intent in ["save", "preview"] {
        let sent = |values: &[&'static str; 7]| form(&token, intent, &need, values);
        // Every weight zero: said once above the sliders, every number marked.
        let zero = refused(&mut desk, &sent(&["0"; 7])).await;
        assert!(zero.contains("id=\"weights-error\""), "{zero}");
        assert!(zero.contains("すべての重みが0です"));
        for factor in FACTORS {
            let input = number_input(&zero, factor);
            assert!(input.contains("aria-invalid=\"true\""), "{input}");
            assert!(input.contains("value=\"0\""), "{input}");
        }
        assert!(!zero.contains("preview-table"));

        // A negative weight and a word: each refused beside its own field, the rest kept.
        let body = refused(&mut desk, &sent(&["-1", "1", "1", "abc", "12", "1", "0"])).await;
        let beside = |factor: &str, message: &str| {
            format!("<p class=\"field-error\" id=\"{factor}-error\">{message}")
        };
        assert!(
            body.contains(&beside("skill_fit", "重みにマイナスは使えません")),
            "{body}"
        );
        assert!(
            body.contains(&beside("availability_fit", "0以上の数値を入力してください")),
            "{body}"
        );
        assert!(number_input(&body, "skill_fit").contains("value=\"-1\""));
        assert!(number_input(&body, "skill_fit").contains("aria-invalid=\"true\""));
        assert!(number_input(&body, "availability_fit").contains("value=\"abc\""));
        assert!(number_input(&body, "regional_affinity").contains("value=\"12\""));
        assert!(!number_input(&body, "regional_affinity").contains("aria-invalid"));
        assert!(
            body.contains("href=\"#skill_fit\""),
            "the summary links to the field"
        );

        // A number too large for a weight (the matcher's rule); a missing one.
        let huge = refused(&mut desk, &sent(&["1e300", "1", "1", "1", "1", "1", "1"])).await;
        assert!(huge.contains("id=\"skill_fit-error\""), "{huge}");
        let mut fields = sent(&TIES_FIRST);
        fields.retain(|(name, _)| *name != "compensation_fit");
        let missing = refused(&mut desk, &fields).await;
        assert!(
            missing.contains("id=\"compensation_fit-error\""),
            "{missing}"
        );
    }

    // A need that is not one of the region's open needs cannot be previewed.
    let elsewhere = w.app.create_region("上田市", "長野県", "上田市").await;
    let other_sme = w.app.sme(elsewhere, "上田製作所").await;
    let other_need = w.app.post_need(&other_sme, &cmo_need()).await.to_string();
    let foreign = refused(
        &mut desk,
        &form(&token, "preview", &other_need, &TIES_FIRST),
    )
    .await;
    assert!(foreign.contains("id=\"need-error\""), "{foreign}");
    assert!(!foreign.contains("preview-table"));

    assert_eq!(w.stored_weights().await, before, "nothing was saved");
}

#[tokio::test]
async fn other_roles_get_the_403_page_and_the_form_needs_its_token() {
    let w = world().await;
    let need = w.need.to_string();

    for (email, password) in [
        (w.sme.email.as_str(), "sme-password-123"),
        (w.local.email.as_str(), "pro-password-123"),
    ] {
        let mut other = logged_in(&w.app, email, password).await;
        let refused = other.get("/region/weights").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email}");
        assert!(refused.body.contains("<html"), "a page, not JSON");
        let token = other.get("/me").await.csrf_token().unwrap();
        for intent in ["preview", "save"] {
            let posted = other
                .post_form("/region/weights", &form(&token, intent, &need, &TIES_FIRST))
                .await;
            assert_eq!(posted.status, StatusCode::FORBIDDEN, "{email} {intent}");
        }
    }

    // A coordinator of another region saves their own region's weights, not these.
    let elsewhere = w.app.create_region("上田市", "長野県", "上田市").await;
    let stranger = w.app.coordinator(elsewhere).await;
    let mut theirs = logged_in(&w.app, &stranger.email, "coordinator-password").await;
    let page = theirs.get("/region/weights").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        !page.body.contains(&need),
        "another region's needs are not offered"
    );
    assert!(page.body.contains("募集中の募集がない"), "{}", page.body);
    let token = page.csrf_token().unwrap();
    // With no need to preview, a preview (a live one, say) keeps what was entered.
    let nothing = theirs
        .post_form("/region/weights", &form(&token, "preview", "", &TIES_FIRST))
        .await;
    assert_eq!(nothing.status, StatusCode::OK, "{}", nothing.body);
    assert!(number_input(&nothing.body, "regional_affinity").contains("value=\"12\""));
    assert!(!nothing.body.contains("preview-table"));
    let saved = theirs
        .post_form("/region/weights", &form(&token, "save", "", &TIES_FIRST))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // Without the token, or with a forged one, nothing is saved.
    let mut desk = w.desk().await;
    let token = desk.get("/region/weights").await.csrf_token().unwrap();
    let mut forged = form("forged", "save", &need, &TIES_FIRST);
    let refused = desk.post_form("/region/weights", &forged).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    forged.retain(|(name, _)| *name != "csrf_token");
    let refused = desk.post_form("/region/weights", &forged).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Another site's page, even with the token.
    let cross = desk
        .send(
            reqwest::Method::POST,
            "/region/weights",
            &form(&token, "save", &need, &TIES_FIRST),
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert_eq!(w.stored_weights().await["regional_affinity"], 0.1);

    let (status, theirs_stored) = json(
        w.app
            .get(&format!("/regions/{elsewhere}/weights"), &stranger.token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(theirs_stored["regional_affinity"], 0.705882);
}
