//! The reasons of experience fit: years in the need's role, the need's industry,
//! and whether hands-on or advisory styles agree.

use crate::factors::Reason;
use crate::factors::encode::RowRef;
use crate::factors::kernel;
use crate::factors::query::NeedQuery;
use crate::taxonomy;

use super::format::text;
use super::labels::{style_en, style_ja};

pub(super) fn experience_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let label = taxonomy::role_label(q.need.role);
    let years = row.s.years_in(q.role_shift);
    let mut reasons = Vec::with_capacity(3);
    reasons.push(match years {
        0 => Reason::new(
            text!(label.ja, "の経験なし"),
            text!("No experience as ", label.en),
        ),
        15 => Reason::new(
            text!(label.ja, "の経験 15年以上"),
            text!("15+ years as ", label.en),
        ),
        1 => Reason::new(text!(label.ja, "の経験 1年"), text!("1 year as ", label.en)),
        years => Reason::new(
            text!(label.ja, "の経験 ", years, "年"),
            text!(years, " years as ", label.en),
        ),
    });
    if let (Some(known), Some((ja, en))) =
        (kernel::industry_component(q, row), &q.labels().industry)
    {
        reasons.push(if known > 0.0 {
            Reason::new(
                text!("業界経験あり: ", ja),
                text!("Industry experience: ", en),
            )
        } else {
            Reason::new(text!("業界経験なし: ", ja), text!("No experience in ", en))
        });
    }
    let style = row.s.style();
    let (mismatch_ja, mismatch_en) = if kernel::style_component(q.style, style) > 0.0 {
        ("", "")
    } else {
        (" (不一致)", " (mismatch)")
    };
    reasons.push(Reason::new(
        text!(
            "関わり方: 募集は",
            style_ja(q.style),
            "、本人は",
            style_ja(style),
            mismatch_ja
        ),
        text!(
            "Style: need ",
            style_en(q.style),
            ", professional ",
            style_en(style),
            mismatch_en
        ),
    ));
    reasons
}
