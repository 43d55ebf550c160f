//! The reasons of work-style fit: remote, hybrid or on-site on both sides, visits
//! asked and offered, and how far away the professional lives.

use crate::factors::Reason;
use crate::factors::encode::RowRef;
use crate::factors::kernel;
use crate::factors::query::NeedQuery;
use crate::taxonomy;

use super::format::text;
use super::labels::{work_style_en, work_style_ja};

pub(super) fn work_style_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    work_style_reasons_with(q, row, true)
}

/// Work style and visits, and distance too if `distance`.
pub(super) fn work_style_reasons_with(
    q: &NeedQuery<'_>,
    row: &RowRef<'_>,
    distance: bool,
) -> Vec<Reason> {
    let theirs = row.s.work_style();
    let mut reasons = vec![Reason::new(
        text!(
            "働き方: 募集は",
            work_style_ja(q.work_style),
            "、本人は",
            work_style_ja(theirs)
        ),
        text!(
            "Work style: need ",
            work_style_en(q.work_style),
            ", professional ",
            work_style_en(theirs)
        ),
    )];
    if q.visits > 0 {
        let offered = row.s.max_visits;
        reasons.push(Reason::new(
            text!(
                "訪問: 月",
                q.visits,
                "回の依頼に対し月",
                offered,
                "回まで可"
            ),
            text!(
                "Visits: ",
                q.visits,
                " a month asked, up to ",
                offered,
                " offered"
            ),
        ));
    }
    if q.visits > 0 && distance {
        let home = taxonomy::prefecture_by_code(row.s.home_prefecture);
        let distance = kernel::distance_component(q, row);
        reasons.push(match home {
            None => Reason::new(
                "居住地不明 (遠方として評価)",
                "Home unknown (counted as far)",
            ),
            Some(home) if distance >= 1.0 => Reason::new(
                text!("居住地 ", home.ja, ": 募集と同じ都道府県"),
                text!("Lives in ", home.en, ": the need's prefecture"),
            ),
            Some(home) if distance > 0.75 => Reason::new(
                text!("居住地 ", home.ja, ": 近隣"),
                text!("Lives in ", home.en, ": nearby"),
            ),
            Some(home) => Reason::new(
                text!("居住地 ", home.ja, ": 遠方"),
                text!("Lives in ", home.en, ": far away"),
            ),
        });
    }
    reasons
}
