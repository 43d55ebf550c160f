//! Reasons: each factor's numbers in words a coordinator can read, Japanese first.
//!
//! Every reason is built from the same encoded row and prepared need as the score,
//! never from the profile's free text, so an explanation can be shown to an SME
//! before an introduction without leaking a name, employer or bio.

use std::fmt::{self, Write as _};

use chrono::{Datelike, NaiveDate};

use crate::model::{MeetingSlot, Style, WorkStyle};
use crate::taxonomy;
use crate::weights::Factor;

use super::Reason;
use super::bm25::shared_words;
use super::encode::{PlaceCode, PlaceKind, RowRef, code_level, code_skill};
use super::kernel::{self, PlaceMatch, TextScores};
use super::query::NeedQuery;

/// A reason's string from its pieces, each written straight in (see [`Piece`]):
/// `text!("稼働: 月", hours, "時間")`. What `format!` would write, without parsing
/// a template and padding each argument, which is most of a reason's cost.
macro_rules! text {
    ($($piece:expr),+ $(,)?) => {{
        let mut text = String::with_capacity(0 $( + Piece::size(&$piece) )+);
        $( Piece::put(&$piece, &mut text); )+
        text
    }};
}

/// A part of a reason's string.
trait Piece {
    /// Appends it as `{}` would write it.
    fn put(&self, out: &mut String);

    /// About how many bytes it writes, for sizing the string up front.
    fn size(&self) -> usize {
        16
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }

    fn size(&self) -> usize {
        (**self).size()
    }
}

impl Piece for str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }

    fn size(&self) -> usize {
        self.len()
    }
}

impl Piece for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }

    fn size(&self) -> usize {
        self.len()
    }
}

/// Pieces written one after the other (a lead several reasons share).
impl<A: Piece, B: Piece, C: Piece> Piece for (A, B, C) {
    fn put(&self, out: &mut String) {
        self.0.put(out);
        self.1.put(out);
        self.2.put(out);
    }

    fn size(&self) -> usize {
        self.0.size() + self.1.size() + self.2.size()
    }
}

/// Appends `n` in decimal.
fn put_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in digits[..len].iter().rev() {
        out.push(char::from(digit));
    }
}

macro_rules! unsigned_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                put_decimal(out, *self as u64);
            }
        }
    )*};
}
unsigned_pieces!(u8, u16, u32, u64, usize);

macro_rules! signed_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                put_decimal(out, u64::from(self.unsigned_abs()));
            }
        }
    )*};
}
signed_pieces!(i32, i64);

/// Pieces written through their `Display`.
macro_rules! display_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                // Writing to a `String` cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_pieces!(f32);

impl Piece for NaiveDate {
    /// `2027-01-31`, as the date's `Display` writes it.
    fn put(&self, out: &mut String) {
        let year = self.year();
        if !(1000..=9999).contains(&year) {
            let _ = write!(out, "{self}");
            return;
        }
        put_decimal(out, year.unsigned_abs().into());
        for part in [self.month(), self.day()] {
            out.push('-');
            if part < 10 {
                out.push('0');
            }
            put_decimal(out, part.into());
        }
    }
}

impl Piece for Yen {
    fn put(&self, out: &mut String) {
        let amount = self.amount;
        if !self.japanese {
            out.push('¥');
            put_grouped(out, amount);
        } else if amount >= 10_000 && amount.is_multiple_of(10_000) {
            put_decimal(out, (amount / 10_000).into());
            out.push_str("万円");
        } else {
            put_grouped(out, amount);
            out.push('円');
        }
    }
}

impl Piece for Labels {
    fn put(&self, out: &mut String) {
        for (i, label) in self.labels[..self.len].iter().enumerate() {
            if i > 0 {
                out.push_str(self.separator);
            }
            out.push_str(label);
        }
    }
}

impl<T: fmt::Display> Piece for Joined<'_, T> {
    fn put(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

/// A number with a fixed count of decimals, as `{:.2}` writes it.
struct Fixed(f32, usize);

impl Piece for Fixed {
    fn put(&self, out: &mut String) {
        let _ = write!(out, "{:.*}", self.1, self.0);
    }
}

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
            Some(date) => (text!("応募締切 ", date), text!("apply by ", date)),
            None => (text!("本日 ", q.today), text!("today ", q.today)),
        };
        let (lo, hi) = (q.budget_min, q.budget_max);
        Self {
            industry,
            start_by,
            budget: (
                text!("予算 月", yen_ja(lo), "〜", yen_ja(hi)),
                text!("budget ", yen_en(lo), "–", yen_en(hi), " a month"),
            ),
            themes: (
                theme_labels(q.themes, true).to_string(),
                theme_labels(q.themes, false).to_string(),
            ),
            slots: (
                slot_labels(q.slots, true).to_string(),
                slot_labels(q.slots, false).to_string(),
            ),
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

fn motivation_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>, text: &TextMatch) -> Vec<Reason> {
    let mut reasons = Vec::with_capacity(2);
    if q.themes != 0 {
        let common = q.themes & row.s.themes;
        let total = q.themes.count_ones();
        reasons.push(if common == 0 {
            Reason::new(
                text!("共通テーマなし (募集のテーマ: ", q.labels().themes.0, ")"),
                text!(
                    "No shared theme (the need's themes: ",
                    q.labels().themes.1,
                    ")"
                ),
            )
        } else {
            shared_themes(("共通テーマ: ", "Shared themes: "), common, total)
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
                text!(
                    source_ja,
                    "と募集文の共通語: ",
                    Joined(&words, "、"),
                    " (類似度",
                    Fixed(similarity, 2),
                    ")"
                ),
                text!(
                    "Words the ",
                    source_en,
                    " shares with the need: ",
                    Joined(&words, ", "),
                    " (similarity ",
                    Fixed(similarity, 2),
                    ")"
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

/// The themes in `common` after `lead` (`(ja, en)`), and how many of `total`:
/// `共通テーマ: 地域活性化 (1/2)`.
fn shared_themes(lead: (&str, &str), common: u32, total: u32) -> Reason {
    let shared = common.count_ones();
    Reason::new(
        text!(
            lead.0,
            theme_labels(common, true),
            " (",
            shared,
            "/",
            total,
            ")"
        ),
        text!(
            lead.1,
            theme_labels(common, false),
            " (",
            shared,
            " of ",
            total,
            ")"
        ),
    )
}

fn experience_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
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

fn hours_reason(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Reason {
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

fn availability_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
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

fn regional_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let Some(need_prefecture) = prefecture_by_code(q.prefecture) else {
        return vec![Reason::new(
            "募集の所在地の都道府県が不明",
            "The need's prefecture is unknown",
        )];
    };
    let mut reasons = Vec::with_capacity(2);
    let (strength, which) = kernel::strongest_tie(q, row);
    let place = which
        .and_then(|position| row.places.get(position))
        .map(|&code| PlaceCode(code));
    match (place, place.and_then(PlaceCode::kind)) {
        (Some(place), Some(kind)) if strength > 0.0 => {
            let matched = kernel::place_match(q, place);
            let name = match (matched, prefecture_by_code(place.prefecture())) {
                (PlaceMatch::City, _) => PlaceName::City(need_prefecture, q.need.place.city.trim()),
                (_, Some(prefecture)) => PlaceName::Prefecture(prefecture),
                (_, None) => PlaceName::Unknown,
            };
            let (level_ja, level_en) = match matched {
                PlaceMatch::City => (" (市区町村が一致)", " (same city)"),
                PlaceMatch::Prefecture => (" (都道府県が一致)", " (same prefecture)"),
                PlaceMatch::Wider => (" (同じ", " (same wider region: "),
                PlaceMatch::None => ("", ""),
            };
            let (mut ja, mut en) = (String::new(), String::new());
            write_tie(&mut ja, kind, name, true);
            write_tie(&mut en, kind, name, false);
            ja.push_str(level_ja);
            en.push_str(level_en);
            if matched == PlaceMatch::Wider {
                let region = taxonomy::wider_region(need_prefecture.wider_region);
                let (region_ja, region_en) =
                    region.map_or(("", ""), |region| (region.ja, region.en));
                ja.push_str(region_ja);
                ja.push_str("地方)");
                en.push_str(region_en);
                en.push(')');
            }
            reasons.push(Reason { ja, en });
        }
        _ => reasons.push(Reason::new(
            text!(need_prefecture.ja, "とのつながりなし"),
            text!("No tie to ", need_prefecture.en),
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
            text!(
                need_prefecture.ja,
                "での過去の参画 ",
                count,
                "件 (+",
                Fixed(bonus, 1),
                ")"
            ),
            text!(
                count,
                " earlier engagement",
                plural,
                " in ",
                need_prefecture.en,
                " (+",
                Fixed(bonus, 1),
                ")"
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
        let home = prefecture_by_code(row.s.home_prefecture);
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
                shared_themes(
                    ("関心テーマと一致: ", "Matches their themes: "),
                    common,
                    total,
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

/// A place a tie is to, as a reason names it.
#[derive(Clone, Copy)]
enum PlaceName<'a> {
    /// The need's own city (`長野県塩尻市`, `Shiojiri, Nagano`).
    City(&'static taxonomy::Prefecture, &'a str),
    Prefecture(&'static taxonomy::Prefecture),
    Unknown,
}

/// Appends the words of a tie of `kind` to `name` (`長野県出身`, `Hometown: Nagano`).
fn write_tie(out: &mut String, kind: PlaceKind, name: PlaceName<'_>, japanese: bool) {
    let name_to = |out: &mut String| match name {
        PlaceName::City(prefecture, city) if japanese => {
            out.push_str(prefecture.ja);
            out.push_str(city);
        }
        PlaceName::City(prefecture, city) => {
            out.push_str(city);
            out.push_str(", ");
            out.push_str(prefecture.en);
        }
        PlaceName::Prefecture(prefecture) => {
            out.push_str(if japanese {
                prefecture.ja
            } else {
                prefecture.en
            });
        }
        PlaceName::Unknown => {}
    };
    if japanese {
        name_to(out);
        out.push_str(match kind {
            PlaceKind::Home => "在住",
            PlaceKind::Hometown => "出身",
            PlaceKind::Family => "に家族",
            PlaceKind::Lived => "に居住経験",
            PlaceKind::Worked => "で勤務経験",
            PlaceKind::Visited => "を訪問",
            PlaceKind::Interest => "に関心",
            PlaceKind::Past => "で参画経験",
        });
    } else {
        out.push_str(match kind {
            PlaceKind::Home => "Lives in ",
            PlaceKind::Hometown => "Hometown: ",
            PlaceKind::Family => "Family in ",
            PlaceKind::Lived => "Lived in ",
            PlaceKind::Worked => "Worked in ",
            PlaceKind::Visited => "Has visited ",
            PlaceKind::Interest => "Interested in ",
            PlaceKind::Past => "Engaged in ",
        });
        name_to(out);
        if kind == PlaceKind::Past {
            out.push_str(" before");
        }
    }
}

/// The prefecture with this JIS code.
pub(crate) fn prefecture_by_code(code: u8) -> Option<&'static taxonomy::Prefecture> {
    taxonomy::prefectures()
        .iter()
        .find(|prefecture| prefecture.code == code && code != 0)
}

/// Labels joined by a separator, written straight into a reason.
struct Joined<'a, T>(&'a [T], &'static str);

impl<T: fmt::Display> fmt::Display for Joined<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

/// The labels of the themes in `mask`, joined (`地域活性化、関係人口`).
fn theme_labels(mask: u32, japanese: bool) -> Labels {
    let mut labels = Labels::new(if japanese { "、" } else { ", " });
    for (position, theme) in taxonomy::themes().iter().enumerate().take(32) {
        if mask & (1 << position) != 0 {
            labels.push(if japanese { theme.ja } else { theme.en });
        }
    }
    labels
}

/// The labels of the meeting slots in `mask`, joined (`平日夜・週末`).
fn slot_labels(mask: u8, japanese: bool) -> Labels {
    let mut labels = Labels::new(if japanese { "・" } else { ", " });
    for &slot in MeetingSlot::ALL.iter() {
        if mask & super::encode::slot_bit(slot) != 0 {
            labels.push(match (slot, japanese) {
                (MeetingSlot::WeekdayDay, true) => "平日日中",
                (MeetingSlot::WeekdayEvening, true) => "平日夜",
                (MeetingSlot::Weekend, true) => "週末",
                (MeetingSlot::WeekdayDay, false) => "weekday daytime",
                (MeetingSlot::WeekdayEvening, false) => "weekday evenings",
                (MeetingSlot::Weekend, false) => "weekends",
            });
        }
    }
    labels
}

/// Up to 32 static labels and their separator, displayed joined, with no heap.
struct Labels {
    labels: [&'static str; 32],
    len: usize,
    separator: &'static str,
}

impl Labels {
    fn new(separator: &'static str) -> Self {
        Self {
            labels: [""; 32],
            len: 0,
            separator,
        }
    }

    fn push(&mut self, label: &'static str) {
        if let Some(slot) = self.labels.get_mut(self.len) {
            *slot = label;
            self.len += 1;
        }
    }
}

impl fmt::Display for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.put(&mut text);
        f.write_str(&text)
    }
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
pub(crate) fn yen_ja(amount: u32) -> Yen {
    Yen {
        amount,
        japanese: true,
    }
}

/// `50000` → `¥50,000`.
pub(crate) fn yen_en(amount: u32) -> Yen {
    Yen {
        amount,
        japanese: false,
    }
}

/// An amount of yen as a reason writes it (see [`yen_ja`] and [`yen_en`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Yen {
    amount: u32,
    japanese: bool,
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.put(&mut text);
        f.write_str(&text)
    }
}

/// Appends `n` with its digits in groups of three (`1,234,567`).
fn put_grouped(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        if i + 1 < len && (i + 1).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(digits[i]));
    }
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
    fn text_writes_what_format_writes() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let label = String::from("塩尻");
        assert_eq!(
            text!("月", 0u8, "〜", 255u8, "時間", &label),
            format!("月{}〜{}時間{label}", 0u8, 255u8)
        );
        assert_eq!(
            text!(u32::MAX, " ", -42i32, " ", i64::MIN, " ", 1_000_000usize),
            format!("{} {} {} {}", u32::MAX, -42i32, i64::MIN, 1_000_000usize)
        );
        assert_eq!(
            text!(
                date,
                " ",
                Fixed(0.125, 2),
                " ",
                Fixed(0.75, 1),
                " ",
                50.0f32
            ),
            format!("{date} {:.2} {:.1} {}", 0.125f32, 0.75f32, 50.0f32)
        );
        assert_eq!(
            text!(yen_ja(50_000), " ", Joined(&["a", "b"], "、")),
            "5万円 a、b"
        );
        let early = NaiveDate::from_ymd_opt(2027, 3, 5).unwrap();
        let ancient = NaiveDate::from_ymd_opt(987, 12, 25).unwrap();
        assert_eq!(text!(early, " ", ancient), "2027-03-05 0987-12-25");
        assert_eq!(text!(early), early.to_string());
    }

    #[test]
    fn yen_reads_naturally() {
        assert_eq!(yen_ja(50_000).to_string(), "5万円");
        assert_eq!(yen_ja(100_000).to_string(), "10万円");
        assert_eq!(yen_ja(32_500).to_string(), "32,500円");
        assert_eq!(yen_ja(0).to_string(), "0円");
        assert_eq!(yen_en(1_234_567).to_string(), "¥1,234,567");
        assert_eq!(yen_en(999).to_string(), "¥999");
        assert_eq!(yen_en(1_000).to_string(), "¥1,000");
        assert_eq!(yen_en(u32::MAX).to_string(), "¥4,294,967,295");
    }

    #[test]
    fn ties_read_naturally_in_both_languages() {
        let nagano = prefecture_by_code(20).unwrap();
        let tie = |kind, name, japanese| {
            let mut out = String::new();
            write_tie(&mut out, kind, name, japanese);
            out
        };
        let city = PlaceName::City(nagano, "塩尻市");
        assert_eq!(tie(PlaceKind::Past, city, true), "長野県塩尻市で参画経験");
        assert_eq!(
            tie(PlaceKind::Past, city, false),
            "Engaged in 塩尻市, Nagano before"
        );
        let prefecture = PlaceName::Prefecture(nagano);
        assert_eq!(tie(PlaceKind::Lived, prefecture, true), "長野県に居住経験");
        assert_eq!(tie(PlaceKind::Lived, prefecture, false), "Lived in Nagano");
        assert_eq!(tie(PlaceKind::Home, PlaceName::Unknown, true), "在住");
    }

    #[test]
    fn labels_join_with_the_language_s_separator() {
        let all = u8::MAX;
        assert_eq!(slot_labels(all, true).to_string(), "平日日中・平日夜・週末");
        assert_eq!(
            slot_labels(all, false).to_string(),
            "weekday daytime, weekday evenings, weekends"
        );
        assert_eq!(slot_labels(0, true).to_string(), "");
        let themes = taxonomy::themes();
        assert_eq!(
            theme_labels(0b11, true).to_string(),
            text!(themes[0].ja, "、", themes[1].ja)
        );
    }

    #[test]
    fn day_dates_round_trip() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let day = u16::try_from(super::super::encode::day_number(date)).unwrap();
        assert_eq!(day_date(day), Some(date));
    }
}
