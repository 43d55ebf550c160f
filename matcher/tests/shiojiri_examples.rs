//! The Shiojiri model on hand-written Japanese examples: the city's CMO post, a
//! professional born in 塩尻市 who lives in Tokyo, a pro bono need and a need asking
//! two visits a month. Each factor, exclusion and reason is pinned word for word.

use chrono::NaiveDate;
use musubi_matcher::exclusion::{Exclusion, exclusions};
use musubi_matcher::factors::{self, Reason};
use musubi_matcher::model::*;
use musubi_matcher::reciprocal::{Aspect, preference, reciprocal_score};
use musubi_matcher::score::{Context, display, score};
use musubi_matcher::weights::{Factor, Weights};

#[expect(clippy::unwrap_used, reason = "fixture dates are literals")]
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    date(2026, 12, 1)
}

fn place(prefecture: &str, city: &str) -> Place {
    Place {
        prefecture: prefecture.into(),
        city: city.into(),
    }
}

/// 塩尻市's own CMO post: remote, at most 32 hours (four days) a month, ¥50k–100k.
fn shiojiri_cmo() -> Need {
    Need {
        id: 1,
        place: place("長野県", "塩尻市"),
        industry: "public_sector".into(),
        title: "塩尻市CMO（マーケティング責任者）".into(),
        description:
            "塩尻市の魅力を全国に発信し、関係人口を増やすシティプロモーションを統括します。".into(),
        goal: "ふるさと納税と移住相談を1年で倍増".into(),
        role: Role::Cmo,
        style: Style::Either,
        skills: vec![
            SkillRequirement {
                skill: "digital_marketing".into(),
                min_level: 3,
                must: true,
            },
            SkillRequirement {
                skill: "city_promotion".into(),
                min_level: 2,
                must: false,
            },
        ],
        themes: vec![
            "regional_revitalization".into(),
            "relationship_population".into(),
        ],
        hours_min: 16,
        hours_max: 32,
        duration_months: 4,
        work_style: WorkStyle::Remote,
        onsite_visits_per_month: 0,
        meeting_slots: vec![MeetingSlot::WeekdayEvening, MeetingSlot::Weekend],
        compensation_min_jpy: 50_000,
        compensation_max_jpy: 100_000,
        pro_bono: false,
        headcount: 2,
        apply_by: Some(date(2027, 1, 31)),
    }
}

/// A marketer born in 塩尻市 who lives in 世田谷区, Tokyo.
fn born_in_shiojiri() -> Profile {
    Profile {
        id: 100,
        active: true,
        headline: "元大手メーカーのマーケター。週末に地方企業のEC支援".into(),
        bio: "山田花子。株式会社サンプルで10年".into(),
        motivation: "生まれ育った塩尻の魅力を全国に発信したい".into(),
        skills: vec![
            SkillLevel {
                skill: "digital_marketing".into(),
                level: 4,
                years: 8,
            },
            SkillLevel {
                skill: "sns_marketing".into(),
                level: 3,
                years: 5,
            },
        ],
        roles: vec![RoleExperience {
            role: Role::Cmo,
            years: 2,
        }],
        industries: vec!["manufacturing".into(), "retail".into()],
        themes: vec!["traditional_craft".into(), "regional_revitalization".into()],
        style: Style::HandsOn,
        hours_per_month: 24,
        available_from: Some(date(2027, 1, 1)),
        max_engagements: 1,
        active_engagements: 0,
        work_style: WorkStyle::Hybrid,
        max_onsite_visits_per_month: 1,
        home: place("東京都", "世田谷区"),
        ties: vec![Tie {
            place: place("長野県", "塩尻市"),
            kind: TieKind::Hometown,
        }],
        past_engagements: vec![],
        meeting_slots: vec![MeetingSlot::WeekdayEvening, MeetingSlot::Weekend],
        min_compensation_jpy: 30_000,
        pro_bono_ok: true,
    }
}

fn ja(reasons: &[Reason]) -> Vec<&str> {
    reasons.iter().map(|reason| reason.ja.as_str()).collect()
}

fn en(reasons: &[Reason]) -> Vec<&str> {
    reasons.iter().map(|reason| reason.en.as_str()).collect()
}

fn ctx() -> Context<'static> {
    Context::new(today())
}

fn outcome(factor: Factor, need: &Need, profile: &Profile) -> factors::FactorOutcome {
    factors::evaluate(factor, need, profile, &ctx())
}

fn assert_close(actual: f32, expected: f32) {
    assert!(
        (actual - expected).abs() < 1e-5,
        "expected {expected}, got {actual}"
    );
}

// ------------------------------------------------------------ the CMO post

#[test]
fn skill_fit_weighs_the_must_skill_three_times() {
    let result = factors::skill_fit(&shiojiri_cmo(), &born_in_shiojiri(), &ctx());
    // digital_marketing 4 ≥ 3 (weight 3) and no city promotion (weight 1): 3/4.
    assert_close(result.score, 0.75);
    assert_eq!(
        ja(&result.reasons),
        [
            "必須スキル デジタルマーケティング: レベル4 (要求3)",
            "歓迎スキル シティプロモーション: 該当なし",
        ]
    );
    assert_eq!(
        en(&result.reasons),
        [
            "Must-have skill Digital marketing: level 4 (asked 3)",
            "Nice-to-have skill City promotion: missing",
        ]
    );
}

#[test]
fn skill_fit_gives_partial_credit_below_the_level_and_for_related_skills() {
    let mut need = shiojiri_cmo();
    need.skills = vec![
        SkillRequirement {
            skill: "marketing".into(),
            min_level: 3,
            must: true,
        },
        SkillRequirement {
            skill: "city_promotion".into(),
            min_level: 4,
            must: true,
        },
    ];
    let mut profile = born_in_shiojiri();
    profile.skills.push(SkillLevel {
        skill: "city_promotion".into(),
        level: 2,
        years: 1,
    });
    let result = outcome(Factor::SkillFit, &need, &profile);
    // A more specific skill covers 70 % of `marketing`; level 2 of 4 earns half.
    assert_close(result.score, (3.0 * 0.7 + 3.0 * 0.5) / 6.0);
    assert_eq!(
        ja(&result.reasons),
        [
            "必須スキル マーケティング: 関連スキル デジタルマーケティング レベル4 (要求3) で70%評価",
            "必須スキル シティプロモーション: レベル2 (要求4) — 要求未満のため50%評価",
        ]
    );
    assert_eq!(
        en(&result.reasons)[0],
        "Must-have skill Marketing: related skill Digital marketing at level 4 (asked 3), 70% credit"
    );
    assert_eq!(
        en(&result.reasons)[1],
        "Must-have skill City promotion: level 2 (asked 4) — below the asked level, 50% credit"
    );
}

#[test]
fn a_more_general_or_sibling_skill_earns_less() {
    let mut need = shiojiri_cmo();
    need.skills = vec![SkillRequirement {
        skill: "seo".into(),
        min_level: 2,
        must: true,
    }];
    // `digital_marketing` is the parent of `seo`; `sns_marketing` its sibling.
    let result = outcome(Factor::SkillFit, &need, &born_in_shiojiri());
    assert_close(result.score, 0.5);
    assert_eq!(
        ja(&result.reasons),
        ["必須スキル SEO: 関連スキル デジタルマーケティング レベル4 (要求2) で50%評価"]
    );
    let mut only_sibling = born_in_shiojiri();
    only_sibling.skills.remove(0);
    assert_close(outcome(Factor::SkillFit, &need, &only_sibling).score, 0.3);
}

#[test]
fn motivation_fit_is_half_shared_themes_and_half_text_similarity() {
    let need = shiojiri_cmo();
    let result = factors::motivation_fit(&need, &born_in_shiojiri(), &ctx());
    // Without a corpus every term weighs the same and each text is of average length,
    // so each shared term found once adds (1 × 2.2) / (1 + 1.2) = 1 to the BM25 sum,
    // whose ceiling is 2.2 per distinct term of the need.
    let mut distinct: Vec<String> = [&need.title, &need.description, &need.goal]
        .iter()
        .flat_map(|text| musubi_matcher::text::tokenize(text))
        .collect();
    distinct.sort();
    distinct.dedup();
    let shared = [
        "塩尻", "マー", "ーケ", "の魅", "魅力", "力を", "を全", "全国", "国に", "に発", "発信",
        "信し",
    ];
    let share = shared.len() as f32 / (2.2 * distinct.len() as f32);
    let similarity = 1.1 * share / (share + 0.1);
    assert_close(result.score, 0.5 * 0.5 + 0.5 * similarity);
    assert_eq!(
        ja(&result.reasons),
        [
            "共通テーマ: 地方創生・地域活性化 (1/2)",
            "志望動機と募集文の共通語: 塩尻、マーケ、の魅力を全国に発信し (類似度0.53)",
        ]
    );
    assert_eq!(
        en(&result.reasons),
        [
            "Shared themes: Regional revitalization (1 of 2)",
            "Words the motivation shares with the need: 塩尻, マーケ, の魅力を全国に発信し (similarity 0.53)",
        ]
    );
}

#[test]
fn a_proposal_that_speaks_to_the_need_lifts_motivation() {
    let need = shiojiri_cmo();
    let mut profile = born_in_shiojiri();
    profile.motivation = "副業先を探し中".into();
    profile.headline = String::new();
    let without = outcome(Factor::MotivationFit, &need, &profile);
    let proposal = "シティプロモーションで関係人口を増やし、ふるさと納税を倍増させます";
    let with = factors::motivation_fit(&need, &profile, &ctx().with_proposal(proposal));
    assert!(with.score > without.score);
    assert!(
        with.reasons[1].ja.starts_with("提案文と募集文の共通語: "),
        "{}",
        with.reasons[1].ja
    );
    assert_eq!(
        without.reasons[1].ja,
        "志望動機と募集文に共通する語がありません"
    );
}

#[test]
fn experience_fit_reads_role_years_industry_and_style() {
    let result = outcome(Factor::ExperienceFit, &shiojiri_cmo(), &born_in_shiojiri());
    // Two years as CMO 0.8 (½), no public-sector work 0 (¼), style compatible 1 (¼).
    assert_close(result.score, 0.5 * 0.8 + 0.25 * 0.0 + 0.25 * 1.0);
    assert_eq!(
        ja(&result.reasons),
        [
            "CMO（マーケティング責任者）の経験 2年",
            "業界経験なし: 自治体・公共",
            "関わり方: 募集はどちらも可、本人は実務",
        ]
    );
    assert_eq!(
        en(&result.reasons),
        [
            "2 years as Chief Marketing Officer",
            "No experience in Municipality and public sector",
            "Style: need either, professional hands-on",
        ]
    );
}

#[test]
fn hands_on_need_and_advisory_professional_clash() {
    let mut need = shiojiri_cmo();
    need.style = Style::HandsOn;
    let mut profile = born_in_shiojiri();
    profile.style = Style::Advisory;
    profile.roles.clear();
    let result = outcome(Factor::ExperienceFit, &need, &profile);
    assert_close(result.score, 0.0);
    assert_eq!(
        ja(&result.reasons),
        [
            "CMO（マーケティング責任者）の経験なし",
            "業界経験なし: 自治体・公共",
            "関わり方: 募集は実務、本人は助言 (不一致)",
        ]
    );
}

#[test]
fn availability_fit_is_full_when_hours_start_and_slots_fit() {
    let result = outcome(
        Factor::AvailabilityFit,
        &shiojiri_cmo(),
        &born_in_shiojiri(),
    );
    assert_close(result.score, 1.0);
    assert_eq!(
        ja(&result.reasons),
        [
            "稼働: 月24時間 (募集 月16〜32時間)",
            "開始可能日 2027-01-01 (応募締切 2027-01-31)",
            "面談の時間帯が合う: 平日夜・週末",
        ]
    );
    assert_eq!(
        en(&result.reasons),
        [
            "Hours: 24 a month (need 16–32)",
            "Available from 2027-01-01 (apply by 2027-01-31)",
            "Meeting slots in common: weekday evenings, weekends",
        ]
    );
}

#[test]
fn daytime_only_meetings_with_a_professional_who_has_a_main_job_score_low() {
    let mut need = shiojiri_cmo();
    need.meeting_slots = vec![MeetingSlot::WeekdayDay];
    let result = outcome(Factor::AvailabilityFit, &need, &born_in_shiojiri());
    assert_close(result.score, 0.15);
    assert_eq!(
        result.reasons[2].ja,
        "面談の時間帯が合いません (募集: 平日日中 / 本人: 平日夜・週末)"
    );
    assert_eq!(
        result.reasons[2].en,
        "No meeting slot in common (need: weekday daytime; professional: weekday evenings, weekends)"
    );
}

#[test]
fn few_hours_and_a_late_start_lower_availability() {
    let mut profile = born_in_shiojiri();
    profile.hours_per_month = 12;
    profile.available_from = Some(date(2027, 3, 2)); // 30 days after apply_by
    let result = outcome(Factor::AvailabilityFit, &shiojiri_cmo(), &profile);
    assert_close(
        result.score,
        0.7 * (12.0 / 16.0) + 0.3 * (1.0 - 30.0 / 90.0),
    );
    assert_eq!(
        ja(&result.reasons)[..2],
        [
            "稼働: 月12時間 (募集 月16〜32時間) — 下限未満",
            "開始可能日 2027-03-02 (応募締切 2027-01-31) — 30日遅れ",
        ]
    );
}

#[test]
fn regional_affinity_is_full_for_someone_born_in_the_city() {
    let result = outcome(
        Factor::RegionalAffinity,
        &shiojiri_cmo(),
        &born_in_shiojiri(),
    );
    assert_close(result.score, 1.0);
    assert_eq!(ja(&result.reasons), ["長野県塩尻市出身 (市区町村が一致)"]);
    assert_eq!(
        en(&result.reasons),
        ["Hometown: 塩尻市, Nagano (same city)"]
    );
}

#[test]
fn regional_affinity_steps_down_from_city_to_prefecture_to_wider_region() {
    let need = shiojiri_cmo();
    let with_tie = |kind: TieKind, prefecture: &str, city: &str| {
        let mut profile = born_in_shiojiri();
        profile.ties = vec![Tie {
            place: place(prefecture, city),
            kind,
        }];
        outcome(Factor::RegionalAffinity, &need, &profile)
    };
    let family_in_matsumoto = with_tie(TieKind::Family, "長野県", "松本市");
    assert_close(family_in_matsumoto.score, 0.8);
    assert_eq!(
        ja(&family_in_matsumoto.reasons),
        ["長野県に家族 (都道府県が一致)"]
    );
    let worked_in_shiojiri = with_tie(TieKind::Worked, "長野県", "塩尻市");
    assert_close(worked_in_shiojiri.score, 0.8);
    let visited = with_tie(TieKind::Visited, "長野県", "塩尻市");
    assert_close(visited.score, 0.5);
    assert_eq!(
        ja(&visited.reasons),
        ["長野県塩尻市を訪問 (市区町村が一致)"]
    );
    let lived_in_niigata = with_tie(TieKind::Lived, "新潟県", "");
    assert_close(lived_in_niigata.score, 0.3);
    assert_eq!(
        ja(&lived_in_niigata.reasons),
        ["新潟県に居住経験 (同じ甲信越地方)"]
    );
    assert_eq!(
        en(&lived_in_niigata.reasons),
        ["Lived in Niigata (same wider region: Koshinetsu)"]
    );
    let none = with_tie(TieKind::Interest, "沖縄県", "");
    assert_close(none.score, 0.0);
    assert_eq!(ja(&none.reasons), ["長野県とのつながりなし"]);
    assert_eq!(en(&none.reasons), ["No tie to Nagano"]);
}

#[test]
fn an_earlier_engagement_in_the_region_adds_to_the_tie() {
    let mut profile = born_in_shiojiri();
    profile.ties = vec![Tie {
        place: place("長野県", "松本市"),
        kind: TieKind::Visited,
    }];
    profile.past_engagements = vec![place("長野県", "塩尻市")];
    let result = outcome(Factor::RegionalAffinity, &shiojiri_cmo(), &profile);
    assert_close(result.score, 0.5 * 0.8 + 0.2);
    assert_eq!(
        ja(&result.reasons),
        [
            "長野県を訪問 (都道府県が一致)",
            "長野県での過去の参画 1件 (+0.2)"
        ]
    );
    assert_eq!(
        en(&result.reasons)[1],
        "1 earlier engagement in Nagano (+0.2)"
    );
}

#[test]
fn work_style_fit_of_a_remote_post() {
    let result = outcome(Factor::WorkStyleFit, &shiojiri_cmo(), &born_in_shiojiri());
    assert_close(result.score, 1.0);
    assert_eq!(
        ja(&result.reasons),
        ["働き方: 募集はリモート、本人はハイブリッド"]
    );
    assert_eq!(
        en(&result.reasons),
        ["Work style: need remote, professional hybrid"]
    );
}

#[test]
fn compensation_fit_of_a_minimum_below_the_budget() {
    let result = outcome(
        Factor::CompensationFit,
        &shiojiri_cmo(),
        &born_in_shiojiri(),
    );
    assert_close(result.score, 1.0);
    assert_eq!(
        ja(&result.reasons),
        ["報酬: 希望下限 月3万円 (予算 月5万円〜10万円の範囲内)"]
    );
    assert_eq!(
        en(&result.reasons),
        ["Pay: minimum ¥30,000 a month, within the budget ¥50,000–¥100,000 a month"]
    );
    let mut dearer = born_in_shiojiri();
    dearer.min_compensation_jpy = 80_000;
    let result = outcome(Factor::CompensationFit, &shiojiri_cmo(), &dearer);
    assert_close(result.score, 1.0 - 0.5 * 30_000.0 / 50_000.0);
    assert_eq!(
        ja(&result.reasons),
        ["報酬: 希望下限 月8万円 (予算 月5万円〜10万円の上寄り)"]
    );
}

#[test]
fn the_total_is_the_weighted_sum_of_the_factors() {
    let explanation = score(&shiojiri_cmo(), &born_in_shiojiri(), &ctx());
    assert!(explanation.exclusions.is_empty());
    let parts: Vec<Factor> = explanation.factors.iter().map(|f| f.factor).collect();
    assert_eq!(parts, Factor::ALL);
    let motivation = explanation.factor(Factor::MotivationFit).unwrap().score;
    let expected =
        100.0 * (0.25 * 0.75 + 0.20 * motivation + 0.15 * 0.65 + 0.15 + 0.10 + 0.10 + 0.05);
    assert_close(explanation.total, expected);
    let weights: Vec<f32> = explanation.factors.iter().map(|f| f.weight).collect();
    assert_eq!(weights, Weights::default().as_array());
}

#[test]
fn a_region_that_weighs_ties_more_ranks_the_hometown_professional_higher() {
    let need = shiojiri_cmo();
    let mut stranger = born_in_shiojiri();
    stranger.ties.clear();
    let weights =
        Weights::from_pairs([(Factor::SkillFit, 1.0), (Factor::RegionalAffinity, 3.0)]).unwrap();
    let tuned = ctx().with_weights(weights);
    let local = score(&need, &born_in_shiojiri(), &tuned);
    let other = score(&need, &stranger, &tuned);
    assert_close(local.total, 100.0 * (0.25 * 0.75 + 0.75 * 1.0));
    assert_close(other.total, 100.0 * (0.25 * 0.75));
}

#[test]
fn the_display_line_is_pseudonymous() {
    let profile = born_in_shiojiri();
    let line = display(&profile);
    assert_eq!(line, "CMO / 東京都 / 長野県出身");
    for private in ["山田", "サンプル", "世田谷", "塩尻", "マーケター"] {
        assert!(!line.contains(private), "{line} leaks {private}");
    }
    let mut no_role = born_in_shiojiri();
    no_role.roles.clear();
    no_role.ties.clear();
    assert_eq!(display(&no_role), "デジタルマーケティング / 東京都");
}

#[test]
fn the_professional_side_and_the_reciprocal_score() {
    let need = shiojiri_cmo();
    let profile = born_in_shiojiri();
    let side = preference(&profile, &need, &ctx());
    let aspects: Vec<Aspect> = side.aspects.iter().map(|a| a.aspect).collect();
    assert_eq!(aspects, Aspect::ALL);
    // One of their two themes; pay, work style, hours and region all fit.
    assert_close(side.total, 100.0 * (0.30 * 0.5 + 0.25 + 0.20 + 0.10 + 0.15));
    assert_eq!(
        ja(&side.aspects[0].reasons),
        ["関心テーマと一致: 地方創生・地域活性化 (1/2)"]
    );
    let need_side = score(&need, &profile, &ctx()).total;
    let both = reciprocal_score(need_side, side.total);
    assert_close(
        both,
        2.0 * need_side * side.total / (need_side + side.total),
    );
}

// ------------------------------------------------------------ a pro bono need

fn pro_bono_need() -> Need {
    Need {
        id: 2,
        title: "NPOの広報を手伝ってください（プロボノ）".into(),
        pro_bono: true,
        compensation_min_jpy: 0,
        compensation_max_jpy: 0,
        ..shiojiri_cmo()
    }
}

#[test]
fn a_pro_bono_need_fits_only_professionals_who_work_pro_bono() {
    let need = pro_bono_need();
    let willing = outcome(Factor::CompensationFit, &need, &born_in_shiojiri());
    assert_close(willing.score, 1.0);
    assert_eq!(
        ja(&willing.reasons),
        ["無償（プロボノ）の募集: 本人はプロボノ可"]
    );
    assert_eq!(
        en(&willing.reasons),
        ["Pro bono need: the professional works pro bono"]
    );

    let mut paid_only = born_in_shiojiri();
    paid_only.pro_bono_ok = false;
    let unwilling = outcome(Factor::CompensationFit, &need, &paid_only);
    assert_close(unwilling.score, 0.0);
    assert_eq!(
        ja(&unwilling.reasons),
        ["無償（プロボノ）の募集: 本人はプロボノ不可"]
    );
    assert_eq!(
        exclusions(&need, &paid_only),
        [Exclusion::ProBonoNotAccepted]
    );
    assert_eq!(
        score(&need, &paid_only, &ctx()).exclusions,
        [Exclusion::ProBonoNotAccepted]
    );
    assert!(exclusions(&need, &born_in_shiojiri()).is_empty());
}

// ------------------------------------------------------------ two visits a month

fn two_visits_need() -> Need {
    Need {
        id: 3,
        title: "工場の現場改善（月2回訪問）".into(),
        work_style: WorkStyle::Hybrid,
        onsite_visits_per_month: 2,
        ..shiojiri_cmo()
    }
}

#[test]
fn visits_asked_weigh_visits_offered_and_distance() {
    let result = outcome(
        Factor::WorkStyleFit,
        &two_visits_need(),
        &born_in_shiojiri(),
    );
    // Hybrid suits hybrid (1); one visit of two (0.5) from Tokyo, far away (0.75).
    assert_close(result.score, 0.5 * 1.0 + 0.5 * 0.5 * 0.75);
    assert_eq!(
        ja(&result.reasons),
        [
            "働き方: 募集はハイブリッド、本人はハイブリッド",
            "訪問: 月2回の依頼に対し月1回まで可",
            "居住地 東京都: 遠方",
        ]
    );
    assert_eq!(
        en(&result.reasons),
        [
            "Work style: need hybrid, professional hybrid",
            "Visits: 2 a month asked, up to 1 offered",
            "Lives in Tokyo: far away",
        ]
    );
    let mut neighbour = born_in_shiojiri();
    neighbour.home = place("山梨県", "甲府市");
    neighbour.max_onsite_visits_per_month = 2;
    let result = outcome(Factor::WorkStyleFit, &two_visits_need(), &neighbour);
    assert_close(result.score, 0.5 + 0.5 * 0.9);
    assert_eq!(result.reasons[2].ja, "居住地 山梨県: 近隣");
}

#[test]
fn a_fully_remote_professional_with_no_visits_is_excluded_from_a_visiting_need() {
    let mut remote = born_in_shiojiri();
    remote.work_style = WorkStyle::Remote;
    remote.max_onsite_visits_per_month = 0;
    assert_eq!(
        exclusions(&two_visits_need(), &remote),
        [Exclusion::VisitsRuledOut]
    );
    assert!(exclusions(&shiojiri_cmo(), &remote).is_empty());
    assert_eq!(
        Exclusion::VisitsRuledOut.reason().ja,
        "現地訪問が必要ですが、本人はフルリモートで訪問不可です"
    );
}

// ------------------------------------------------------------ the other exclusions

#[test]
fn each_exclusion_on_its_own() {
    let need = shiojiri_cmo();
    let with = |change: fn(&mut Profile)| {
        let mut profile = born_in_shiojiri();
        change(&mut profile);
        exclusions(&need, &profile)
    };
    assert_eq!(with(|p| p.active = false), [Exclusion::Inactive]);
    // Half of the 16-hour minimum is 8: 8 is enough, 7 is not.
    assert!(with(|p| p.hours_per_month = 8).is_empty());
    assert_eq!(with(|p| p.hours_per_month = 7), [Exclusion::HoursBelowHalf]);
    assert_eq!(
        with(|p| p.min_compensation_jpy = 120_000),
        [Exclusion::CompensationAboveBudget]
    );
    assert!(with(|p| p.min_compensation_jpy = 100_000).is_empty());
    assert_eq!(
        with(|p| p.active_engagements = 1),
        [Exclusion::AtMaxEngagements]
    );
}

#[test]
fn exclusions_have_names_and_reasons() {
    let names: Vec<&str> = Exclusion::ALL.iter().map(|e| e.as_str()).collect();
    assert_eq!(
        names,
        [
            "inactive",
            "hours_below_half",
            "compensation_above_budget",
            "pro_bono_not_accepted",
            "visits_ruled_out",
            "at_max_engagements",
        ]
    );
    assert_eq!(
        Exclusion::HoursBelowHalf.reason().ja,
        "稼働可能時間が募集の下限の半分に届きません"
    );
    assert_eq!(
        Exclusion::CompensationAboveBudget.reason().en,
        "The minimum fee asked is above the need's maximum budget"
    );
    assert_eq!(
        Exclusion::AtMaxEngagements.reason().ja,
        "本人の同時参画数が上限に達しています"
    );
}
