//! The scan against brute force on pools that exercise every path of the bounds: up
//! to twenty needs at once (one lane, four, eight and sixteen, and a second chunk),
//! excluded rows with and without `include_excluded`, rows whose lists spill out of
//! the inline slots, random weights and both modes, flushing every few pairs (so
//! that a pool of a few hundred goes through partial flushes) or every [`FLUSH`];
//! and the production [`FLUSH`] on a pool of many blocks.

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use super::bounds::BLOCK;
use super::scan::{FLUSH, WIDTH};
use crate::exclusion::exclusions;
use crate::index::{Mode, ProfileIndex, RankRequest};
use crate::model::*;
use crate::reciprocal::{preference, reciprocal_score};
use crate::score::{Context, score};
use crate::weights::Weights;

const SKILLS: &[&str] = &[
    "marketing",
    "digital_marketing",
    "sns_marketing",
    "seo",
    "ec",
    "branding",
    "pr",
    "city_promotion",
    "hiring",
    "hr_evaluation",
    "lacquerware",
    "cash_flow",
];
const THEMES: &[&str] = &[
    "dx",
    "traditional_craft",
    "regional_revitalization",
    "tourism",
    "hiring",
];
const PLACES: &[(&str, &str)] = &[
    ("長野県", "塩尻市"),
    ("長野県", "松本市"),
    ("新潟県", ""),
    ("東京都", "世田谷区"),
    ("山梨県", "甲府市"),
];
const PHRASES: &[&str] = &[
    "地域の伝統工芸を次の世代につなぎたい",
    "塩尻市の魅力を全国に発信したい",
    "中小企業のDXを支援します",
    "ECサイトで漆器の販路を広げる",
    "採用と人事評価制度づくり",
    "",
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
}

fn place(at: usize) -> Place {
    let (prefecture, city) = PLACES[at % PLACES.len()];
    Place {
        prefecture: prefecture.into(),
        city: city.into(),
    }
}

fn need() -> impl Strategy<Value = Need> {
    (
        (
            proptest::collection::vec((0..SKILLS.len(), 1u8..5, any::<bool>()), 0..4),
            proptest::sample::subsequence(THEMES, 0..3),
            (0..PHRASES.len(), 0..PHRASES.len()),
            0..PLACES.len(),
            proptest::sample::select(Role::ALL),
            proptest::sample::select(Style::ALL),
        ),
        (
            0u16..40,
            proptest::sample::select(WorkStyle::ALL),
            0u8..3,
            proptest::sample::subsequence(MeetingSlot::ALL, 0..=3),
            (0u32..10, 0u32..10),
            proptest::bool::weighted(0.15),
            proptest::option::of(0i64..120),
        ),
    )
        .prop_map(
            |(
                (skills, themes, (title, description), at, role, style),
                (hours_min, work_style, visits, meeting_slots, (pay, extra), pro_bono, apply_by),
            )| Need {
                id: 0,
                place: place(at),
                industry: ["manufacturing", "", "public_sector"][at % 3].into(),
                title: PHRASES[title].into(),
                description: PHRASES[description].into(),
                goal: String::new(),
                role,
                style,
                skills: skills
                    .into_iter()
                    .map(|(skill, min_level, must)| SkillRequirement {
                        skill: SKILLS[skill].into(),
                        min_level,
                        must,
                    })
                    .collect(),
                themes: themes.into_iter().map(String::from).collect(),
                hours_min,
                hours_max: hours_min + 8,
                duration_months: 3,
                work_style,
                onsite_visits_per_month: visits,
                meeting_slots,
                compensation_min_jpy: pay * 10_000,
                compensation_max_jpy: (pay + extra) * 10_000,
                pro_bono,
                headcount: 1,
                apply_by: apply_by.map(|days| today() + chrono::Duration::days(days - 30)),
            },
        )
}

/// A mixed pool: some excluded for some needs, some with eight skills or six places
/// (spilling out of the inline slots), ties in plenty.
fn profile(id: u128) -> impl Strategy<Value = Profile> {
    (
        (
            proptest::bool::weighted(0.95),
            (0..PHRASES.len(), 0..PHRASES.len()),
            proptest::collection::vec((0..SKILLS.len(), 0u8..6), 0..9),
            proptest::collection::vec((proptest::sample::select(Role::ALL), 0u8..5), 0..5),
            proptest::sample::subsequence(THEMES, 0..4),
            proptest::sample::select(Style::ALL),
        ),
        (
            0u16..70,
            proptest::option::of(0i64..150),
            (1u8..3, 0u8..3),
            proptest::sample::select(WorkStyle::ALL),
            0u8..4,
            proptest::collection::vec(
                (0..PLACES.len(), proptest::sample::select(TieKind::ALL)),
                0..6,
            ),
            proptest::sample::subsequence(MeetingSlot::ALL, 0..=3),
            (0u32..12, any::<bool>()),
        ),
    )
        .prop_map(
            move |(
                (active, (motivation, headline), skills, roles, themes, style),
                (
                    hours,
                    from,
                    (max_engagements, engagements),
                    work_style,
                    visits,
                    ties,
                    slots,
                    (pay, pro_bono_ok),
                ),
            )| Profile {
                id,
                active,
                headline: PHRASES[headline].into(),
                bio: String::new(),
                motivation: PHRASES[motivation].into(),
                skills: skills
                    .into_iter()
                    .map(|(skill, level)| SkillLevel {
                        skill: SKILLS[skill].into(),
                        level,
                        years: 3,
                    })
                    .collect(),
                roles: roles
                    .into_iter()
                    .map(|(role, years)| RoleExperience { role, years })
                    .collect(),
                industries: vec!["manufacturing".into()],
                themes: themes.into_iter().map(String::from).collect(),
                style,
                hours_per_month: hours,
                available_from: from.map(|days| today() + chrono::Duration::days(days)),
                max_engagements,
                active_engagements: engagements,
                work_style,
                max_onsite_visits_per_month: visits,
                home: place(id as usize),
                ties: ties
                    .into_iter()
                    .map(|(at, kind)| Tie {
                        place: place(at),
                        kind,
                    })
                    .collect(),
                past_engagements: vec![place(id as usize / 3)],
                meeting_slots: slots,
                min_compensation_jpy: pay * 10_000,
                pro_bono_ok,
            },
        )
}

fn pool() -> impl Strategy<Value = Vec<Profile>> {
    (300usize..900).prop_flat_map(|n| (1..=n as u128).map(profile).collect::<Vec<_>>())
}

fn weights() -> impl Strategy<Value = Weights> {
    prop_oneof![
        Just(Weights::default()),
        proptest::array::uniform7(0.0f32..5.0)
            .prop_filter_map("all zero", |raw| Weights::new(raw).ok()),
    ]
}

/// What `score()` and `preference()` alone give: eligible pairs first (and the
/// excluded after them, if asked), each by the mode's number, then by id.
fn brute_force(
    need: &Need,
    profiles: &[Profile],
    index: &ProfileIndex,
    request: &RankRequest<'_>,
) -> Vec<(u128, f32)> {
    let ctx = Context::new(today())
        .with_corpus(index.corpus())
        .with_weights(request.weights);
    let mut scored: Vec<(bool, u128, f32)> = profiles
        .iter()
        .filter_map(|profile| {
            let excluded = !exclusions(need, profile).is_empty();
            if excluded && !request.include_excluded {
                return None;
            }
            let total = score(need, profile, &ctx).total;
            let key = match request.mode {
                Mode::Need => total,
                Mode::Reciprocal => reciprocal_score(total, preference(profile, need, &ctx).total),
            };
            Some((excluded, profile.id, key))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(a.1.cmp(&b.1)));
    scored.truncate(request.k);
    scored.into_iter().map(|(_, id, key)| (id, key)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20))]

    #[test]
    fn batches_of_any_width_rank_every_need_as_brute_force_does(
        needs in proptest::collection::vec(need(), 1..21),
        profiles in pool(),
        weights in weights(),
        k in 1usize..12,
        mode in proptest::sample::select(&[Mode::Need, Mode::Reciprocal][..]),
        include_excluded in proptest::bool::weighted(0.3),
        flush in prop_oneof![Just(1), 2usize..=8, Just(FLUSH)],
    ) {
        let index = ProfileIndex::build(&profiles);
        let request = RankRequest {
            weights,
            mode,
            include_excluded,
            explain: false,
            ..RankRequest::new(k, today())
        };
        let batch = index.rank_batch_flushing(&needs, &request, flush).0;
        prop_assert_eq!(batch.len(), needs.len());
        for (need, ranked) in needs.iter().zip(&batch) {
            let got: Vec<(u128, f32)> = ranked
                .iter()
                .map(|c| (c.profile_id, if mode == Mode::Need { c.score } else { c.reciprocal_score }))
                .collect();
            prop_assert_eq!(got, brute_force(need, &profiles, &index, &request));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20))]

    #[test]
    fn batches_with_each_needs_own_proposals_rank_as_each_need_alone(
        needs in proptest::collection::vec(need(), 1..21),
        profiles in pool(),
        k in 1usize..12,
    ) {
        let index = ProfileIndex::build(&profiles);
        // Need j has j % 4 applicants, each proposing in the need's own words.
        let texts: Vec<Vec<(u128, String)>> = needs
            .iter()
            .enumerate()
            .map(|(j, need)| {
                (0..j % 4)
                    .filter(|_| !profiles.is_empty())
                    .map(|t| {
                        let id = profiles[(j * 3 + t) % profiles.len()].id;
                        (id, format!("{} {}", need.title, need.goal))
                    })
                    .collect()
            })
            .collect();
        let borrowed: Vec<Vec<(u128, &str)>> = texts
            .iter()
            .map(|list| list.iter().map(|(id, text)| (*id, text.as_str())).collect())
            .collect();
        let proposals: Vec<&[(u128, &str)]> = borrowed.iter().map(Vec::as_slice).collect();
        let request = RankRequest::new(k, today());
        let batch = index.rank_batch_proposing(&needs, &proposals, &request);
        prop_assert_eq!(batch.len(), needs.len());
        for ((need, own), ranked) in needs.iter().zip(&proposals).zip(&batch) {
            let alone = index.rank(need, &RankRequest { proposals: own, ..request });
            prop_assert_eq!(ranked, &alone);
        }
    }
}

/// Rows for 32 blocks: enough for the production [`FLUSH`] to flush partially at
/// least twice before the last flush, for one lane as for sixteen.
const MANY: usize = 32 * BLOCK;

/// [`MANY`] profiles and sixteen needs drawn from the generators above with a fixed
/// seed: the same pool on every run.
fn many() -> (Vec<Profile>, Vec<Need>) {
    let mut runner = TestRunner::deterministic();
    let profiles = (1..=MANY as u128)
        .map(|id| profile(id).new_tree(&mut runner).map(|tree| tree.current()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let needs = (0..WIDTH)
        .map(|_| need().new_tree(&mut runner).map(|tree| tree.current()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (profiles, needs)
}

#[test]
fn the_production_flush_ranks_many_blocks_as_scoring_every_row_does() {
    let (profiles, needs) = many();
    let index = ProfileIndex::build(&profiles);
    let ids: Vec<u128> = profiles.iter().map(|profile| profile.id).collect();
    for (k, mode, include_excluded) in [
        (10, Mode::Need, false),
        (50, Mode::Reciprocal, false),
        (50, Mode::Need, true),
        // More than a flush's worth a lane.
        (2 * FLUSH, Mode::Need, false),
    ] {
        let request = RankRequest {
            mode,
            include_excluded,
            ..RankRequest::new(k, today())
        };
        for needs in [&needs[..1], &needs[..5], &needs[..]] {
            let (ranked, stats) = index.rank_batch_flushing(needs, &request, FLUSH);
            let case = format!(
                "k {k}, {mode:?}, excluded {include_excluded}, {} lanes",
                needs.len()
            );
            // Pairs kept back by one partial flush met another before the last.
            assert!(
                stats.partial_flushes >= 2,
                "{case}: {stats:?}; with this FLUSH, MANY is too few rows to test it"
            );
            // The `only` path scores every row exactly: no bounds, no flushes.
            let every_row = index.rank_batch(
                needs,
                &RankRequest {
                    only: Some(&ids),
                    ..request
                },
            );
            assert_eq!(ranked, every_row, "{case}");
        }
    }
    // And the scores are `score()`'s.
    let ctx = Context::new(today()).with_corpus(index.corpus());
    for candidate in &index.rank(&needs[0], &RankRequest::new(50, today())) {
        let profile = &profiles[candidate.profile_id as usize - 1];
        assert_eq!(candidate.score, score(&needs[0], profile, &ctx).total);
    }
}
