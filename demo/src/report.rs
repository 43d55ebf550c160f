//! What `musubi demo` prints: plain text, Japanese with English labels, for a person at
//! a terminal (the command line writes these lines to stdout; nothing here prints).

use std::time::Duration;

use super::{Delivery, DemoSummary};

/// The lines to print after a demo run. `base_url` is the service's public URL
/// (`MUSUBI_PUBLIC_URL`); `elapsed` is how long the run took.
pub fn report(
    summary: &DemoSummary,
    delivery: &Delivery,
    base_url: &str,
    elapsed: Duration,
) -> Vec<String> {
    let mut lines = vec!["結び Musubi デモ / demo".to_owned()];
    let region_names: Vec<String> = summary
        .regions
        .iter()
        .map(|(_, name, prefecture)| format!("{name} ({prefecture})"))
        .collect();
    if summary.already_loaded {
        lines.push(
            "  デモデータは読み込み済みです。何も追加せず、ログイン情報をもう一度表示します。"
                .to_owned(),
        );
        lines.push(
            "  The demo was already loaded: nothing was added; here are the logins again."
                .to_owned(),
        );
    } else {
        lines.push("  デモデータを読み込みました / demo data loaded".to_owned());
    }
    lines.push(format!("  地域 / regions: {}", region_names.join(", ")));
    lines.push(format!(
        "  募集 needs {} · 複業人材 professionals {} · 応募 applications {} · 紹介 introductions {} · スカウト scout 1 · {:.1} s",
        summary.needs,
        summary.professionals,
        summary.applications,
        summary.introductions.len(),
        elapsed.as_secs_f64()
    ));

    lines.push(String::new());
    lines.push(format!(
        "ログイン / Logins — 共通パスワード / password for all: {}",
        summary.password
    ));
    for login in &summary.logins {
        lines.push(format!(
            "  {:<44} {}  {}",
            login.email, login.role, login.name
        ));
    }

    lines.push(String::new());
    lines.push(format!(
        "「{}」の候補者 上位{}名 / top {} candidates (scope=all)",
        summary.cmo_need_title,
        summary.top_candidates.len(),
        summary.top_candidates.len()
    ));
    for (rank, candidate) in summary.top_candidates.iter().enumerate() {
        let applied = if candidate.applied {
            "  [応募済み / applied]"
        } else {
            ""
        };
        lines.push(format!(
            "  {}. {:>6.2}  {}{applied}",
            rank + 1,
            candidate.score,
            candidate.display
        ));
        for factor in &candidate.factors {
            let reason = factor.reasons.first().map_or("—", String::as_str);
            lines.push(format!(
                "       {} {} {:.2}×{:.2}  {reason}",
                factor.label, factor.factor, factor.score, factor.weight
            ));
        }
    }

    lines.push(String::new());
    lines.push("メール / Email".to_owned());
    match &delivery.mail_dir {
        Some(dir) => lines.push(format!(
            "  紹介・スカウトのメール {} 通を .eml で書き出しました / {} introduction and scout emails written as .eml files to {}",
            delivery.sent,
            delivery.sent,
            dir.display()
        )),
        None => lines.push(format!(
            "  紹介・スカウトのメール {} 通を SMTP で送りました / {} introduction and scout emails sent over SMTP (MUSUBI_SMTP_URL)",
            delivery.sent, delivery.sent
        )),
    }
    if delivery.still_due > 0 {
        lines.push(format!(
            "  {} 通は未送信です。サーバーの配信ワーカーが再試行します / {} not delivered yet: the server's worker retries them (GET /api/v1/outbox)",
            delivery.still_due, delivery.still_due
        ));
    }
    if delivery.scheduled > 0 {
        lines.push(format!(
            "  {} 通は予約送信です / {} scheduled for later (reminders)",
            delivery.scheduled, delivery.scheduled
        ));
    }

    let coordinator = summary
        .logins
        .first()
        .map_or("coordinator.shiojiri@musubi-demo.example", |l| {
            l.email.as_str()
        });
    let api = format!("{base_url}/api/v1");
    lines.push(String::new());
    lines.push("次に / Next".to_owned());
    lines.push(format!(
        "  サーバーを起動 / start the server:  cargo run --release   (musubi serve, {api})"
    ));
    lines.push(format!(
        "  ブラウザで開く / open in a browser:  {base_url}/   (上のログインで / with a login above; the .eml links open their pages)"
    ));
    lines.push(format!("  curl -s {api}/needs | jq -r '.items[].title'"));
    lines.push(format!(
        "  TOKEN=$(curl -s -X POST {api}/auth/login -H 'Content-Type: application/json' -d '{{\"email\":\"{coordinator}\",\"password\":\"{}\"}}' | jq -r .access_token)",
        summary.password
    ));
    lines.push(format!(
        "  curl -s -H \"Authorization: Bearer $TOKEN\" '{api}/needs/{}/candidates?scope=all&limit=5' | jq",
        summary.cmo_need_id
    ));
    lines.push(format!(
        "  curl -s -H \"Authorization: Bearer $TOKEN\" '{api}/matches' | jq '.items[] | {{need_title, status}}'"
    ));
    lines
}
