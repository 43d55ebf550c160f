//! Importing professionals from a coordinator's CSV as invitations (issue 12): a file of
//! 1,000 rows with 3 duplicates and 2 bad rows invites 995 and says why not the other 5;
//! a file with a broken header changes nothing; an invitation's page makes the account
//! and profile only with consent, once, and logs the person in; until then nothing of
//! theirs is ranked; Shift_JIS files and Japanese text come through intact; only the
//! region's coordinators import.

use std::time::Duration;

use musubi_api::entities::{invitation, outbox, profile, user};
use musubi_tests::{FAST_MAIL, TestApp, User, cmo_need, pages::PageClient, smtp::SmtpServer};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::Value;
use uuid::Uuid;

use crate::{json, problem};

const PUBLIC_URL: &str = "https://musubi.example";
const HEADER: &str = "name,email,headline,hours_per_month,work_style,prefecture,city,skills,bio\n";
const PASSWORD: &str = "invited-password-123";

/// A good row: a marketer of Shiojiri, with a comma in the headline and a line break in
/// the bio (both quoted as CSV quotes them).
fn row(name: &str, email: &str) -> String {
    format!(
        "{name},{email},\"地方企業のEC支援, 週末のみ\",24,リモート,長野県,塩尻市,\"digital_marketing:4、EC\",\"メーカーで10年。\n塩尻出身です。\"\n"
    )
}

async fn import(
    app: &TestApp,
    who: &User,
    region: Uuid,
    csv: impl Into<Vec<u8>>,
) -> reqwest::Response {
    app.authed(
        reqwest::Method::POST,
        &format!("/regions/{region}/invitations/import"),
        &who.token,
    )
    .header("content-type", "text/csv")
    .body(csv.into())
    .send()
    .await
    .expect("POST import")
}

async fn import_ok(app: &TestApp, who: &User, region: Uuid, csv: impl Into<Vec<u8>>) -> Value {
    let (status, body) = json(import(app, who, region, csv).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn count_invitations(app: &TestApp) -> u64 {
    invitation::Entity::find().count(&app.db).await.unwrap()
}

async fn count_invitation_mail(app: &TestApp) -> u64 {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("account_invitation"))
        .count(&app.db)
        .await
        .unwrap()
}

/// The token of the link in the invitation email to `email`, read from the outbox.
async fn token_for(app: &TestApp, email: &str) -> String {
    let mail = outbox::Entity::find()
        .filter(outbox::Column::ToAddress.eq(email))
        .filter(outbox::Column::Kind.eq("account_invitation"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an invitation email");
    link_token(&mail.text_body)
}

/// Invites one person with a good row; the token of their link.
async fn invite(
    app: &TestApp,
    coordinator: &User,
    region: Uuid,
    name: &str,
    email: &str,
) -> String {
    let report = import_ok(
        app,
        coordinator,
        region,
        format!("{HEADER}{}", row(name, email)),
    )
    .await;
    assert_eq!(report["invited"], 1, "{report}");
    token_for(app, email).await
}

fn link_token(text: &str) -> String {
    let start = text.find("/invitations/").expect("a link") + "/invitations/".len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test]
async fn a_thousand_rows_with_three_duplicates_and_two_bad_rows_invite_995() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    vars.push(("MUSUBI_PUBLIC_URL", PUBLIC_URL));
    let app = TestApp::spawn_with(&vars).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let known = app.professional("既存 太郎").await;
    // An invitation already waiting for an answer.
    let earlier = import_ok(
        &app,
        &coordinator,
        region,
        format!("{HEADER}{}", row("先行 花子", "waiting@example.jp")),
    )
    .await;
    assert_eq!(earlier["invited"], 1, "{earlier}");

    let mut csv = HEADER.to_owned();
    let mut good = 0;
    for i in 0..1000 {
        csv.push_str(&match i {
            // Duplicates: an account (in capitals), a pending invitation, an earlier row.
            100 => row("重複 一郎", &known.email.to_uppercase()),
            200 => row("重複 二郎", " Waiting@Example.JP "),
            300 => row("重複 三郎", "person5@example.jp"),
            // Bad rows: not an email; no such prefecture.
            400 => row("不備 四郎", "not-an-email"),
            500 => row("不備 五郎", "person500@example.jp").replace("長野県", "アトランティス"),
            _ => {
                good += 1;
                row(&format!("招待 {i}号"), &format!("person{i}@example.jp"))
            }
        });
    }
    assert_eq!(good, 995);
    let started = std::time::Instant::now();
    let report = import_ok(&app, &coordinator, region, csv).await;
    let took = started.elapsed();
    eprintln!("an import of 1,000 rows took {took:?}");
    assert!(took < Duration::from_secs(20), "the import took {took:?}");
    assert_eq!(report["invited"], 995, "{}", report["rows"]);
    assert_eq!(report["duplicates"], 3);
    assert_eq!(report["rejected"], 2);
    assert_eq!(report["encoding"], "utf-8");
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1000);
    let not_invited: Vec<&Value> = rows
        .iter()
        .filter(|row| row["outcome"] != "invited")
        .collect();
    assert_eq!(not_invited.len(), 5);
    // Each row of the file is one line (bios hold a line break: two lines a row).
    let at = |n: u64| rows.iter().find(|row| row["line"] == 2 + 2 * n).unwrap();
    assert_eq!(at(100)["duplicate_of"], "account");
    assert_eq!(at(200)["duplicate_of"], "pending_invitation");
    assert_eq!(at(300)["duplicate_of"], "earlier_row");
    assert_eq!(at(300)["duplicate_line"], 2 + 2 * 5);
    assert_eq!(at(400)["outcome"], "rejected");
    assert_eq!(at(400)["problems"][0]["field"], "email");
    assert_eq!(at(400)["problems"][0]["code"], "invalid");
    assert_eq!(at(500)["problems"][0]["field"], "prefecture");
    assert_eq!(at(500)["problems"][0]["code"], "unknown_prefecture");
    assert_eq!(at(7)["name"], "招待 7号");

    // 995 invitations and their emails besides the earlier one; no account, no profile.
    assert_eq!(count_invitations(&app).await, 996);
    assert_eq!(count_invitation_mail(&app).await, 996);
    let accounts = user::Entity::find()
        .filter(user::Column::Email.like("person%"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(accounts, 0);
    assert_eq!(profile::Entity::find().count(&app.db).await.unwrap(), 0);
    let stored = invitation::Entity::find()
        .filter(invitation::Column::Email.eq("person7@example.jp"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.display_name, "招待 7号");
    assert_eq!(stored.profile["headline"], "地方企業のEC支援, 週末のみ");
    assert_eq!(stored.profile["bio"], "メーカーで10年。\n塩尻出身です。");
    assert_eq!(stored.region_id, region);
    assert_eq!(stored.status, "pending");

    // A real delivered email: in the region's name, with a link that opens the page.
    let received = smtp.wait_for(3, Duration::from_secs(30)).await;
    let delivered = received
        .iter()
        .find(|mail| mail.rcpt_to.iter().any(|to| to.starts_with("person")))
        .expect("an invitation delivered");
    let message = delivered.parse();
    assert!(message.subject().unwrap_or_default().contains("塩尻市"));
    let text = message.body_text(0).unwrap().into_owned();
    assert!(
        text.contains(&format!("{PUBLIC_URL}/invitations/")),
        "{text}"
    );
    let token = link_token(&text);
    assert_eq!(token.len(), 64);
    let mut visitor = PageClient::new(&app.address);
    let page = visitor.get(&format!("/invitations/{token}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("地方企業のEC支援, 週末のみ"),
        "{}",
        page.body
    );
    assert!(page.body.contains("塩尻市"));
}

#[tokio::test]
async fn a_file_with_a_broken_header_or_encoding_changes_nothing() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let body = "name,headline,hours_per_month,work_style,prefecture\n山田 花子,マーケター,24,remote,長野県\n";
    let refused = problem(import(&app, &coordinator, region, body).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "header", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("email")
    );
    let typo = format!(
        "{}{}",
        HEADER.replace("email", "emial"),
        row("山田 花子", "h@example.jp")
    );
    let refused = problem(import(&app, &coordinator, region, typo).await, 422).await;
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("emial")
    );
    // A workbook, not a CSV.
    let mut garbage = b"PK\x03\x04\x14\x00\x06\x00".to_vec();
    garbage.extend_from_slice(&[0xff, 0xfe, 0x00, 0x81, 0x20]);
    let refused = problem(import(&app, &coordinator, region, garbage).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "body", "{refused}");
    let huge = format!(
        "{HEADER}{}",
        row("山田 花子", "h@example.jp").repeat(20_000)
    );
    problem(import(&app, &coordinator, region, huge).await, 413).await;
    assert_eq!(count_invitations(&app).await, 0);
    assert_eq!(outbox::Entity::find().count(&app.db).await.unwrap(), 0);

    // The page says so beside the file field, and changes nothing either.
    let mut desk = logged_in(&app, &coordinator.email, "coordinator-password").await;
    let form = desk.get("/region/import").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.csrf_token().unwrap();
    let answer = upload(&desk, &app, &token, b"name,email\nx,y@example.jp\n", "").await;
    assert_eq!(answer.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.1);
    assert!(answer.1.contains("id=\"file-error\""), "{}", answer.1);
    assert!(answer.1.contains("headline"), "{}", answer.1);
    assert_eq!(count_invitations(&app).await, 0);
    assert_eq!(outbox::Entity::find().count(&app.db).await.unwrap(), 0);
}

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

/// Uploads a file through `/region/import` as a browser's file input sends it.
async fn upload(
    browser: &PageClient,
    app: &TestApp,
    csrf: &str,
    file: &[u8],
    encoding: &str,
) -> (StatusCode, String) {
    let boundary = "----musubi-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf_token", csrf), ("encoding", encoding)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"名簿.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = reqwest::Client::new()
        .post(format!("{}/region/import", app.address))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(
            "cookie",
            format!("musubi_session={}", browser.session().unwrap()),
        )
        .header("origin", browser.origin())
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_shift_jis_file_uploaded_on_the_page_is_imported_with_japanese_intact() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let csv = "氏名,メール,見出し,月間稼働時間,働き方,都道府県,市区町村,スキル,自己紹介\r\n\
               髙橋 美咲,misaki@example.jp,﨑の蔵の広報を手伝います,16,ハイブリッド,長野,松本市,広報・PR,漆器と日本酒が好きです\r\n\
               渡辺 健,,見出し,16,現地,長野県,,,\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(csv);
    assert!(!unmappable, "the sample is Shift_JIS text");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the sample is not UTF-8"
    );

    let mut desk = logged_in(&app, &coordinator.email, "coordinator-password").await;
    let form = desk.get("/region/import").await;
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let token = form.csrf_token().unwrap();
    let forged = upload(&desk, &app, "forged", &bytes, "").await;
    assert_eq!(forged.0, StatusCode::FORBIDDEN);
    assert_eq!(count_invitations(&app).await, 0);

    let (status, page) = upload(&desk, &app, &token, &bytes, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("招待 1件"), "{page}");
    assert!(page.contains("不備のため見送り 1件"), "{page}");
    // The bad row's reason, in the page's language, names the column.
    assert!(page.contains("メールアドレスが空です"), "{page}");
    assert!(page.contains("髙橋 美咲"));
    let stored = invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.display_name, "髙橋 美咲");
    assert_eq!(stored.profile["headline"], "﨑の蔵の広報を手伝います");
    assert_eq!(stored.profile["home"]["prefecture"], "長野県");
    assert_eq!(stored.profile["work_style"], "hybrid");
    assert_eq!(count_invitation_mail(&app).await, 1);
    let mail = outbox::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert!(
        mail.text_body.contains("髙橋 美咲 様"),
        "{}",
        mail.text_body
    );
    assert_eq!(mail.region_id, Some(region));
}

#[tokio::test]
async fn accepting_an_invitation_with_consent_makes_the_professional_once_and_logs_them_in() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let token = invite(&app, &coordinator, region, "山田 花子", "hanako@example.jp").await;
    let path = format!("/invitations/{token}");

    let mut visitor = PageClient::new(&app.address);
    let page = visitor.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("hanako@example.jp"));
    assert!(page.body.contains("value=\"山田 花子\""), "{}", page.body);
    let csrf = page.csrf_token().unwrap();
    let fields = |consent: bool| {
        let mut fields = vec![
            ("csrf_token", csrf.clone()),
            ("display_name", "山田 花子".to_owned()),
            ("password", PASSWORD.to_owned()),
            ("password_again", PASSWORD.to_owned()),
            ("headline", "地方企業のEC支援, 週末のみ".to_owned()),
            ("bio", "メーカーで10年。\n塩尻出身です。".to_owned()),
            ("hours_per_month", "24".to_owned()),
            ("work_style", "remote".to_owned()),
            ("prefecture", "長野県".to_owned()),
            ("city", "塩尻市".to_owned()),
            ("skills", skills_of(&page.body)),
        ];
        if consent {
            fields.push(("consent", "yes".to_owned()));
        }
        fields
    };

    // Without consent: the error beside the checkbox, what was typed kept, nothing made.
    let without = fields(false);
    let refs: Vec<(&str, &str)> = without.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = visitor.post_form(&path, &refs).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("id=\"consent-error\""),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("同意の欄にチェック"));
    assert!(answer.body.contains("value=\"地方企業のEC支援, 週末のみ\""));
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::Email.eq("hanako@example.jp"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(profile::Entity::find().count(&app.db).await.unwrap(), 0);

    // With consent: the account and the row's profile, logged in, on /me.
    let with = fields(true);
    let refs: Vec<(&str, &str)> = with.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = visitor.post_form(&path, &refs).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), Some("/me"));
    let me = visitor.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains("山田 花子"), "{}", me.body);
    let made = user::Entity::find()
        .filter(user::Column::Email.eq("hanako@example.jp"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the account");
    assert_eq!(made.role, "professional");
    assert_eq!(made.display_name, "山田 花子");
    let stored = profile::Entity::find_by_id(made.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the profile");
    assert_eq!(stored.headline, "地方企業のEC支援, 週末のみ");
    assert_eq!(stored.home_prefecture, "長野県");
    assert_eq!(stored.home_city, "塩尻市");
    assert_eq!(stored.hours_per_month, 24);
    assert_eq!(stored.work_style, "remote");
    let skills = stored.skills.as_array().unwrap();
    assert!(
        skills
            .iter()
            .any(|skill| skill["skill"] == "digital_marketing" && skill["level"] == 4),
        "{skills:?}"
    );
    assert_eq!(skills.len(), 2, "{skills:?}");
    let used = invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.status, "accepted");
    assert_eq!(used.user_id, Some(made.id));
    // The password works for the JSON API too.
    assert!(!app.login("hanako@example.jp", PASSWORD).await.is_empty());

    // The link works once.
    let mut again = PageClient::new(&app.address);
    let page = again.get(&path).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("すでに使われ"), "{}", page.body);
    let csrf = again.get("/login").await.csrf_token().unwrap();
    let second = fields(true);
    let mut refs: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    refs[0].1 = &csrf;
    let answer = again.post_form(&path, &refs).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert!(answer.body.contains("すでに使われ"), "{}", answer.body);
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::Email.eq("hanako@example.jp"))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    // An unknown link says so.
    let unknown = again.get(&format!("/invitations/{}", "0".repeat(64))).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.body.contains("正しくありません"));
}

/// The skills field as the invitation page fills it.
fn skills_of(body: &str) -> String {
    let start = body.find("id=\"skills\"").expect("a skills field");
    let value = body[start..].find("value=\"").unwrap() + start + "value=\"".len();
    let end = body[value..].find('"').unwrap() + value;
    body[value..end].to_owned()
}

/// Everyone ranked for a need, excluded ones too, as its coordinator sees them.
async fn candidates(app: &TestApp, coordinator: &User, need: Uuid) -> Vec<Value> {
    let path = format!("/needs/{need}/candidates?scope=all&include_excluded=true");
    let (status, body) = json(app.get(&path, &coordinator.token).await).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

/// The region-wide suggestion's pairs over everyone, at any score.
async fn suggestion(app: &TestApp, coordinator: &User, region: Uuid) -> Vec<Value> {
    let path = format!("/regions/{region}/assignment?scope=all&floor=0");
    let (status, body) = json(app.get(&path, &coordinator.token).await).await;
    assert_eq!(status, 200, "{body}");
    body["pairs"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_invited_person_who_never_accepts_is_never_ranked_or_suggested() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "信州食品").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let token = invite(&app, &coordinator, region, "山田 花子", "hanako@example.jp").await;

    assert!(candidates(&app, &coordinator, need).await.is_empty());
    assert!(suggestion(&app, &coordinator, region).await.is_empty());

    // Once they accept, they are a candidate: the lists above could have shown them.
    let path = format!("/invitations/{token}");
    let mut visitor = PageClient::new(&app.address);
    let page = visitor.get(&path).await;
    let csrf = page.csrf_token().unwrap();
    let skills = skills_of(&page.body);
    let answer = visitor
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("display_name", "山田 花子"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
                ("headline", "マーケター"),
                ("bio", ""),
                ("hours_per_month", "24"),
                ("work_style", "remote"),
                ("prefecture", "長野県"),
                ("city", "塩尻市"),
                ("skills", &skills),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let made = user::Entity::find()
        .filter(user::Column::Email.eq("hanako@example.jp"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let listed = candidates(&app, &coordinator, need).await;
    assert!(
        listed
            .iter()
            .any(|item| item["professional_id"] == made.id.to_string()),
        "{listed:?}"
    );
}

#[tokio::test]
async fn only_the_regions_coordinators_import() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let elsewhere = app.create_region("上田市", "長野県", "上田市").await;
    let stranger = app.coordinator(elsewhere).await;
    let sme = app.sme(region, "信州食品").await;
    let pro = app.professional("山田 花子").await;
    let csv = format!("{HEADER}{}", row("佐藤 健", "ken@example.jp"));
    problem(import(&app, &sme, region, csv.clone()).await, 403).await;
    problem(import(&app, &pro, region, csv.clone()).await, 403).await;
    problem(import(&app, &stranger, region, csv.clone()).await, 404).await;
    let coordinator = app.coordinator(region).await;
    let wrong_type = app
        .authed(
            reqwest::Method::POST,
            &format!("/regions/{region}/invitations/import"),
            &coordinator.token,
        )
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let refused = problem(wrong_type, 415).await;
    assert_eq!(refused["detail"], "send the body as text/csv", "{refused}");
    assert_eq!(count_invitations(&app).await, 0);

    let mut owner = logged_in(&app, &sme.email, "sme-password-123").await;
    assert_eq!(
        owner.get("/region/import").await.status,
        StatusCode::FORBIDDEN
    );
    let token = owner.get("/me").await.csrf_token().unwrap_or_default();
    let (status, _) = upload(&owner, &app, &token, csv.as_bytes(), "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count_invitations(&app).await, 0);
}

#[tokio::test]
async fn an_expired_invitation_says_so_and_no_longer_counts_as_a_duplicate() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let token = invite(&app, &coordinator, region, "山田 花子", "hanako@example.jp").await;
    let again = import_ok(
        &app,
        &coordinator,
        region,
        format!("{HEADER}{}", row("山田 花子", "hanako@example.jp")),
    )
    .await;
    assert_eq!(
        again["rows"][0]["duplicate_of"], "pending_invitation",
        "{again}"
    );

    let stored = invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut expired: invitation::ActiveModel = stored.into();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::hours(1));
    expired.update(&app.db).await.unwrap();
    let mut visitor = PageClient::new(&app.address);
    let page = visitor.get(&format!("/invitations/{token}")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("有効期限"), "{}", page.body);
    let stored = invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, "expired");

    // The coordinator may invite them again.
    let renewed = import_ok(
        &app,
        &coordinator,
        region,
        format!("{HEADER}{}", row("山田 花子", "hanako@example.jp")),
    )
    .await;
    assert_eq!(renewed["invited"], 1, "{renewed}");
    assert_eq!(count_invitations(&app).await, 2);
}

#[tokio::test]
async fn invitations_never_accepted_are_forgotten_a_month_after_their_link_expired() {
    use musubi_api::services::invitations::{FORGET_AFTER_DAYS, forget_expired};

    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let people = [
        ("山田 花子", "hanako@example.jp", FORGET_AFTER_DAYS + 1),
        ("高橋 美咲", "misaki@example.jp", FORGET_AFTER_DAYS - 1),
        ("渡辺 健", "ken@example.jp", FORGET_AFTER_DAYS + 1),
        ("佐藤 陽菜", "hina@example.jp", -1),
    ];
    let sheet: String = people
        .iter()
        .map(|(name, email, _)| row(name, email))
        .collect();
    let report = import_ok(&app, &coordinator, region, format!("{HEADER}{sheet}")).await;
    assert_eq!(report["invited"], 4, "{report}");
    // 渡辺 accepted before his link expired (his invitation records how he came); 佐藤's
    // link still works; 高橋's expired less than a month ago.
    let now = chrono::Utc::now();
    for (_, email, expired_days_ago) in people {
        let stored = invitation::Entity::find()
            .filter(invitation::Column::Email.eq(email))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mut aged: invitation::ActiveModel = stored.into();
        aged.expires_at = Set(now - chrono::Duration::days(expired_days_ago));
        if email == "ken@example.jp" {
            aged.status = Set("accepted".to_owned());
        }
        aged.update(&app.db).await.unwrap();
    }

    assert_eq!(forget_expired(&app.db, now).await.unwrap(), 1);
    let mut left: Vec<String> = invitation::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|kept| kept.email)
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["hina@example.jp", "ken@example.jp", "misaki@example.jp"],
        "only the unaccepted invitation expired over a month ago is forgotten"
    );
    // Nothing more to forget.
    assert_eq!(forget_expired(&app.db, now).await.unwrap(), 0);
}
