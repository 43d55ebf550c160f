//! The coordinator's CSV exports: `GET /api/v1/regions/{id}/exports/{kind}` and the
//! pages' `/region/export/{kind}.csv`. A round trip through a CSV parser gives back the
//! same values, Japanese with commas and quotes intact, after a byte-order mark;
//! Shift_JIS decodes to the same text (with `?` for what it cannot hold); cells that
//! would start a formula are neutralised; only the region's coordinator may export.

use musubi_tests::{TestApp, User, cmo_need, marketer_profile, pages::PageClient};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::{json, problem};

const JAPANESE: &str = "CMO（マーケティング責任者）, \"週2\"";
const EMOJI: &str = "絵文字😀の募集";
const FORMULAS: [&str; 4] = ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1:A9)"];

struct Region {
    app: TestApp,
    region: Uuid,
    coordinator: User,
    sme: User,
    needs: Vec<(String, Uuid)>,
    applicant: User,
    scouted: User,
}

async fn region() -> Region {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "信州食品, \"本社\"").await;
    let mut needs = Vec::new();
    for title in [JAPANESE, EMOJI].into_iter().chain(FORMULAS) {
        let mut need = cmo_need();
        need["title"] = json!(title);
        needs.push((title.to_owned(), app.post_need(&sme, &need).await));
    }
    let applicant = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let applied = app
        .post(
            &format!("/needs/{}/applications", needs[0].1),
            &applicant.token,
            &json!({"message": "塩尻の力になりたいです"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    let scouted = app
        .professional_with_profile("=cmd|' /C calc'!A0", &marketer_profile())
        .await;
    Region {
        app,
        region,
        coordinator,
        sme,
        needs,
        applicant,
        scouted,
    }
}

async fn matched(r: &Region, need: Uuid, pro: &User) -> String {
    let (status, body) = json(
        r.app
            .post(
                "/matches",
                &r.coordinator.token,
                &json!({"need_id": need, "professional_id": pro.id}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// The export's answer: content type, disposition, bytes.
async fn export(r: &Region, kind: &str, query: &str) -> (String, String, Vec<u8>) {
    let response = r
        .app
        .get(
            &format!("/regions/{}/exports/{kind}{query}", r.region),
            &r.coordinator.token,
        )
        .await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let bytes = response.bytes().await.unwrap().to_vec();
    (content_type, disposition, bytes)
}

/// Parses CSV text into its header and rows.
fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

/// UTF-8 bytes after their byte-order mark, which must be there.
fn after_bom(bytes: &[u8]) -> &str {
    let rest = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a byte-order mark first");
    std::str::from_utf8(rest).unwrap()
}

fn row_with<'a>(rows: &'a [Vec<String>], id: &str) -> &'a [String] {
    rows.iter()
        .find(|row| row[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[tokio::test]
async fn exports_round_trip_with_japanese_intact_and_formulas_neutralised() {
    let r = region().await;
    let introduction = matched(&r, r.needs[0].1, &r.applicant).await;
    let scout = matched(&r, r.needs[1].1, &r.scouted).await;

    // Needs: UTF-8 with a BOM, an attachment with a dated name.
    let (content_type, disposition, bytes) = export(&r, "needs", "").await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let today = (chrono::Utc::now() + chrono::Duration::hours(9)).format("%Y-%m-%d");
    let name = format!("musubi-needs-{today}.csv");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"{name}\"; filename*=UTF-8''{name}")
    );
    let (headers, rows) = parse(after_bom(&bytes));
    assert_eq!(
        headers,
        [
            "id",
            "title",
            "organization",
            "status",
            "role",
            "headcount",
            "hours_per_month",
            "work_style",
            "posted_at",
            "applicants"
        ]
    );
    assert_eq!(rows.len(), r.needs.len());
    let japanese = row_with(&rows, &r.needs[0].1.to_string());
    assert_eq!(japanese[1], JAPANESE);
    assert_eq!(japanese[2], "信州食品, \"本社\"");
    assert_eq!(
        &japanese[3..8],
        ["open", "cmo", "1", "16-32", "remote"].map(str::to_owned)
    );
    assert_eq!(
        japanese[8].len(),
        "2026-12-04 10:00".len(),
        "{}",
        japanese[8]
    );
    assert_eq!(japanese[9], "1", "one applicant");
    assert_eq!(row_with(&rows, &r.needs[1].1.to_string())[1], EMOJI);
    for (title, id) in &r.needs[2..] {
        assert_eq!(
            row_with(&rows, &id.to_string())[1],
            format!("'{title}"),
            "a formula cell is escaped"
        );
    }
    // The raw text quotes the Japanese title with its comma and doubled quotes.
    assert!(
        after_bom(&bytes).contains("\"CMO（マーケティング責任者）, \"\"週2\"\"\""),
        "{}",
        after_bom(&bytes)
    );

    // Applications: the applicant by name.
    let (_, _, bytes) = export(&r, "applications", "").await;
    let (headers, rows) = parse(after_bom(&bytes));
    assert_eq!(
        headers,
        [
            "id",
            "need_id",
            "need_title",
            "professional",
            "status",
            "submitted_at"
        ]
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][1], &r.needs[0].1.to_string());
    assert_eq!(rows[0][2], JAPANESE);
    assert_eq!(rows[0][3], "山田 花子");
    assert_eq!(rows[0][4], "submitted");

    // Matches: the introduction and the scout, a formula-like name neutralised.
    let (_, _, bytes) = export(&r, "matches", "").await;
    let (headers, rows) = parse(after_bom(&bytes));
    assert_eq!(
        headers,
        [
            "id",
            "need_id",
            "need_title",
            "professional",
            "status",
            "origin",
            "created_at",
            "meeting_at",
            "outcome"
        ]
    );
    let introduced = row_with(&rows, &introduction);
    assert_eq!(
        &introduced[2..6],
        [JAPANESE, "山田 花子", "introduced", "application"].map(str::to_owned)
    );
    assert_eq!(introduced[7], "");
    assert_eq!(introduced[8], "");
    let scouted = row_with(&rows, &scout);
    assert_eq!(scouted[3], "'=cmd|' /C calc'!A0");
    assert_eq!(&scouted[4..6], ["proposed", "scout"].map(str::to_owned));

    // Shift_JIS: the same values, and `?` for the emoji it cannot hold.
    let (content_type, _, bytes) = export(&r, "needs", "?encoding=shift_jis").await;
    assert_eq!(content_type, "text/csv; charset=shift_jis");
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    let (text, _, malformed) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!malformed);
    let (_, sjis_rows) = parse(&text);
    assert_eq!(row_with(&sjis_rows, &r.needs[0].1.to_string())[1], JAPANESE);
    assert_eq!(
        row_with(&sjis_rows, &r.needs[1].1.to_string())[1],
        "絵文字?の募集"
    );
    assert_eq!(sjis_rows.len(), r.needs.len());

    // The page's download is the same file.
    let mut desk = PageClient::new(&r.app.address);
    let answer = desk
        .login(&r.coordinator.email, "coordinator-password", None)
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let (page_type, page_bytes) = raw(&desk, "/region/export/needs.csv").await;
    assert_eq!(page_type, "text/csv; charset=utf-8");
    assert_eq!(
        parse(after_bom(&page_bytes)),
        parse(after_bom(&export(&r, "needs", "").await.2))
    );
    let (page_type, page_bytes) = raw(&desk, "/region/export/matches.csv?encoding=shift_jis").await;
    assert_eq!(page_type, "text/csv; charset=shift_jis");
    let (text, _, _) = encoding_rs::SHIFT_JIS.decode(&page_bytes);
    assert!(text.contains("CMO（マーケティング責任者）"), "{text}");
    assert_eq!(
        desk.get("/region/export/other.csv").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        desk.get("/region/export/needs.csv?encoding=latin1")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

/// A page's answer as bytes (the page client decodes text), with its content type.
async fn raw(client: &PageClient, path: &str) -> (String, Vec<u8>) {
    let cookies: Vec<String> = client
        .jar
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let response = reqwest::Client::new()
        .get(format!("{}{path}", client.origin()))
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (content_type, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn only_the_regions_coordinator_may_export() {
    let r = region().await;
    let path = |kind: &str| format!("/regions/{}/exports/{kind}", r.region);
    problem(r.app.get(&path("needs"), &r.sme.token).await, 403).await;
    problem(r.app.get(&path("matches"), &r.applicant.token).await, 403).await;
    let elsewhere = r.app.create_region("上田市", "長野県", "上田市").await;
    let stranger = r.app.coordinator(elsewhere).await;
    problem(r.app.get(&path("applications"), &stranger.token).await, 404).await;
    problem(
        r.app.get(&path("profiles"), &r.coordinator.token).await,
        404,
    )
    .await;
    let bad = problem(
        r.app
            .get(
                &format!("{}?encoding=latin1", path("needs")),
                &r.coordinator.token,
            )
            .await,
        422,
    )
    .await;
    assert!(bad.to_string().contains("encoding"), "{bad}");
    let anonymous = r
        .app
        .client
        .get(r.app.api(&path("needs")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    // The pages: an SME has no desk to export from; a visitor logs in first.
    let mut owner = PageClient::new(&r.app.address);
    owner.login(&r.sme.email, "sme-password-123", None).await;
    assert_eq!(
        owner.get("/region/export/needs.csv").await.status,
        StatusCode::FORBIDDEN
    );
    let mut visitor = PageClient::new(&r.app.address);
    assert_eq!(
        visitor.get("/region/export/needs.csv").await.status,
        StatusCode::SEE_OTHER
    );
}
