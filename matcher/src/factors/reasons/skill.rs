//! The reasons of skill fit: each asked skill, how the professional's best skill for
//! it compares with the asked level, or the related skill that earned part credit.

use crate::factors::Reason;
use crate::factors::encode::{RowRef, code_level, code_skill};
use crate::factors::kernel;
use crate::factors::query::NeedQuery;
use crate::taxonomy;

use super::format::text;

pub(super) fn skill_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    if q.requirements.is_empty() {
        return vec![Reason::new("スキルの指定なし", "No skills asked")];
    }
    let mut reasons = Vec::with_capacity(q.requirements.len());
    for (r, requirement) in q.requirements.iter().enumerate() {
        let asked = requirement.asked;
        let (kind_ja, kind_en) = if asked.must {
            ("必須スキル", "Must-have skill")
        } else {
            ("歓迎スキル", "Nice-to-have skill")
        };
        let (name_ja, name_en) = match requirement.skill.and_then(taxonomy::skill_by_id) {
            Some(skill) => (skill.ja, skill.en),
            None => (asked.skill.as_str(), asked.skill.as_str()),
        };
        // `必須スキル デジタルマーケティング`, what each of its reasons starts with.
        let (lead_ja, lead_en) = ((kind_ja, " ", name_ja), (kind_en, " ", name_en));
        let (credit, which) = kernel::requirement_credit(q, r, row);
        let min = asked.min_level;
        let percent = (credit * 100.0).round();
        let reason = match which {
            None => Reason::new(text!(lead_ja, ": 該当なし"), text!(lead_en, ": missing")),
            Some(code) if Some(code_skill(code)) == requirement.skill => {
                let level = code_level(code);
                if level >= min {
                    Reason::new(
                        text!(lead_ja, ": レベル", level, " (要求", min, ")"),
                        text!(lead_en, ": level ", level, " (asked ", min, ")"),
                    )
                } else {
                    Reason::new(
                        text!(
                            lead_ja,
                            ": レベル",
                            level,
                            " (要求",
                            min,
                            ") — 要求未満のため",
                            percent,
                            "%評価"
                        ),
                        text!(
                            lead_en,
                            ": level ",
                            level,
                            " (asked ",
                            min,
                            ") — below the asked level, ",
                            percent,
                            "% credit"
                        ),
                    )
                }
            }
            Some(code) => {
                let level = code_level(code);
                let (other_ja, other_en) = taxonomy::skill_by_id(code_skill(code))
                    .map_or(("?", "?"), |skill| (skill.ja, skill.en));
                Reason::new(
                    text!(
                        lead_ja,
                        ": 関連スキル ",
                        other_ja,
                        " レベル",
                        level,
                        " (要求",
                        min,
                        ") で",
                        percent,
                        "%評価"
                    ),
                    text!(
                        lead_en,
                        ": related skill ",
                        other_en,
                        " at level ",
                        level,
                        " (asked ",
                        min,
                        "), ",
                        percent,
                        "% credit"
                    ),
                )
            }
        };
        reasons.push(reason);
    }
    reasons
}
