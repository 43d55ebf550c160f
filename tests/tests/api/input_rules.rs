//! Input that cannot hurt later (issue 15): every one-line field refuses every control
//! character, multi-line fields keep their line breaks and refuse the rest, an email
//! address is one the mail sender can send to, an online meeting's link is an `https://`
//! URL, and no query parameter may carry a NUL (or any control) to the database.

use musubi_tests::{TestApp, User, cmo_need, marketer_profile};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{fields, json, problem};

/// Every character a one-line field refuses: C0 (NUL…US, with TAB, LF and CR), DEL, C1,
/// U+2028/U+2029, the bidi embeddings and overrides (U+202A–U+202E) and isolates
/// (U+2066–U+2069).
fn forbidden() -> Vec<char> {
    (0x00..=0x1F)
        .chain(0x7F..=0x9F)
        .chain([0x2028, 0x2029])
        .chain(0x202A..=0x202E)
        .chain(0x2066..=0x2069)
        .filter_map(char::from_u32)
        .collect()
}

/// Sets the value at a dotted path (`organization.name`, `ties.0.city`).
fn set(body: &mut Value, path: &str, value: &str) {
    let pointer = format!("/{}", path.replace('.', "/"));
    *body
        .pointer_mut(&pointer)
        .unwrap_or_else(|| panic!("no {path}")) = json!(value);
}

/// The field name the API reports for a dotted path (`ties.0.city` → `ties[0].city`).
fn reported(path: &str) -> String {
    path.split('.').fold(String::new(), |mut out, part| {
        if part.parse::<usize>().is_ok() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
        out
    })
}

/// A request for one field's test: the method and path, the caller's token, a valid body.
struct Form {
    method: reqwest::Method,
    path: String,
    token: Option<String>,
    body: Value,
}

impl Form {
    async fn send(&self, app: &TestApp, body: &Value) -> reqwest::Response {
        let request = app.client.request(self.method.clone(), app.api(&self.path));
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        request.json(body).send().await.unwrap()
    }

    /// Asserts that `field` holding `value` is refused with 422 naming it.
    async fn refuses(&self, app: &TestApp, field: &str, value: &str) {
        let mut body = self.body.clone();
        set(&mut body, field, value);
        let answer = problem(self.send(app, &body).await, 422).await;
        assert_eq!(
            fields(&answer),
            [reported(field)],
            "{} {}: {value:?}: {answer}",
            self.method,
            self.path
        );
    }

    /// Asserts that `field` holding `value` is accepted with `status`.
    async fn accepts(&self, app: &TestApp, field: &str, value: &str, status: u16) -> Value {
        let mut body = self.body.clone();
        set(&mut body, field, value);
        let (got, answer) = json(self.send(app, &body).await).await;
        assert_eq!(got, status, "{field} = {value:?}: {answer}");
        answer
    }
}

/// A region with a coordinator, an SME with a need, and a professional who applied and
/// was introduced: every form of the API can be filled in.
struct World {
    app: TestApp,
    region: Uuid,
    coordinator: User,
    sme: User,
    need: Uuid,
    professional: User,
    introduced: Uuid,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let professional = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let applied = app
        .post(
            &format!("/needs/{need}/applications"),
            &professional.token,
            &json!({"message": "塩尻の力になりたいです"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    let (status, created) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": professional.id}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let introduced = Uuid::parse_str(created["id"].as_str().unwrap()).unwrap();
    World {
        app,
        region,
        coordinator,
        sme,
        need,
        professional,
        introduced,
    }
}

fn register_professional() -> Form {
    Form {
        method: reqwest::Method::POST,
        path: "/auth/register".to_owned(),
        token: None,
        body: json!({"email": format!("pro-{}@musubi.test", Uuid::new_v4().simple()),
            "password": "pro-password-123", "display_name": "山田 花子", "role": "professional"}),
    }
}

fn register_sme(region: Uuid) -> Form {
    Form {
        method: reqwest::Method::POST,
        path: "/auth/register".to_owned(),
        token: None,
        body: json!({"email": format!("sme-{}@musubi.test", Uuid::new_v4().simple()),
            "password": "sme-password-123", "display_name": "丸山 代表", "role": "sme",
            "organization": {"name": "丸山漆器", "kind": "sme", "region_id": region,
                "industry": "manufacturing", "city": "塩尻市", "employees": 12,
                "description": "木曽平沢の漆器工房です。"}}),
    }
}

fn post_need(sme: &User) -> Form {
    Form {
        method: reqwest::Method::POST,
        path: "/needs".to_owned(),
        token: Some(sme.token.clone()),
        body: cmo_need(),
    }
}

fn put_profile(professional: &User) -> Form {
    Form {
        method: reqwest::Method::PUT,
        path: "/profiles/me".to_owned(),
        token: Some(professional.token.clone()),
        body: marketer_profile(),
    }
}

fn schedule(world: &World, mode: &str, place: &str) -> Form {
    Form {
        method: reqwest::Method::POST,
        path: format!("/matches/{}/meetings", world.introduced),
        token: Some(world.coordinator.token.clone()),
        body: json!({"starts_at": "2030-01-01T19:00:00+09:00", "duration_minutes": 60,
            "mode": mode, "location_or_url": place}),
    }
}

#[tokio::test]
async fn every_single_line_field_refuses_every_control_character_naming_the_field() {
    let w = world().await;
    let cases: Vec<(Form, Vec<&str>)> = vec![
        (register_professional(), vec!["display_name"]),
        (
            register_sme(w.region),
            vec![
                "display_name",
                "organization.name",
                "organization.industry",
                "organization.city",
            ],
        ),
        (post_need(&w.sme), vec!["title"]),
        (
            put_profile(&w.professional),
            vec!["headline", "home.city", "ties.0.city"],
        ),
        (
            schedule(&w, "onsite", "塩尻市役所 3階"),
            vec!["location_or_url"],
        ),
        (
            schedule(&w, "online", "https://meet.example.jp/x"),
            vec!["location_or_url"],
        ),
    ];
    let characters = forbidden();
    assert_eq!(characters.len(), 32 + 1 + 32 + 2 + 5 + 4);
    for (form, single_line) in &cases {
        for field in single_line {
            for c in &characters {
                form.refuses(&w.app, field, &format!("塩尻{c}市")).await;
            }
        }
    }
    // The same values without the character are fine (one form of each kind).
    register_professional()
        .accepts(&w.app, "display_name", "山田 花子（Hanako Yamada）", 201)
        .await;
    post_need(&w.sme)
        .accepts(&w.app, "title", "塩尻市 シティプロモーション CMO", 201)
        .await;
}

#[tokio::test]
async fn multi_line_fields_keep_line_breaks_and_refuse_every_other_control() {
    let w = world().await;
    let lines = "一行目\n二行目\r\n三行目";
    let mut others: Vec<char> = forbidden().into_iter().filter(|c| *c != '\n').collect();
    others.sort_unstable();
    let other_match = Uuid::new_v4();
    let cases: Vec<(Form, Vec<&str>)> = vec![
        (register_sme(w.region), vec!["organization.description"]),
        (post_need(&w.sme), vec!["description", "goal"]),
        (put_profile(&w.professional), vec!["bio", "motivation"]),
        (
            Form {
                method: reqwest::Method::POST,
                path: format!("/needs/{}/applications", w.need),
                token: Some(w.professional.token.clone()),
                body: json!({"message": "よろしくお願いします"}),
            },
            vec!["message"],
        ),
        (
            Form {
                method: reqwest::Method::POST,
                path: "/matches".to_owned(),
                token: Some(w.coordinator.token.clone()),
                body: json!({"need_id": w.need, "professional_id": w.professional.id, "note": "ご紹介します"}),
            },
            vec!["note"],
        ),
        (
            Form {
                method: reqwest::Method::POST,
                path: format!("/matches/{other_match}/cancel"),
                token: Some(w.coordinator.token.clone()),
                body: json!({"reason": "日程が合わないため"}),
            },
            vec!["reason"],
        ),
        (
            Form {
                method: reqwest::Method::POST,
                path: format!("/matches/{other_match}/decline"),
                token: Some(w.professional.token.clone()),
                body: json!({"reason": "日程が合わないため"}),
            },
            vec!["reason"],
        ),
        (
            Form {
                method: reqwest::Method::POST,
                path: format!("/matches/{other_match}/outcome"),
                token: Some(w.coordinator.token.clone()),
                body: json!({"result": "met", "note": "良い面談でした"}),
            },
            vec!["note"],
        ),
    ];
    for (form, multi_line) in &cases {
        for field in multi_line {
            for c in &others {
                form.refuses(&w.app, field, &format!("一行目{c}二行目"))
                    .await;
            }
        }
    }
    // A lone CR is not a line break.
    post_need(&w.sme)
        .refuses(&w.app, "description", "一行目\r二行目")
        .await;

    // Line breaks are kept as sent.
    register_sme(w.region)
        .accepts(&w.app, "organization.description", lines, 201)
        .await;
    let need = post_need(&w.sme)
        .accepts(&w.app, "description", lines, 201)
        .await;
    assert_eq!(need["description"], lines);
    let profile = put_profile(&w.professional)
        .accepts(&w.app, "motivation", lines, 200)
        .await;
    assert_eq!(profile["motivation"], lines);
}

#[tokio::test]
async fn registration_refuses_addresses_the_mail_sender_cannot_send_to() {
    let app = TestApp::spawn().await;
    for address in [
        "<odd@example.jp>",
        "a@[127.0.0.1]",
        "ａ@example.jp",
        "a@127.0.0.1",
        "taro@example.jp\r\nBcc: x@evil.test",
    ] {
        let mut form = register_professional();
        set(&mut form.body, "email", address);
        let answer = problem(form.send(&app, &form.body).await, 422).await;
        assert_eq!(fields(&answer), ["email"], "{address:?}: {answer}");
    }
    // Addresses are still trimmed and lower-cased as before.
    let mut form = register_professional();
    set(
        &mut form.body,
        "email",
        "  Hanako.Yamada+Musubi@Example.JP ",
    );
    let (status, created) = json(form.send(&app, &form.body).await).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["user"]["email"], "hanako.yamada+musubi@example.jp");
    app.login("HANAKO.YAMADA+MUSUBI@example.jp", "pro-password-123")
        .await;
}

#[tokio::test]
async fn an_online_meeting_link_must_be_an_https_url_and_an_onsite_place_one_line() {
    let w = world().await;
    let online = schedule(&w, "online", "https://meet.example.jp/x");
    for link in [
        "javascript:alert(1)",
        "http://meet.example.jp/x",
        "meet.example.jp/x",
        "塩尻市役所 3階 会議室",
        "https://",
        "ftp://meet.example.jp/x",
        "data:text/html,<script>alert(1)</script>",
    ] {
        online.refuses(&w.app, "location_or_url", link).await;
    }
    let onsite = schedule(&w, "onsite", "塩尻市役所 3階 会議室");
    onsite
        .refuses(&w.app, "location_or_url", "塩尻市役所\n3階 会議室")
        .await;
    onsite.refuses(&w.app, "location_or_url", "   ").await;

    let scheduled = online
        .accepts(
            &w.app,
            "location_or_url",
            "https://meet.example.jp/shiojiri-cmo?pwd=1",
            201,
        )
        .await;
    assert_eq!(scheduled["status"], "meeting_scheduled", "{scheduled}");
    // Moved on site: a place is plain text.
    onsite
        .accepts(&w.app, "location_or_url", "塩尻市役所 3階 会議室", 201)
        .await;
}

/// Percent-encodes text for a query string, every byte.
fn encoded(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn a_control_character_in_any_query_parameter_is_422_naming_it() {
    let w = world().await;
    // The case the issue found: PostgreSQL answered 500, with no token.
    let answer = problem(
        w.app
            .client
            .get(w.app.api("/needs?q=a%00b"))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&answer), ["q"], "{answer}");

    let need = w.need;
    let queries: Vec<(String, &str, Option<&str>)> = vec![
        ("/needs?q=".to_owned(), "q", None),
        ("/needs?skill=".to_owned(), "skill", None),
        ("/needs?cursor=".to_owned(), "cursor", None),
        (
            "/matches?cursor=".to_owned(),
            "cursor",
            Some(&w.coordinator.token),
        ),
        (
            "/outbox?cursor=".to_owned(),
            "cursor",
            Some(&w.coordinator.token),
        ),
        (
            "/applications?cursor=".to_owned(),
            "cursor",
            Some(&w.professional.token),
        ),
        (
            format!("/needs/{need}/candidates?limit=5&scope="),
            "scope",
            Some(&w.coordinator.token),
        ),
    ];
    for c in forbidden() {
        for (path, parameter, token) in &queries {
            let url = w.app.api(&format!("{path}{}", encoded(&format!("a{c}b"))));
            let request = w.app.client.get(url);
            let request = match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            };
            let answer = problem(request.send().await.unwrap(), 422).await;
            assert_eq!(
                fields(&answer),
                [*parameter],
                "{path} U+{:04X}: {answer}",
                u32::from(c)
            );
        }
    }
    // Japanese search words still work.
    let (status, page) = json(
        w.app
            .client
            .get(
                w.app
                    .api(&format!("/needs?q={}", encoded("シティプロモーション"))),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{page}");
}
