//! The reasons of compensation fit: pro bono on both sides, or the professional's
//! minimum fee against the need's budget.

use crate::factors::Reason;
use crate::factors::encode::{PRO_BONO_OK, RowRef};
use crate::factors::query::NeedQuery;

use super::format::{text, yen_en, yen_ja};

pub(super) fn compensation_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let ok = row.s.has(PRO_BONO_OK);
    if q.need.pro_bono {
        return vec![if ok {
            Reason::new(
                "無償（プロボノ）の募集: 本人はプロボノ可",
                "Pro bono need: the professional works pro bono",
            )
        } else {
            Reason::new(
                "無償（プロボノ）の募集: 本人はプロボノ不可",
                "Pro bono need: the professional does not work pro bono",
            )
        }];
    }
    let minimum = row.s.min_compensation;
    let (lo, hi) = (q.budget_min, q.budget_max);
    let (budget_ja, budget_en) = &q.labels().budget;
    vec![if minimum == 0 {
        Reason::new(
            text!("報酬: 希望下限なし (", budget_ja, ")"),
            text!("Pay: no minimum (", budget_en, ")"),
        )
    } else if minimum <= lo {
        Reason::new(
            text!(
                "報酬: 希望下限 月",
                yen_ja(minimum),
                " (",
                budget_ja,
                "の範囲内)"
            ),
            text!(
                "Pay: minimum ",
                yen_en(minimum),
                " a month, within the ",
                budget_en
            ),
        )
    } else if minimum <= hi {
        Reason::new(
            text!(
                "報酬: 希望下限 月",
                yen_ja(minimum),
                " (",
                budget_ja,
                "の上寄り)"
            ),
            text!(
                "Pay: minimum ",
                yen_en(minimum),
                " a month, in the upper part of the ",
                budget_en
            ),
        )
    } else {
        Reason::new(
            text!(
                "報酬: 希望下限 月",
                yen_ja(minimum),
                " (予算上限 月",
                yen_ja(hi),
                "を超過)"
            ),
            text!(
                "Pay: minimum ",
                yen_en(minimum),
                " a month, above the budget's ",
                yen_en(hi)
            ),
        )
    }]
}
