//! A real browser for the page tests: Debian's Chromium, headless, driven through
//! `chromedriver` over the W3C WebDriver protocol.
//!
//! The protocol is a handful of JSON requests, spoken here over the `reqwest` the
//! harness already has (a WebDriver crate would bring an ICU segmenter and an older
//! `http` into the build for the same few calls). [`Browser::start`] starts a
//! `chromedriver` of its own on a free port and one browser session; dropping the
//! browser ends the session and stops the driver and everything it started.
//!
//! [`Browser::visit`] is how a test looks at a page: it saves a screenshot into the
//! test's folder (`$MUSUBI_SCREENSHOT_DIR`, default `<target>/browser-screenshots`,
//! then `<test>/NN-<label>.png`) and runs axe-core (vendored in `tests/vendor/`)
//! on it, failing on any serious or critical violation.
//!
//! The programs come from `MUSUBI_CHROMIUM` and `MUSUBI_CHROMEDRIVER` (set by
//! `scripts/browser.sh`, which installs them when missing), else `/usr/bin/chromium` and
//! `/usr/bin/chromedriver`.
#![expect(
    clippy::expect_used,
    reason = "a harness that cannot drive the browser must fail the test loudly"
)]

use std::{
    io::{Read as _, Write as _},
    net::{TcpListener, TcpStream},
    os::unix::process::CommandExt as _,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use base64::Engine as _;
use serde_json::{Value, json};

/// The key WebDriver names an element by.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// axe-core, injected into each page it checks.
const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");

/// The rules axe runs: WCAG 2.1 A and AA, and its best practices.
const AXE_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

fn program(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found ({variable}): run `bash scripts/browser.sh` (it installs Debian's chromium and chromium-driver) or set {variable}",
        path.display()
    );
    path
}

/// The `chromedriver` process, stopped with everything it started when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Self {
        let chromedriver = program("MUSUBI_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("finding a free port")
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so the browser it starts can be stopped with it.
            .process_group(0)
            .spawn()
            .expect("starting chromedriver");
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group's id is the driver's pid; the browser processes are in it.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window, driven by a test.
pub struct Browser {
    http: reqwest::Client,
    session: String,
    shots: PathBuf,
    shot: usize,
    ended: bool,
    driver: Driver,
}

impl Browser {
    /// Starts a driver and a headless Chromium (1280×900, Japanese preferred), whose
    /// screenshots go into a folder named after `test`.
    pub async fn start(test: &str) -> Self {
        let chromium = program("MUSUBI_CHROMIUM", "/usr/bin/chromium");
        let driver = Driver::start();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .expect("building the WebDriver client");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = http
                .get(format!("{}/status", driver.url))
                .send()
                .await
                .ok()
                .filter(|response| response.status().is_success());
            if let Some(status) = ready {
                let status: Value = status.json().await.expect("chromedriver status");
                if status["value"]["ready"] == true {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut args = vec![
            "--headless=new",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--no-first-run",
            "--window-size=1280,900",
            "--lang=ja",
        ];
        // Chromium's sandbox refuses to run as root (CI containers).
        if is_root() {
            args.push("--no-sandbox");
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": {"intl.accept_languages": "ja"},
            },
        }}});
        let response = http
            .post(format!("{}/session", driver.url))
            .json(&capabilities)
            .send()
            .await
            .expect("creating a browser session");
        let body: Value = response.json().await.expect("the new session");
        let session = body["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromedriver did not start a browser: {body}"))
            .to_owned();
        let shots = screenshot_root().join(test);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("creating the screenshot folder");
        Self {
            http,
            session,
            shots,
            shot: 0,
            ended: false,
            driver,
        }
    }

    /// The folder this browser's screenshots go to.
    pub fn screenshots(&self) -> &Path {
        &self.shots
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.driver.url, self.session);
        let mut request = self.http.request(method.clone(), url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("WebDriver {method} {path}: {error}"));
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|error| panic!("WebDriver {method} {path}: not JSON: {error}"));
        assert!(
            status.is_success(),
            "WebDriver {method} {path} answered {status}: {}",
            body["value"]["message"]
        );
        body["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.command(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.command(reqwest::Method::GET, path, None).await
    }

    /// Opens a URL and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({"url": url})).await;
    }

    /// The current URL.
    pub async fn url(&self) -> String {
        self.get("/url").await.as_str().expect("a URL").to_owned()
    }

    /// The current URL's path and query.
    pub async fn path(&self) -> String {
        let url = reqwest::Url::parse(&self.url().await).expect("a URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits (up to ten seconds) until the page's path and query is `expected`, and
    /// fails the test if it never is.
    pub async fn wait_for_path(&self, expected: &str) {
        self.wait_for_path_where(expected, |path| path == expected)
            .await;
    }

    /// Waits (up to ten seconds) until the loaded page's path and query satisfies
    /// `wanted` (described as `what` when it never does), and returns it.
    pub async fn wait_for_path_where(&self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let path = self.path().await;
            let loaded = self.execute("return document.readyState;", json!([])).await == "complete";
            if wanted(&path) && loaded {
                return path;
            }
            assert!(
                Instant::now() < deadline,
                "expected to be at {what}, still at {path}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits (up to ten seconds) until an element matches `css` on a loaded page, and
    /// fails the test if none ever does: for a form answered on its own path, where
    /// waiting for the path says nothing.
    pub async fn wait_for(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let loaded = self.execute("return document.readyState;", json!([])).await == "complete";
            if loaded && self.exists(css).await {
                return;
            }
            assert!(Instant::now() < deadline, "no element {css} appeared");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .post("/element", json!({"using": "css selector", "value": css}))
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    /// Whether an element matches `css`.
    pub async fn exists(&self, css: &str) -> bool {
        let found = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await;
        found.as_array().is_some_and(|found| !found.is_empty())
    }

    /// Clicks the element (and waits for a navigation it starts).
    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.post(&format!("/element/{id}/click"), json!({})).await;
    }

    /// Types into a field (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.post(&format!("/element/{id}/clear"), json!({})).await;
        self.post(&format!("/element/{id}/value"), json!({"text": text}))
            .await;
    }

    /// Scrolls the element `css` to the top of the window (for a screenshot of it).
    pub async fn scroll_to(&self, css: &str) {
        self.execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
            json!([css]),
        )
        .await;
    }

    /// Chooses a local file in the file field `css` (as a person picking it would).
    pub async fn upload(&self, css: &str, file: &Path) {
        let id = self.element(css).await;
        self.post(
            &format!("/element/{id}/value"),
            json!({"text": file.to_str().expect("a UTF-8 path")}),
        )
        .await;
    }

    /// The rendered text of an element.
    pub async fn text(&self, css: &str) -> String {
        let id = self.element(css).await;
        self.get(&format!("/element/{id}/text"))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An attribute of an element.
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let id = self.element(css).await;
        self.get(&format!("/element/{id}/attribute/{name}"))
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Runs a script in the page and returns its value.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
            .await
    }

    /// Picks `value` in the `<select>` named `name`.
    pub async fn choose(&self, name: &str, value: &str) {
        self.click(&format!("select[name='{name}'] option[value='{value}']"))
            .await;
    }

    /// Ticks the checkbox or radio button named `name` with `value`.
    pub async fn tick(&self, name: &str, value: &str) {
        self.click(&format!("input[name='{name}'][value='{value}']"))
            .await;
    }

    /// Sets a field's value as a script would: date, time and range fields, whose
    /// typing differs between locales and widgets.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.execute(
            "const field = document.querySelector(arguments[0]); field.value = arguments[1]; \
             field.dispatchEvent(new Event('input', {bubbles: true}));",
            json!([css, value]),
        )
        .await;
    }

    /// Clicks the submit button of the form `form` (a CSS selector).
    pub async fn submit(&self, form: &str) {
        self.click(&format!("{form} button[type=submit]")).await;
    }

    /// Fills and sends the login form the browser is on.
    pub async fn log_in(&self, email: &str, password: &str) {
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.submit("form.form").await;
    }

    /// Logs out with the button in the site's navigation, and waits for the home page.
    pub async fn log_out(&self) {
        self.click(".site-nav form button").await;
        self.wait_for_path("/").await;
    }

    /// The page's whole source, as a person could read it with "view source".
    pub async fn source(&self) -> String {
        self.execute("return document.documentElement.outerHTML;", json!([]))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Presses a key (a WebDriver key code such as `"\u{E004}"` for Tab).
    pub async fn press(&self, key: &str) {
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key},
                {"type": "keyUp", "value": key},
            ]}]}),
        )
        .await;
        self.command(reqwest::Method::DELETE, "/actions", None)
            .await;
    }

    /// Resizes the window (360 wide is the narrowest phone the pages support).
    pub async fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}))
            .await;
    }

    /// Names of the cookies the page's site holds.
    pub async fn cookies(&self) -> Vec<Value> {
        self.get("/cookie")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Saves a screenshot as `NN-label.png` in the test's folder.
    pub async fn screenshot(&mut self, label: &str) -> PathBuf {
        let png = self.get("/screenshot").await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().expect("a screenshot"))
            .expect("a base64 screenshot");
        self.shot += 1;
        let path = self.shots.join(format!("{:02}-{label}.png", self.shot));
        std::fs::write(&path, bytes).expect("saving a screenshot");
        path
    }

    /// The serious and critical accessibility violations axe-core finds on the page,
    /// one line each (rule, impact, what to fix, where).
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let loaded = self
            .execute("return typeof window.axe === 'object';", json!([]))
            .await;
        if loaded != true {
            // Injected through WebDriver, which the page's CSP does not govern.
            self.execute(&format!("{AXE}\nreturn true;"), json!([]))
                .await;
        }
        let script = r#"
            const tags = arguments[0];
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
              .then(result => done(result.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
              }))))
              .catch(error => done({error: String(error)}));
        "#;
        let found = self
            .post(
                "/execute/async",
                json!({"script": script, "args": [AXE_TAGS]}),
            )
            .await;
        if let Some(error) = found.get("error") {
            panic!("axe-core failed: {error}");
        }
        found
            .as_array()
            .expect("axe's violations")
            .iter()
            .filter(|violation| {
                matches!(violation["impact"].as_str(), Some("serious" | "critical"))
            })
            .map(|violation| {
                format!(
                    "{} ({}): {} at {}",
                    violation["id"].as_str().unwrap_or_default(),
                    violation["impact"].as_str().unwrap_or_default(),
                    violation["help"].as_str().unwrap_or_default(),
                    violation["targets"]
                )
            })
            .collect()
    }

    /// Looks at the page as a test should: a screenshot, then axe-core, failing on a
    /// serious or critical violation.
    pub async fn visit(&mut self, label: &str) {
        let shot = self.screenshot(label).await;
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "{} ({}): accessibility violations:\n{}",
            self.path().await,
            shot.display(),
            violations.join("\n")
        );
    }

    /// Looks at the page in Japanese, then in English (through the switch every page
    /// has), then switches back: a screenshot and the accessibility check in both.
    pub async fn visit_in_both_languages(&mut self, label: &str) {
        let path = self.path().await;
        self.visit(&format!("{label}-ja")).await;
        self.click(".lang-switch a").await;
        self.wait_for_path(&path).await;
        self.visit(&format!("{label}-en")).await;
        self.click(".lang-switch a").await;
        self.wait_for_path(&path).await;
    }

    /// Whether the page is wider than the window (it should never scroll sideways).
    pub async fn scrolls_sideways(&self) -> bool {
        self.execute(
            "return document.documentElement.scrollWidth > window.innerWidth;",
            json!([]),
        )
        .await
            == true
    }

    /// Ends the browser session and stops the driver.
    pub async fn quit(mut self) {
        let url = format!("{}/session/{}", self.driver.url, self.session);
        let _ = self.http.delete(url).send().await;
        self.ended = true;
        // Dropping the driver stops what is left.
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that panicked never reached `quit`: end the session over a plain socket
        // (no runtime is needed), so Chromium shuts down before its driver is stopped.
        let Some(address) = self.driver.url.strip_prefix("http://") else {
            return;
        };
        if self.ended {
            return;
        }
        if let Ok(mut stream) = TcpStream::connect(address) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                self.session
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
            }
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .is_some_and(|output| output.stdout.trim_ascii() == b"0")
}

/// Where screenshots go: `$MUSUBI_SCREENSHOT_DIR`, else `browser-screenshots/` in the
/// cargo target directory.
fn screenshot_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("MUSUBI_SCREENSHOT_DIR") {
        return PathBuf::from(dir);
    }
    // CARGO_TARGET_TMPDIR is `<target>/tmp`, known only to test targets; the harness
    // library finds the target directory from the test executable's own path
    // (`<target>/debug/deps/<test>`).
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(std::env::temp_dir)
        .join("browser-screenshots")
}
