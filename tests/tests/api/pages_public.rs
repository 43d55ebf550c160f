//! The pages anyone may use, at the HTTP level: a password reset through the emailed
//! link (over real SMTP), the open needs and one need (user text escaped, a closed need
//! hidden from strangers), and registration (errors beside their fields, input kept,
//! logged in at the end); every new form refuses a request without its token or from
//! another site.

use std::time::Duration;

use musubi_api::entities::password_reset;
use musubi_tests::{
    FAST_MAIL, TestApp,
    pages::{Page, PageClient},
    smtp::SmtpServer,
};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

const PRO_PASSWORD: &str = "pro-password-123";
const SME_PASSWORD: &str = "sme-password-123";
const PUBLIC_URL: &str = "https://musubi.example.jp";

fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
}

/// The error shown beside field `id`, if any.
fn error_beside(page: &Page, id: &str) -> Option<String> {
    let marker = format!("<p class=\"field-error\" id=\"{id}-error\">");
    let start = page.body.find(&marker)? + marker.len();
    let end = page.body[start..].find("</p>")?;
    Some(page.body[start..start + end].to_owned())
}

/// The reset link's token in the text of the `n`th email received.
async fn reset_token(smtp: &SmtpServer, n: usize) -> String {
    let received = smtp.wait_for(n, Duration::from_secs(20)).await;
    let parsed = received[n - 1].parse();
    let text = parsed.body_text(0).expect("a text part").into_owned();
    let prefix = format!("{PUBLIC_URL}/password-reset?token=");
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no link in {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Sends the new-password form.
async fn set_password(
    browser: &mut PageClient,
    csrf: &str,
    link: &str,
    password: &str,
    again: &str,
) -> Page {
    browser
        .post_form(
            "/password-reset",
            &[
                ("csrf_token", csrf),
                ("token", link),
                ("new_password", password),
                ("new_password_again", again),
            ],
        )
        .await
}

/// A form's fields as `post_form` takes them.
fn as_form<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// Sets field `name` to `value`.
fn set(fields: &mut [(&'static str, String)], name: &str, value: &str) {
    if let Some(field) = fields.iter_mut().find(|(field, _)| *field == name) {
        field.1 = value.to_owned();
    }
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_emailed_link_which_works_once() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    vars.push(("MUSUBI_PUBLIC_URL", PUBLIC_URL));
    let app = TestApp::spawn_with(&vars).await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);

    // The login links to the form that asks for a link.
    let login = browser.get("/login").await;
    assert!(
        login.body.contains("href=\"/password-reset\""),
        "{}",
        login.body
    );
    let ask = browser.get("/password-reset").await;
    assert_status(&ask, StatusCode::OK, "the request form");
    let token = ask.csrf_token().unwrap();

    // Not an email: the error beside the field, the text kept.
    let wrong = browser
        .post_form(
            "/password-reset/request",
            &[("csrf_token", &token), ("email", "hanako-at-example")],
        )
        .await;
    assert_status(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "not an email");
    assert!(
        error_beside(&wrong, "email")
            .unwrap()
            .contains("メールアドレスの形式")
    );
    assert!(wrong.body.contains("value=\"hanako-at-example\""));

    let asked = browser
        .post_form(
            "/password-reset/request",
            &[("csrf_token", &token), ("email", &pro.email.to_uppercase())],
        )
        .await;
    assert_status(&asked, StatusCode::SEE_OTHER, "asking for a link");
    assert_eq!(asked.location(), Some("/password-reset/sent"));
    let sent = browser.get("/password-reset/sent").await;
    assert!(sent.body.contains("30分有効"), "{}", sent.body);

    // The emailed link opens the form, the token in a hidden field.
    let link = reset_token(&smtp, 1).await;
    assert_eq!(link.len(), 64);
    let form = browser.get(&format!("/password-reset?token={link}")).await;
    assert_status(&form, StatusCode::OK, "the link's page");
    assert!(
        form.body
            .contains(&format!("name=\"token\" value=\"{link}\"")),
        "{}",
        form.body
    );
    let token = form.csrf_token().unwrap();
    let short = set_password(&mut browser, &token, &link, "short", "short").await;
    assert_status(&short, StatusCode::UNPROCESSABLE_ENTITY, "a short password");
    assert!(
        error_beside(&short, "new_password")
            .unwrap()
            .contains("10〜128文字")
    );
    let mismatch = set_password(
        &mut browser,
        &token,
        &link,
        "リセット後のパスワード",
        "別のパスワードです!",
    )
    .await;
    assert_status(&mismatch, StatusCode::UNPROCESSABLE_ENTITY, "two passwords");
    assert!(
        error_beside(&mismatch, "new_password_again")
            .unwrap()
            .contains("一致しません")
    );
    // Neither used the link up.
    let done = set_password(
        &mut browser,
        &token,
        &link,
        "リセット後のパスワード",
        "リセット後のパスワード",
    )
    .await;
    assert_status(&done, StatusCode::SEE_OTHER, "the new password");
    assert_eq!(done.location(), Some("/login?done=password_reset"));
    let notice = browser.get("/login?done=password_reset").await;
    assert!(
        notice.body.contains("新しいパスワードを設定しました"),
        "{}",
        notice.body
    );

    // Only the new password logs in.
    let old = browser.login(&pro.email, PRO_PASSWORD, None).await;
    assert_status(&old, StatusCode::UNPROCESSABLE_ENTITY, "the old password");
    let new = browser
        .login(&pro.email, "リセット後のパスワード", None)
        .await;
    assert_eq!(new.location(), Some("/me"));

    // The link works once: its page and its form now say it was used.
    let mut stranger = PageClient::new(&app.address);
    let used = stranger.get(&format!("/password-reset?token={link}")).await;
    assert_status(&used, StatusCode::BAD_REQUEST, "a used link");
    assert!(used.body.contains("すでに使われています"), "{}", used.body);
    let token = stranger.get("/password-reset").await.csrf_token().unwrap();
    let again = set_password(
        &mut stranger,
        &token,
        &link,
        "もう一度変えたいパスワード",
        "もう一度変えたいパスワード",
    )
    .await;
    assert_status(&again, StatusCode::BAD_REQUEST, "a used link's form");
    assert!(again.body.contains("すでに使われています"));
    // A made-up link, in English.
    stranger.accept_language = Some("en".to_owned());
    let unknown = stranger
        .get(&format!("/password-reset?token={}", "0".repeat(64)))
        .await;
    assert_status(&unknown, StatusCode::BAD_REQUEST, "an unknown link");
    assert!(unknown.body.contains("is not valid"), "{}", unknown.body);

    // An expired link says so.
    let ask = stranger.get("/password-reset").await;
    let token = ask.csrf_token().unwrap();
    let asked = stranger
        .post_form(
            "/password-reset/request",
            &[("csrf_token", &token), ("email", &pro.email)],
        )
        .await;
    assert_eq!(asked.location(), Some("/password-reset/sent"));
    let second = reset_token(&smtp, 2).await;
    for row in password_reset::Entity::find().all(&app.db).await.unwrap() {
        let mut expired: password_reset::ActiveModel = row.clone().into();
        expired.expires_at = Set(row.created_at - chrono::Duration::seconds(1));
        expired.update(&app.db).await.unwrap();
    }
    let expired = stranger
        .get(&format!("/password-reset?token={second}"))
        .await;
    assert_status(&expired, StatusCode::BAD_REQUEST, "an expired link");
    assert!(expired.body.contains("has expired"), "{}", expired.body);
}

#[tokio::test]
async fn needs_render_user_text_as_text_and_a_closed_need_is_a_404_for_strangers() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let title = "<script>alert(1)</script>";
    let mut need = musubi_tests::cmo_need();
    need["title"] = json!(title);
    let id = app.post_need(&sme, &need).await;
    let mut visitor = PageClient::new(&app.address);

    for path in ["/".to_owned(), "/needs".to_owned(), format!("/needs/{id}")] {
        let page = visitor.get(&path).await;
        assert_status(&page, StatusCode::OK, &path);
        assert!(!page.body.contains(title), "{path}: {}", page.body);
        assert!(
            page.body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}: {}",
            page.body
        );
    }
    let one = visitor.get(&format!("/needs/{id}")).await;
    for shown in [
        "丸山漆器",
        "月16〜32時間",
        "月50,000〜100,000円",
        "デジタルマーケティング",
    ] {
        assert!(one.body.contains(shown), "{shown}: {}", one.body);
    }

    // The filters of GET /needs, kept in the form.
    let cmo = visitor
        .get(&format!("/needs?region={region}&role=cmo&skill=%E3%83%87%E3%82%B8%E3%83%9E&work_style=remote&q=%E5%B8%82"))
        .await;
    assert_status(&cmo, StatusCode::OK, "matching filters");
    assert!(
        cmo.body.contains(&format!("href=\"/needs/{id}\"")),
        "{}",
        cmo.body
    );
    assert!(
        cmo.body
            .contains(&format!("<option value=\"{region}\" selected>"))
    );
    assert!(cmo.body.contains("value=\"デジマ\""));
    let cto = visitor.get("/needs?role=cto").await;
    assert!(!cto.body.contains(&format!("href=\"/needs/{id}\"")));
    let unknown = visitor.get("/needs?skill=no-such-skill").await;
    assert_status(
        &unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown skill",
    );
    assert!(
        error_beside(&unknown, "skill")
            .unwrap()
            .contains("見つかりませんでした")
    );
    assert!(unknown.body.contains("value=\"no-such-skill\""));
    assert_eq!(
        visitor.get("/needs?cursor=nonsense").await.status,
        StatusCode::BAD_REQUEST
    );

    // Closed: only its owner still sees it.
    let closed = app
        .post(&format!("/needs/{id}/close"), &sme.token, &json!({}))
        .await;
    assert_eq!(closed.status(), 200);
    let hidden = visitor.get(&format!("/needs/{id}")).await;
    assert_status(&hidden, StatusCode::NOT_FOUND, "a closed need");
    assert!(hidden.body.contains("ページが見つかりません"));
    assert!(!hidden.body.contains("alert(1)"));
    assert!(!visitor.get("/needs").await.body.contains("alert(1)"));
    let mut owner = PageClient::new(&app.address);
    owner.login(&sme.email, SME_PASSWORD, None).await;
    let mine = owner.get(&format!("/needs/{id}")).await;
    assert_status(&mine, StatusCode::OK, "the owner's closed need");
    assert!(mine.body.contains("締め切られています"));
    // So do the region's coordinators, and no other region's.
    let coordinator = app.coordinator(region).await;
    let elsewhere = app.create_region("上田市", "長野県", "上田市").await;
    let stranger = app.coordinator(elsewhere).await;
    for (who, status) in [
        (&coordinator, StatusCode::OK),
        (&stranger, StatusCode::NOT_FOUND),
    ] {
        let mut browser = PageClient::new(&app.address);
        let login = browser
            .login(&who.email, "coordinator-password", None)
            .await;
        assert_eq!(login.location(), Some("/me"));
        let page = browser.get(&format!("/needs/{id}")).await;
        assert_status(&page, status, "a coordinator");
    }
    assert_eq!(
        visitor.get("/needs/not-a-need").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_needs_list_pages_with_its_cursor() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let mut ids = Vec::new();
    for n in 0..21 {
        let mut need = musubi_tests::cmo_need();
        need["title"] = json!(format!("募集 {n:02}"));
        ids.push(app.post_need(&sme, &need).await);
    }
    let mut visitor = PageClient::new(&app.address);
    let first = visitor.get("/needs?role=cmo").await;
    let links = |page: &Page| {
        ids.iter()
            .filter(|id| page.body.contains(&format!("href=\"/needs/{id}\"")))
            .count()
    };
    assert_eq!(links(&first), 20);
    assert!(!first.body.contains(&format!("href=\"/needs/{}\"", ids[0])));
    let marker = "rel=\"next\"";
    let at = first.body.find(marker).expect("a next page");
    let start = first.body[..at].rfind("href=\"").unwrap() + "href=\"".len();
    let next = first.body[start..at]
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&");
    assert!(next.starts_with("/needs?role=cmo&cursor="), "{next}");
    let second = visitor.get(&next).await;
    assert_eq!(links(&second), 1);
    assert!(second.body.contains(&format!("href=\"/needs/{}\"", ids[0])));
    assert!(!second.body.contains(marker));
}

#[tokio::test]
async fn registering_shows_errors_beside_their_fields_keeps_the_input_then_logs_in() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let region = region.to_string();
    let taken = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    let form = browser.get("/register").await;
    assert_status(&form, StatusCode::OK, "the form");
    assert!(
        form.body
            .contains(&format!("<option value=\"{region}\">塩尻市</option>"))
    );
    let token = form.csrf_token().unwrap();

    let mut typed: Vec<(&'static str, String)> = [
        ("csrf_token", token.as_str()),
        ("role", "sme"),
        ("display_name", "丸山 花子"),
        ("email", "maruyama-at-example"),
        ("password", "short-pw"),
        ("org_name", "丸山漆器"),
        ("org_kind", ""),
        ("org_region", ""),
        ("org_industry", ""),
        ("org_city", ""),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.to_owned()))
    .collect();
    let wrong = browser.post_form("/register", &as_form(&typed)).await;
    assert_status(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "every error");
    for (field, says) in [
        ("email", "メールアドレスの形式"),
        ("password", "10〜128文字"),
        ("org_kind", "団体の種類"),
        ("org_region", "地域を選んで"),
        ("org_industry", "業種"),
        ("org_city", "市区町村"),
    ] {
        let error =
            error_beside(&wrong, field).unwrap_or_else(|| panic!("{field}: {}", wrong.body));
        assert!(error.contains(says), "{field}: {error}");
        assert!(
            wrong.body.contains(&format!("aria-describedby=\"{field}-")),
            "{field}"
        );
    }
    assert!(error_beside(&wrong, "display_name").is_none());
    assert!(error_beside(&wrong, "org_name").is_none());
    for kept in [
        "value=\"丸山 花子\"",
        "value=\"maruyama-at-example\"",
        "value=\"丸山漆器\"",
        "value=\"sme\" checked",
    ] {
        assert!(wrong.body.contains(kept), "{kept}: {}", wrong.body);
    }
    assert!(
        !wrong.body.contains("short-pw"),
        "the password is never sent back"
    );
    assert!(wrong.body.contains("class=\"error-summary\""));
    assert!(browser.session().is_none());

    // No kind of account chosen.
    let no_role: Vec<_> = as_form(&typed)
        .into_iter()
        .filter(|(name, _)| *name != "role")
        .collect();
    let unchosen = browser.post_form("/register", &no_role).await;
    assert!(
        error_beside(&unchosen, "role")
            .unwrap()
            .contains("登録の種類")
    );

    // A taken email.
    set(&mut typed, "password", "丸山漆器のパスワード");
    set(&mut typed, "org_kind", "sme");
    set(&mut typed, "org_region", &region);
    set(&mut typed, "org_industry", "manufacturing");
    set(&mut typed, "org_city", "塩尻市");
    set(&mut typed, "email", &taken.email);
    let duplicate = browser.post_form("/register", &as_form(&typed)).await;
    assert_status(
        &duplicate,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a taken email",
    );
    assert!(
        error_beside(&duplicate, "email")
            .unwrap()
            .contains("すでに登録")
    );
    assert!(
        duplicate
            .body
            .contains(&format!("<option value=\"{region}\" selected>"))
    );
    assert!(
        duplicate
            .body
            .contains("<option value=\"manufacturing\" selected>")
    );

    // Right at last: logged in, at /me, as an SME with its organization, with a session
    // id of the server's making (one planted before is never adopted).
    set(&mut typed, "email", "maruyama@musubi.test");
    let planted = "a".repeat(64);
    browser
        .jar
        .insert("musubi_session".to_owned(), planted.clone());
    let made = browser.post_form("/register", &as_form(&typed)).await;
    assert_status(&made, StatusCode::SEE_OTHER, "the registration");
    assert_eq!(made.location(), Some("/me"));
    let session = made.cookie("musubi_session").expect("a session");
    assert!(session.has("HttpOnly") && session.has("SameSite=Lax"));
    assert_ne!(session.value, planted);
    assert!(made.cookie("musubi_form").unwrap().is_removal());
    let me = browser.get("/me").await;
    assert!(me.body.contains("丸山 花子 さん、ようこそ"), "{}", me.body);
    assert!(me.body.contains("中小企業・自治体のアカウント"));
    let token = app
        .login("maruyama@musubi.test", "丸山漆器のパスワード")
        .await;
    let (_, account) = crate::json(app.get("/me", &token).await).await;
    assert_eq!(account["role"], "sme");
    assert!(account["organization_id"].is_string(), "{account}");
    // A logged-in visitor is not offered the form again.
    assert_eq!(browser.get("/register").await.location(), Some("/me"));

    // A professional, in English.
    let mut pro = PageClient::new(&app.address);
    pro.accept_language = Some("en".to_owned());
    let form = pro.get("/register").await;
    assert_eq!(form.lang(), Some("en"));
    let token = form.csrf_token().unwrap();
    let made = pro
        .post_form(
            "/register",
            &[
                ("csrf_token", &token),
                ("role", "professional"),
                ("display_name", "Ken Sato"),
                ("email", "ken@musubi.test"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(made.location(), Some("/me"), "{}", made.body);
    assert!(pro.get("/me").await.body.contains("professional"));
}

#[tokio::test]
async fn the_new_forms_refuse_a_request_without_its_token_or_from_another_site() {
    let app = TestApp::spawn().await;
    let mut browser = PageClient::new(&app.address);
    for (page, action, fields) in [
        (
            "/register",
            "/register",
            vec![
                ("role", "professional"),
                ("display_name", "Ken Sato"),
                ("email", "ken@musubi.test"),
                ("password", "a long enough password"),
            ],
        ),
        (
            "/password-reset",
            "/password-reset/request",
            vec![("email", "ken@musubi.test")],
        ),
        (
            "/password-reset",
            "/password-reset",
            vec![
                ("token", "0000"),
                ("new_password", "a long enough password"),
                ("new_password_again", "a long enough password"),
            ],
        ),
    ] {
        let token = browser.get(page).await.csrf_token().unwrap();
        let no_token = browser.post_form(action, &fields).await;
        assert_status(&no_token, StatusCode::FORBIDDEN, action);
        assert!(
            no_token.body.contains("フォームの有効期限が切れました"),
            "{}",
            no_token.body
        );
        let mut with_token = fields.clone();
        with_token.push(("csrf_token", &token));
        let foreign = browser
            .send(
                Method::POST,
                action,
                &with_token,
                Some("https://evil.example"),
            )
            .await;
        assert_status(&foreign, StatusCode::FORBIDDEN, action);
        let mut other = PageClient::new(&app.address);
        other.get(page).await;
        let stolen = other.post_form(action, &with_token).await;
        assert_status(&stolen, StatusCode::FORBIDDEN, action);
        assert!(browser.session().is_none() && other.session().is_none());
    }
    // Nothing was made.
    assert_eq!(
        app.try_login("ken@musubi.test", "a long enough password")
            .await
            .status(),
        401
    );
}
