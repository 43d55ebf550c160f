//! `musubi demo` in the browser: every login the demo prints logs in and lands on its
//! role's home, and every link in every `.eml` the demo wrote opens its page — first
//! the login, then, after it, the page the link named.

use std::collections::BTreeMap;

use musubi_tests::{TestApp, browser::Browser};

/// One delivered email: who it went to, its subject and the links in its text.
#[derive(Debug)]
struct Email {
    to: String,
    subject: String,
    links: Vec<String>,
}

/// Every `http(s)://` link in `text`, up to the first character a link cannot hold.
fn links_in(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("http") {
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | ')' | '）'))
            .unwrap_or(candidate.len());
        let link = &candidate[..end];
        if link.starts_with("http://") || link.starts_with("https://") {
            links.push(link.to_owned());
        }
        rest = &candidate[end.max(4)..];
    }
    links
}

/// The emails in the demo's mail folder.
fn delivered(app: &TestApp) -> Vec<Email> {
    let mut emails = Vec::new();
    for entry in std::fs::read_dir(&app.mail_dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        let to = message
            .to()
            .and_then(|to| to.first())
            .and_then(|address| address.address())
            .unwrap()
            .to_owned();
        let mut links = Vec::new();
        for index in 0..message.text_body_count() {
            links.extend(links_in(&message.body_text(index).unwrap()));
        }
        for index in 0..message.html_body_count() {
            links.extend(links_in(&message.body_html(index).unwrap()));
        }
        links.sort();
        links.dedup();
        emails.push(Email {
            to,
            subject: message.subject().unwrap_or_default().to_owned(),
            links,
        });
    }
    emails.sort_by(|a, b| (&a.to, &a.subject).cmp(&(&b.to, &b.subject)));
    emails
}

#[tokio::test]
async fn the_demos_logins_work_and_every_link_in_its_emails_opens_its_page_after_login() {
    let musubi_tests::demo::Demo {
        app,
        summary,
        delivery,
        ..
    } = musubi_tests::demo::loaded_and_delivered().await;
    assert_eq!(delivery.still_due, 0, "{delivery:?}");
    let public_url = app.settings.public_url.trim_end_matches('/').to_owned();
    let at = |path: &str| format!("{}{path}", app.address);
    let mut browser = Browser::start("demo_journey").await;

    // Every printed login, as printed: the role's home greets them by name.
    for (n, login) in summary.logins.iter().enumerate() {
        browser.goto(&at("/login")).await;
        browser.log_in(&login.email, summary.password).await;
        browser.wait_for_path("/me").await;
        assert!(
            browser.text("main").await.contains(&login.name),
            "{} ({}) is not greeted on /me",
            login.email,
            login.role
        );
        browser.visit_in_both_languages(&format!("login-{n}")).await;
        browser.log_out().await;
    }

    // The city's CMO post ranks its applicants with bars and reasons; the first
    // professional finds needs ranked for them, with reasons in words.
    let city = &summary.logins[1];
    let candidates = format!("/needs/{}/candidates", summary.cmo_need_id);
    browser.goto(&at(&candidates)).await;
    browser.log_in(&city.email, summary.password).await;
    browser.wait_for_path(&candidates).await;
    assert!(browser.exists(".candidate meter").await);
    browser.visit_in_both_languages("cmo-candidates").await;
    browser.log_out().await;
    let professional = summary
        .logins
        .iter()
        .find(|login| login.role.contains("professional"))
        .unwrap();
    browser.goto(&at("/me/recommendations")).await;
    browser.log_in(&professional.email, summary.password).await;
    browser.wait_for_path("/me/recommendations").await;
    assert!(browser.exists(".recommendations .reasons li").await);
    browser.visit_in_both_languages("recommendations").await;
    browser.log_out().await;

    // Every link in every email: a visitor is asked to log in, and after logging in as
    // the recipient lands on the linked page, which names the need.
    let emails = delivered(&app);
    assert_eq!(emails.len(), 5, "{emails:#?}");
    let mut opened = BTreeMap::new();
    for (n, email) in emails.iter().enumerate() {
        assert!(!email.links.is_empty(), "no link in {email:?}");
        for (k, link) in email.links.iter().enumerate() {
            let path = link
                .strip_prefix(&public_url)
                .unwrap_or_else(|| panic!("{link} is not under {public_url}"));
            browser.goto(&at(path)).await;
            let encoded: String = path.replace('/', "%2F");
            browser
                .wait_for_path(&format!("/login?next={encoded}"))
                .await;
            browser.log_in(&email.to, summary.password).await;
            browser.wait_for_path(path).await;
            let heading = browser.text("h1").await;
            assert!(
                email.subject.contains(&heading),
                "{link} from “{}” shows “{heading}”",
                email.subject
            );
            browser
                .visit_in_both_languages(&format!("email-{n}-link-{k}"))
                .await;
            *opened.entry(email.to.clone()).or_insert(0) += 1;
            browser.log_out().await;
        }
    }
    // Both sides of each of the four introductions and the scouted professional.
    assert!(opened.len() >= 2, "{opened:?}");
    browser.quit().await;
}
