//! The reasons of availability fit: hours a month against the need's range, the
//! start date against the date a start is judged by, and meeting slots.

use chrono::NaiveDate;

use crate::factors::Reason;
use crate::factors::encode::RowRef;
use crate::factors::kernel;
use crate::factors::query::NeedQuery;

use super::format::text;
use super::labels::slot_labels;

pub(super) fn hours_reason(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Reason {
    let need = q.need;
    let hours = row.s.hours;
    let (below_ja, below_en) = if kernel::hours_component(q, row) < 1.0 {
        (" — 下限未満", " — below the minimum")
    } else {
        ("", "")
    };
    Reason::new(
        text!(
            "稼働: 月",
            hours,
            "時間 (募集 月",
            need.hours_min,
            "〜",
            need.hours_max,
            "時間)",
            below_ja
        ),
        text!(
            "Hours: ",
            hours,
            " a month (need ",
            need.hours_min,
            "–",
            need.hours_max,
            ")",
            below_en
        ),
    )
}

pub(super) fn availability_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let mut reasons = Vec::with_capacity(3);
    reasons.push(hours_reason(q, row));

    let (by_ja, by_en) = &q.labels().start_by;
    reasons.push(match day_date(row.s.available_from) {
        None => Reason::new("開始: すぐに可能", "Start: available now"),
        Some(from) => {
            let late = kernel::days_late(q, row);
            if late > 0 {
                Reason::new(
                    text!("開始可能日 ", from, " (", by_ja, ") — ", late, "日遅れ"),
                    text!(
                        "Available from ",
                        from,
                        " (",
                        by_en,
                        "), ",
                        late,
                        " days late"
                    ),
                )
            } else {
                Reason::new(
                    text!("開始可能日 ", from, " (", by_ja, ")"),
                    text!("Available from ", from, " (", by_en, ")"),
                )
            }
        }
    });

    let offered = row.s.slots();
    reasons.push(if q.slots == 0 {
        Reason::new("面談の時間帯の指定なし", "No meeting slots asked")
    } else if offered == 0 {
        Reason::new("面談可能な時間帯が未記入", "Meeting slots not given")
    } else if q.slots & offered == 0 {
        Reason::new(
            text!(
                "面談の時間帯が合いません (募集: ",
                q.labels().slots.0,
                " / 本人: ",
                slot_labels(offered, true),
                ")"
            ),
            text!(
                "No meeting slot in common (need: ",
                q.labels().slots.1,
                "; professional: ",
                slot_labels(offered, false),
                ")"
            ),
        )
    } else {
        Reason::new(
            text!("面談の時間帯が合う: ", slot_labels(q.slots & offered, true)),
            text!(
                "Meeting slots in common: ",
                slot_labels(q.slots & offered, false)
            ),
        )
    });
    reasons
}

/// The date of a stored day number; `None` for 0 ("now").
fn day_date(day: u16) -> Option<NaiveDate> {
    if day == 0 {
        return None;
    }
    // Day 1 is 2000-01-01, which is day 730 120 from the common era.
    NaiveDate::from_num_days_from_ce_opt(730_119 + i32::from(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_dates_round_trip() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let day = u16::try_from(crate::factors::encode::day_number(date)).unwrap();
        assert_eq!(day_date(day), Some(date));
    }
}
