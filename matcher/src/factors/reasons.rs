//! Reasons: each factor's numbers in words a coordinator can read, Japanese first.
//!
//! Every reason is built from the same encoded row and prepared need as the score,
//! never from the profile's free text, so an explanation can be shown to an SME
//! before an introduction without leaking a name, employer or bio.

use chrono::NaiveDate;

use crate::model::{MeetingSlot, Style, WorkStyle};
use crate::taxonomy;
use crate::weights::Factor;

use super::Reason;
use super::bm25::shared_words;
use super::encode::{PlaceCode, PlaceKind, RowRef, code_level, code_skill};
use super::kernel::{self, PlaceMatch, TextScores};
use super::query::NeedQuery;

/// Which need terms a profile's text and proposal share, for naming the words.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TextMatch {
    pub scores: TextScores,
    /// Whether a proposal was given.
    pub has_proposal: bool,
    /// Keys of the need's profile-query terms in the motivation.
    pub motivation_keys: Vec<u64>,
    /// Keys of the need's proposal-query terms in the proposal.
    pub proposal_keys: Vec<u64>,
}

/// The need's side of the reasons, which every candidate's reasons repeat: built
/// once per prepared need, on the first explanation.
#[derive(Debug, Clone)]
pub(crate) struct NeedLabels {
    /// `(ja, en)` of the need's industry, when it names one.
    industry: Option<(String, String)>,
    /// `(ja, en)` of the date a start is judged by.
    start_by: (String, String),
    /// `(ja, en)` of the budget.
    budget: (String, String),
    /// `(ja, en)` of the need's themes and meeting slots.
    themes: (String, String),
    slots: (String, String),
}

impl NeedLabels {
    pub(crate) fn new(q: &NeedQuery<'_>) -> Self {
        let need = q.need;
        let industry =
            (q.industry != 0).then(|| match taxonomy::resolve_industry(&need.industry) {
                Some(industry) => (industry.ja.to_owned(), industry.en.to_owned()),
                None => (need.industry.clone(), need.industry.clone()),
            });
        let start_by = match need.apply_by {
            Some(date) => (format!("応募締切 {date}"), format!("apply by {date}")),
            None => (format!("本日 {}", q.today), format!("today {}", q.today)),
        };
        let (lo, hi) = (q.budget_min, q.budget_max);
        Self {
            industry,
            start_by,
            budget: (
                format!("予算 月{}〜{}", yen_ja(lo), yen_ja(hi)),
                format!("budget {}–{} a month", yen_en(lo), yen_en(hi)),
            ),
            themes: (theme_labels(q.themes, true), theme_labels(q.themes, false)),
            slots: (slot_labels(q.slots, true), slot_labels(q.slots, false)),
        }
    }
}

/// The reasons of one factor.
pub(crate) fn factor_reasons(
    factor: Factor,
    q: &NeedQuery<'_>,
    row: &RowRef<'_>,
    text: &TextMatch,
) -> Vec<Reason> {
    match factor {
        Factor::SkillFit => skill_reasons(q, row),
        Factor::MotivationFit => motivation_reasons(q, row, text),
        Factor::ExperienceFit => experience_reasons(q, row),
        Factor::AvailabilityFit => availability_reasons(q, row),
        Factor::RegionalAffinity => regional_reasons(q, row),
        Factor::WorkStyleFit => work_style_reasons(q, row),
        Factor::CompensationFit => compensation_reasons(q, row),
    }
}

fn skill_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
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
        let head_ja = format!("{kind_ja} {name_ja}");
        let head_en = format!("{kind_en} {name_en}");
        let (credit, which) = kernel::requirement_credit(q, r, row);
        let min = asked.min_level;
        let percent = (credit * 100.0).round();
        let reason = match which {
            None => Reason::new(
                format!("{head_ja}: 該当なし"),
                format!("{head_en}: missing"),
            ),
            Some(code) if Some(code_skill(code)) == requirement.skill => {
                let level = code_level(code);
                if level >= min {
                    Reason::new(
                        format!("{head_ja}: レベル{level} (要求{min})"),
                        format!("{head_en}: level {level} (asked {min})"),
                    )
                } else {
                    Reason::new(
                        format!(
                            "{head_ja}: レベル{level} (要求{min}) — 要求未満のため{percent}%評価"
                        ),
                        format!(
                            "{head_en}: level {level} (asked {min}) — below the asked level, {percent}% credit"
                        ),
                    )
                }
            }
            Some(code) => {
                let level = code_level(code);
                let (other_ja, other_en) = taxonomy::skill_by_id(code_skill(code))
                    .map_or(("?", "?"), |skill| (skill.ja, skill.en));
                Reason::new(
                    format!(
                        "{head_ja}: 関連スキル {other_ja} レベル{level} (要求{min}) で{percent}%評価"
                    ),
                    format!(
                        "{head_en}: related skill {other_en} at level {level} (asked {min}), {percent}% credit"
                    ),
                )
            }
        };
        reasons.push(reason);
    }
    reasons
}

fn motivation_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>, text: &TextMatch) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if q.themes != 0 {
        let common = q.themes & row.s.themes;
        let total = q.themes.count_ones();
        reasons.push(if common == 0 {
            Reason::new(
                format!("共通テーマなし (募集のテーマ: {})", q.labels().themes.0),
                format!(
                    "No shared theme (the need's themes: {})",
                    q.labels().themes.1
                ),
            )
        } else {
            let shared = common.count_ones();
            Reason::new(
                format!(
                    "共通テーマ: {} ({shared}/{total})",
                    theme_labels(common, true)
                ),
                format!(
                    "Shared themes: {} ({shared} of {total})",
                    theme_labels(common, false)
                ),
            )
        });
    }
    if q.text.has_text() {
        let use_proposal = text.has_proposal && text.scores.proposal > text.scores.motivation;
        let (similarity, keys, source_ja, source_en) = if use_proposal {
            (
                text.scores.proposal,
                &text.proposal_keys,
                "提案文",
                "proposal",
            )
        } else {
            (
                text.scores.motivation,
                &text.motivation_keys,
                "志望動機",
                "motivation",
            )
        };
        let words = shared_words(&q.text.tokens, &q.text.token_keys, keys, 5);
        reasons.push(if similarity > 0.0 && !words.is_empty() {
            Reason::new(
                format!(
                    "{source_ja}と募集文の共通語: {} (類似度{similarity:.2})",
                    words.join("、")
                ),
                format!(
                    "Words the {source_en} shares with the need: {} (similarity {similarity:.2})",
                    words.join(", ")
                ),
            )
        } else if text.has_proposal {
            Reason::new(
                "志望動機・提案文と募集文に共通する語がありません",
                "Neither the motivation nor the proposal shares words with the need",
            )
        } else {
            Reason::new(
                "志望動機と募集文に共通する語がありません",
                "The motivation shares no words with the need",
            )
        });
    }
    if reasons.is_empty() {
        reasons.push(Reason::new(
            "募集にテーマも本文もないため中立評価",
            "The need has no themes or text to compare: neutral",
        ));
    }
    reasons
}

fn experience_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let label = taxonomy::role_label(q.need.role);
    let years = row.s.years_in(q.role_shift);
    let mut reasons = vec![match years {
        0 => Reason::new(
            format!("{}の経験なし", label.ja),
            format!("No experience as {}", label.en),
        ),
        15 => Reason::new(
            format!("{}の経験 15年以上", label.ja),
            format!("15+ years as {}", label.en),
        ),
        1 => Reason::new(
            format!("{}の経験 1年", label.ja),
            format!("1 year as {}", label.en),
        ),
        years => Reason::new(
            format!("{}の経験 {years}年", label.ja),
            format!("{years} years as {}", label.en),
        ),
    }];
    if let (Some(known), Some((ja, en))) =
        (kernel::industry_component(q, row), &q.labels().industry)
    {
        reasons.push(if known > 0.0 {
            Reason::new(
                format!("業界経験あり: {ja}"),
                format!("Industry experience: {en}"),
            )
        } else {
            Reason::new(
                format!("業界経験なし: {ja}"),
                format!("No experience in {en}"),
            )
        });
    }
    let style = row.s.style();
    let (mismatch_ja, mismatch_en) = if kernel::style_component(q.style, style) > 0.0 {
        ("", "")
    } else {
        (" (不一致)", " (mismatch)")
    };
    reasons.push(Reason::new(
        format!(
            "関わり方: 募集は{}、本人は{}{mismatch_ja}",
            style_ja(q.style),
            style_ja(style)
        ),
        format!(
            "Style: need {}, professional {}{mismatch_en}",
            style_en(q.style),
            style_en(style)
        ),
    ));
    reasons
}

fn hours_reason(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Reason {
    let need = q.need;
    let hours = row.s.hours;
    let (below_ja, below_en) = if kernel::hours_component(q, row) < 1.0 {
        (" — 下限未満", " — below the minimum")
    } else {
        ("", "")
    };
    Reason::new(
        format!(
            "稼働: 月{hours}時間 (募集 月{}〜{}時間){below_ja}",
            need.hours_min, need.hours_max
        ),
        format!(
            "Hours: {hours} a month (need {}–{}){below_en}",
            need.hours_min, need.hours_max
        ),
    )
}

fn availability_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let mut reasons = vec![hours_reason(q, row)];

    let (by_ja, by_en) = &q.labels().start_by;
    reasons.push(match day_date(row.s.available_from) {
        None => Reason::new("開始: すぐに可能", "Start: available now"),
        Some(from) => {
            let late = kernel::days_late(q, row);
            if late > 0 {
                Reason::new(
                    format!("開始可能日 {from} ({by_ja}) — {late}日遅れ"),
                    format!("Available from {from} ({by_en}), {late} days late"),
                )
            } else {
                Reason::new(
                    format!("開始可能日 {from} ({by_ja})"),
                    format!("Available from {from} ({by_en})"),
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
            format!(
                "面談の時間帯が合いません (募集: {} / 本人: {})",
                q.labels().slots.0,
                slot_labels(offered, true)
            ),
            format!(
                "No meeting slot in common (need: {}; professional: {})",
                q.labels().slots.1,
                slot_labels(offered, false)
            ),
        )
    } else {
        Reason::new(
            format!(
                "面談の時間帯が合う: {}",
                slot_labels(q.slots & offered, true)
            ),
            format!(
                "Meeting slots in common: {}",
                slot_labels(q.slots & offered, false)
            ),
        )
    });
    reasons
}

fn regional_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let Some(need_prefecture) = prefecture_by_code(q.prefecture) else {
        return vec![Reason::new(
            "募集の所在地の都道府県が不明",
            "The need's prefecture is unknown",
        )];
    };
    let mut reasons = Vec::new();
    let (strength, which) = kernel::strongest_tie(q, row);
    let place = which
        .and_then(|position| row.places.get(position))
        .map(|&code| PlaceCode(code));
    match (place, place.and_then(PlaceCode::kind)) {
        (Some(place), Some(kind)) if strength > 0.0 => {
            let matched = kernel::place_match(q, place);
            let (name_ja, name_en) = match (matched, prefecture_by_code(place.prefecture())) {
                (PlaceMatch::City, _) => (
                    format!("{}{}", need_prefecture.ja, q.need.place.city.trim()),
                    format!("{}, {}", q.need.place.city.trim(), need_prefecture.en),
                ),
                (_, Some(prefecture)) => (prefecture.ja.to_owned(), prefecture.en.to_owned()),
                (_, None) => (String::new(), String::new()),
            };
            let (tie_ja, tie_en) = tie_words(kind, &name_ja, &name_en);
            let (level_ja, level_en) = match matched {
                PlaceMatch::City => (" (市区町村が一致)".to_owned(), " (same city)".to_owned()),
                PlaceMatch::Prefecture => (
                    " (都道府県が一致)".to_owned(),
                    " (same prefecture)".to_owned(),
                ),
                PlaceMatch::Wider => {
                    let region = taxonomy::wider_region(need_prefecture.wider_region);
                    let (ja, en) = region.map_or(("", ""), |region| (region.ja, region.en));
                    (
                        format!(" (同じ{ja}地方)"),
                        format!(" (same wider region: {en})"),
                    )
                }
                PlaceMatch::None => (String::new(), String::new()),
            };
            reasons.push(Reason::new(
                format!("{tie_ja}{level_ja}"),
                format!("{tie_en}{level_en}"),
            ));
        }
        _ => reasons.push(Reason::new(
            format!("{}とのつながりなし", need_prefecture.ja),
            format!("No tie to {}", need_prefecture.en),
        )),
    }
    let bonus = kernel::past_bonus(q, row);
    if bonus > 0.0 {
        let count = row
            .places
            .iter()
            .map(|&code| PlaceCode(code))
            .filter(|&place| {
                place.kind() == Some(PlaceKind::Past)
                    && matches!(
                        kernel::place_match(q, place),
                        PlaceMatch::City | PlaceMatch::Prefecture
                    )
            })
            .count();
        let plural = if count == 1 { "" } else { "s" };
        reasons.push(Reason::new(
            format!(
                "{}での過去の参画 {count}件 (+{bonus:.1})",
                need_prefecture.ja
            ),
            format!(
                "{count} earlier engagement{plural} in {} (+{bonus:.1})",
                need_prefecture.en
            ),
        ));
    }
    reasons
}

fn work_style_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    work_style_reasons_with(q, row, true)
}

/// Work style and visits, and distance too if `distance`.
fn work_style_reasons_with(q: &NeedQuery<'_>, row: &RowRef<'_>, distance: bool) -> Vec<Reason> {
    let theirs = row.s.work_style();
    let mut reasons = vec![Reason::new(
        format!(
            "働き方: 募集は{}、本人は{}",
            work_style_ja(q.work_style),
            work_style_ja(theirs)
        ),
        format!(
            "Work style: need {}, professional {}",
            work_style_en(q.work_style),
            work_style_en(theirs)
        ),
    )];
    if q.visits > 0 {
        let offered = row.s.max_visits;
        reasons.push(Reason::new(
            format!("訪問: 月{}回の依頼に対し月{offered}回まで可", q.visits),
            format!(
                "Visits: {} a month asked, up to {offered} offered",
                q.visits
            ),
        ));
    }
    if q.visits > 0 && distance {
        let home = prefecture_by_code(row.s.home_prefecture);
        let distance = kernel::distance_component(q, row);
        reasons.push(match home {
            None => Reason::new(
                "居住地不明 (遠方として評価)",
                "Home unknown (counted as far)",
            ),
            Some(home) if distance >= 1.0 => Reason::new(
                format!("居住地 {}: 募集と同じ都道府県", home.ja),
                format!("Lives in {}: the need's prefecture", home.en),
            ),
            Some(home) if distance > 0.75 => Reason::new(
                format!("居住地 {}: 近隣", home.ja),
                format!("Lives in {}: nearby", home.en),
            ),
            Some(home) => Reason::new(
                format!("居住地 {}: 遠方", home.ja),
                format!("Lives in {}: far away", home.en),
            ),
        });
    }
    reasons
}

fn compensation_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let ok = row.s.has(super::encode::PRO_BONO_OK);
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
            format!("報酬: 希望下限なし ({budget_ja})"),
            format!("Pay: no minimum ({budget_en})"),
        )
    } else if minimum <= lo {
        Reason::new(
            format!("報酬: 希望下限 月{} ({budget_ja}の範囲内)", yen_ja(minimum)),
            format!(
                "Pay: minimum {} a month, within the {budget_en}",
                yen_en(minimum)
            ),
        )
    } else if minimum <= hi {
        Reason::new(
            format!("報酬: 希望下限 月{} ({budget_ja}の上寄り)", yen_ja(minimum)),
            format!(
                "Pay: minimum {} a month, in the upper part of the {budget_en}",
                yen_en(minimum)
            ),
        )
    } else {
        Reason::new(
            format!(
                "報酬: 希望下限 月{} (予算上限 月{}を超過)",
                yen_ja(minimum),
                yen_ja(hi)
            ),
            format!(
                "Pay: minimum {} a month, above the budget's {}",
                yen_en(minimum),
                yen_en(hi)
            ),
        )
    }]
}

// ---------------------------------------------------------------- preference

/// Reasons of the professional's side, aspect by aspect.
pub(crate) fn preference_reasons(
    aspect: usize,
    q: &NeedQuery<'_>,
    row: &RowRef<'_>,
) -> Vec<Reason> {
    match aspect {
        0 => {
            let theirs = row.s.themes;
            if theirs == 0 {
                return vec![Reason::new(
                    "関心テーマが未記入 (中立評価)",
                    "No themes given (neutral)",
                )];
            }
            let common = theirs & q.themes;
            let total = theirs.count_ones();
            vec![if common == 0 {
                Reason::new(
                    "関心テーマに合う募集ではありません",
                    "The need touches none of their themes",
                )
            } else {
                let shared = common.count_ones();
                Reason::new(
                    format!(
                        "関心テーマと一致: {} ({shared}/{total})",
                        theme_labels(common, true)
                    ),
                    format!(
                        "Matches their themes: {} ({shared} of {total})",
                        theme_labels(common, false)
                    ),
                )
            }]
        }
        1 => compensation_reasons(q, row),
        2 => work_style_reasons_with(q, row, false),
        3 => vec![hours_reason(q, row)],
        _ => regional_reasons(q, row),
    }
}

// ---------------------------------------------------------------- labels

fn tie_words(kind: PlaceKind, ja: &str, en: &str) -> (String, String) {
    match kind {
        PlaceKind::Home => (format!("{ja}在住"), format!("Lives in {en}")),
        PlaceKind::Hometown => (format!("{ja}出身"), format!("Hometown: {en}")),
        PlaceKind::Family => (format!("{ja}に家族"), format!("Family in {en}")),
        PlaceKind::Lived => (format!("{ja}に居住経験"), format!("Lived in {en}")),
        PlaceKind::Worked => (format!("{ja}で勤務経験"), format!("Worked in {en}")),
        PlaceKind::Visited => (format!("{ja}を訪問"), format!("Has visited {en}")),
        PlaceKind::Interest => (format!("{ja}に関心"), format!("Interested in {en}")),
        PlaceKind::Past => (format!("{ja}で参画経験"), format!("Engaged in {en} before")),
    }
}

/// The prefecture with this JIS code.
pub(crate) fn prefecture_by_code(code: u8) -> Option<&'static taxonomy::Prefecture> {
    taxonomy::prefectures()
        .iter()
        .find(|prefecture| prefecture.code == code && code != 0)
}

fn theme_labels(mask: u32, japanese: bool) -> String {
    let labels: Vec<&str> = taxonomy::themes()
        .iter()
        .enumerate()
        .filter(|(position, _)| *position < 32 && mask & (1 << position) != 0)
        .map(|(_, theme)| if japanese { theme.ja } else { theme.en })
        .collect();
    labels.join(if japanese { "、" } else { ", " })
}

fn slot_labels(mask: u8, japanese: bool) -> String {
    let labels: Vec<&str> = MeetingSlot::ALL
        .iter()
        .filter(|&&slot| mask & super::encode::slot_bit(slot) != 0)
        .map(|&slot| match (slot, japanese) {
            (MeetingSlot::WeekdayDay, true) => "平日日中",
            (MeetingSlot::WeekdayEvening, true) => "平日夜",
            (MeetingSlot::Weekend, true) => "週末",
            (MeetingSlot::WeekdayDay, false) => "weekday daytime",
            (MeetingSlot::WeekdayEvening, false) => "weekday evenings",
            (MeetingSlot::Weekend, false) => "weekends",
        })
        .collect();
    labels.join(if japanese { "・" } else { ", " })
}

fn style_ja(style: Style) -> &'static str {
    match style {
        Style::HandsOn => "実務",
        Style::Advisory => "助言",
        Style::Either => "どちらも可",
    }
}

fn style_en(style: Style) -> &'static str {
    match style {
        Style::HandsOn => "hands-on",
        Style::Advisory => "advisory",
        Style::Either => "either",
    }
}

fn work_style_ja(style: WorkStyle) -> &'static str {
    match style {
        WorkStyle::Remote => "リモート",
        WorkStyle::Hybrid => "ハイブリッド",
        WorkStyle::Onsite => "現地",
    }
}

fn work_style_en(style: WorkStyle) -> &'static str {
    match style {
        WorkStyle::Remote => "remote",
        WorkStyle::Hybrid => "hybrid",
        WorkStyle::Onsite => "on-site",
    }
}

/// `50000` → `5万円`, `32500` → `32,500円`.
pub(crate) fn yen_ja(amount: u32) -> String {
    if amount >= 10_000 && amount.is_multiple_of(10_000) {
        format!("{}万円", amount / 10_000)
    } else {
        format!("{}円", grouped(amount))
    }
}

/// `50000` → `¥50,000`.
pub(crate) fn yen_en(amount: u32) -> String {
    format!("¥{}", grouped(amount))
}

fn grouped(amount: u32) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
    fn yen_reads_naturally() {
        assert_eq!(yen_ja(50_000), "5万円");
        assert_eq!(yen_ja(100_000), "10万円");
        assert_eq!(yen_ja(32_500), "32,500円");
        assert_eq!(yen_ja(0), "0円");
        assert_eq!(yen_en(1_234_567), "¥1,234,567");
    }

    #[test]
    fn day_dates_round_trip() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let day = u16::try_from(super::super::encode::day_number(date)).unwrap();
        assert_eq!(day_date(day), Some(date));
    }
}
