//! The report's reply-speed figures on hand-made data: the median days from application
//! to introduction and from introduction to the first meeting scheduled, as
//! `GET /regions/{id}/report` and `/region/report` give them, against medians this test
//! computes itself from the spans it wrote into the history.

use chrono::{DateTime, Duration, Utc};
use musubi_api::entities::{application, match_event, matches};
use musubi_tests::{TestApp, cmo_need, marketer_profile, pages::PageClient};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

use crate::json;

/// The median as the report defines it, written out plainly: the middle value of the
/// sorted list, or the mean of the middle two; in days, to one decimal.
fn median(hours: &[i64]) -> Option<f64> {
    if hours.is_empty() {
        return None;
    }
    let mut sorted = hours.to_vec();
    sorted.sort();
    let n = sorted.len();
    let middle_hours = if n % 2 == 1 {
        sorted[n / 2] as f64
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0
    };
    Some((middle_hours / 24.0 * 10.0).round() / 10.0)
}

async fn set_event_time(app: &TestApp, match_id: Uuid, to_status: &str, at: DateTime<Utc>) {
    let changed = match_event::Entity::update_many()
        .col_expr(match_event::Column::CreatedAt, Expr::value(at))
        .filter(match_event::Column::MatchId.eq(match_id))
        .filter(match_event::Column::ToStatus.eq(to_status))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected, 1, "{match_id} {to_status}");
}

#[tokio::test]
async fn the_median_days_to_introduction_and_to_a_first_meeting_are_right_on_hand_made_data() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    // Hours from application to introduction, and from introduction to the first
    // meeting (none for the last two: one never met, one was scouted).
    let to_introduction: [i64; 4] = [20, 60, 100, 30];
    let to_meeting: [Option<i64>; 4] = [Some(72), Some(150), Some(40), None];
    let base = Utc::now() - Duration::days(60);
    let mut ids = Vec::new();
    for (n, hours) in to_introduction.iter().enumerate() {
        let pro = app
            .professional_with_profile(&format!("応募者 {n}"), &marketer_profile())
            .await;
        let applied = app
            .post(
                &format!("/needs/{need}/applications"),
                &pro.token,
                &json!({"message": "応募します"}),
            )
            .await;
        assert_eq!(applied.status(), 201);
        let (status, made) = json(
            app.post(
                "/matches",
                &coordinator.token,
                &json!({"need_id": need, "professional_id": pro.id}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{made}");
        let id: Uuid = made["id"].as_str().unwrap().parse().unwrap();
        let application_id: Uuid = made["application_id"].as_str().unwrap().parse().unwrap();
        let applied_at = base + Duration::days(n as i64 * 5);
        application::Entity::update_many()
            .col_expr(application::Column::CreatedAt, Expr::value(applied_at))
            .filter(application::Column::Id.eq(application_id))
            .exec(&app.db)
            .await
            .unwrap();
        let introduced_at = applied_at + Duration::hours(*hours);
        set_event_time(&app, id, "introduced", introduced_at).await;
        if let Some(meeting_hours) = to_meeting[n] {
            let starts_at = (Utc::now() + Duration::days(10)).to_rfc3339();
            let (status, body) = json(
                app.post(
                    &format!("/matches/{id}/meetings"),
                    &coordinator.token,
                    &json!({"starts_at": starts_at, "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"}),
                )
                .await,
            )
            .await;
            assert_eq!(status, 201, "{body}");
            let scheduled_at = introduced_at + Duration::hours(meeting_hours);
            set_event_time(&app, id, "meeting_scheduled", scheduled_at).await;
            // A reschedule later is not a first meeting.
            let moved = (Utc::now() + Duration::days(11)).to_rfc3339();
            let (status, _) = json(
                app.post(
                    &format!("/matches/{id}/meetings"),
                    &coordinator.token,
                    &json!({"starts_at": moved, "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"}),
                )
                .await,
            )
            .await;
            assert_eq!(status, 201);
        }
        ids.push(id);
    }
    // A scout accepted: introduced, but from no application.
    let scouted = app
        .professional_with_profile("スカウト 太郎", &marketer_profile())
        .await;
    let (_, made) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": scouted.id}),
        )
        .await,
    )
    .await;
    let scout = made["id"].as_str().unwrap().to_owned();
    let accepted = app
        .post(
            &format!("/matches/{scout}/accept"),
            &scouted.token,
            &json!({}),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    // A match of another region counts for nothing here.
    let other = app.create_region("上田市", "長野県", "上田市").await;
    matches::Entity::update_many()
        .col_expr(matches::Column::RegionId, Expr::value(other))
        .filter(matches::Column::Id.eq(ids[3]))
        .exec(&app.db)
        .await
        .unwrap();

    let counted_introductions: Vec<i64> = to_introduction[..3].to_vec();
    let counted_meetings: Vec<i64> = to_meeting[..3].iter().flatten().copied().collect();
    let expected_introduction = median(&counted_introductions);
    let expected_meeting = median(&counted_meetings);
    assert_eq!(expected_introduction, Some(2.5), "60 hours");
    assert_eq!(expected_meeting, Some(3.0), "72 hours");

    let (status, report) = json(
        app.get(&format!("/regions/{region}/report"), &coordinator.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let speed = &report["reply_speed"];
    assert_eq!(
        speed["median_days_to_introduction"].as_f64(),
        expected_introduction,
        "{speed}"
    );
    assert_eq!(speed["introductions_measured"], 3, "{speed}");
    assert_eq!(
        speed["median_days_to_first_meeting"].as_f64(),
        expected_meeting,
        "{speed}"
    );
    // The scout's introduction has no first meeting yet; only the three met count.
    assert_eq!(speed["meetings_measured"], 3, "{speed}");

    // The page says the same.
    let mut page = PageClient::new(&app.address);
    let login = page
        .login(&coordinator.email, "coordinator-password", None)
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let shown = page.get("/region/report").await;
    assert_eq!(shown.status, StatusCode::OK);
    let figure = |id: &str| {
        let start = shown.body.find(&format!("id=\"{id}\"")).unwrap();
        let rest = &shown.body[start..];
        rest[..rest.find("</dd>").unwrap()].to_owned()
    };
    assert!(
        figure("speed-introduction").contains("2.5日（3件の中央値）"),
        "{}",
        figure("speed-introduction")
    );
    assert!(
        figure("speed-meeting").contains("3.0日（3件の中央値）"),
        "{}",
        figure("speed-meeting")
    );
}

#[tokio::test]
async fn a_region_without_matches_has_no_reply_speed_yet() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let (status, report) = json(
        app.get(&format!("/regions/{region}/report"), &coordinator.token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        report["reply_speed"]["median_days_to_introduction"].is_null(),
        "{report}"
    );
    assert!(
        report["reply_speed"]["median_days_to_first_meeting"].is_null(),
        "{report}"
    );
    assert_eq!(report["reply_speed"]["introductions_measured"], 0);
}
