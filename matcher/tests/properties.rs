//! Invariants of scoring and ranking, on generated needs and profiles.
//!
//! The generators draw from small vocabularies (a dozen related skills, a handful of
//! places and phrases) so that pairs overlap often and ties happen.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use musubi_matcher::exclusion::exclusions;
use musubi_matcher::index::{Candidate, Mode, ProfileIndex, RankRequest};
use musubi_matcher::model::*;
use musubi_matcher::reciprocal::{preference, reciprocal_score};
use musubi_matcher::score::{Context, score};
use musubi_matcher::weights::{Factor, Weights};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

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
    "traditional_craft",
];
const THEMES: &[&str] = &[
    "dx",
    "traditional_craft",
    "regional_revitalization",
    "tourism",
    "hiring",
];
const PREFECTURES: &[&str] = &["長野県", "新潟県", "東京都", "山梨県", "Nagano", "火星"];
const CITIES: &[&str] = &["塩尻市", "松本市", "世田谷区", ""];
const INDUSTRIES: &[&str] = &["manufacturing", "public_sector", "漆器製造", ""];
const PHRASES: &[&str] = &[
    "地域の伝統工芸を次の世代につなぎたい",
    "塩尻市の魅力を全国に発信したい",
    "中小企業のDXを支援します",
    "ECサイトで漆器の販路を広げる",
    "採用と人事評価制度づくり",
    "週末に地方企業の役に立ちたい",
    "marketing and branding for local crafts",
    "",
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
}

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(pick(PHRASES), 0..3).prop_map(|parts| parts.join("。"))
}

fn place() -> impl Strategy<Value = Place> {
    (pick(PREFECTURES), pick(CITIES)).prop_map(|(prefecture, city)| Place {
        prefecture: prefecture.into(),
        city: city.into(),
    })
}

fn slots() -> impl Strategy<Value = Vec<MeetingSlot>> {
    proptest::sample::subsequence(MeetingSlot::ALL, 0..=3)
}

fn date() -> impl Strategy<Value = Option<NaiveDate>> {
    proptest::option::of((0i64..200).prop_map(|days| today() + chrono::Duration::days(days - 30)))
}

fn need() -> impl Strategy<Value = Need> {
    let skills = proptest::collection::vec(
        (pick(SKILLS), 0u8..6, any::<bool>()).prop_map(|(skill, min_level, must)| {
            SkillRequirement {
                skill: skill.into(),
                min_level,
                must,
            }
        }),
        0..4,
    );
    (
        (
            any::<u8>(),
            place(),
            pick(INDUSTRIES),
            (text(), text(), text()),
            pick(Role::ALL),
            pick(Style::ALL),
            skills,
            proptest::sample::subsequence(THEMES, 0..3),
        ),
        (
            0u16..48,
            0u16..48,
            pick(WorkStyle::ALL),
            0u8..4,
            slots(),
            (0u32..12, 0u32..12),
            any::<bool>(),
            date(),
        ),
    )
        .prop_map(
            |(
                (id, place, industry, (title, description, goal), role, style, skills, themes),
                (
                    hours_min,
                    extra_hours,
                    work_style,
                    visits,
                    meeting_slots,
                    (pay_min, pay_extra),
                    pro_bono,
                    apply_by,
                ),
            )| Need {
                id: u128::from(id),
                place,
                industry: industry.into(),
                title,
                description,
                goal,
                role,
                style,
                skills,
                themes: themes.into_iter().map(String::from).collect(),
                hours_min,
                hours_max: hours_min + extra_hours,
                duration_months: 3,
                work_style,
                onsite_visits_per_month: visits,
                meeting_slots,
                compensation_min_jpy: pay_min * 10_000,
                compensation_max_jpy: (pay_min + pay_extra) * 10_000,
                pro_bono,
                headcount: 1,
                apply_by,
            },
        )
}

fn profile_with_id(id: u128) -> impl Strategy<Value = Profile> {
    let skills = proptest::collection::vec(
        (pick(SKILLS), 0u8..6, 0u8..20).prop_map(|(skill, level, years)| SkillLevel {
            skill: skill.into(),
            level,
            years,
        }),
        0..8,
    );
    let roles = proptest::collection::vec(
        (pick(Role::ALL), 0u8..20).prop_map(|(role, years)| RoleExperience { role, years }),
        0..3,
    );
    let ties = proptest::collection::vec(
        (place(), pick(TieKind::ALL)).prop_map(|(place, kind)| Tie { place, kind }),
        0..5,
    );
    (
        (
            proptest::bool::weighted(0.9),
            text(),
            text(),
            skills,
            roles,
            proptest::sample::subsequence(INDUSTRIES, 0..3),
            proptest::sample::subsequence(THEMES, 0..4),
            pick(Style::ALL),
        ),
        (
            0u16..60,
            date(),
            (0u8..3, 0u8..3),
            pick(WorkStyle::ALL),
            0u8..4,
            place(),
            ties,
            proptest::collection::vec(place(), 0..2),
        ),
        (slots(), 0u32..15, any::<bool>()),
    )
        .prop_map(
            move |(
                (active, headline, motivation, skills, roles, industries, themes, style),
                (
                    hours,
                    available_from,
                    (max_engagements, active_engagements),
                    work_style,
                    visits,
                    home,
                    ties,
                    past,
                ),
                (meeting_slots, pay, pro_bono_ok),
            )| Profile {
                id,
                active,
                headline,
                bio: "秘密の経歴".into(),
                motivation,
                skills,
                roles,
                industries: industries.into_iter().map(String::from).collect(),
                themes: themes.into_iter().map(String::from).collect(),
                style,
                hours_per_month: hours,
                available_from,
                max_engagements: max_engagements + 1,
                active_engagements,
                work_style,
                max_onsite_visits_per_month: visits,
                home,
                ties,
                past_engagements: past,
                meeting_slots,
                min_compensation_jpy: pay * 10_000,
                pro_bono_ok,
            },
        )
}

fn profile() -> impl Strategy<Value = Profile> {
    (1u128..1000).prop_flat_map(profile_with_id)
}

/// Profiles with distinct ids.
fn profiles(max: usize) -> impl Strategy<Value = Vec<Profile>> {
    proptest::collection::vec(profile(), 0..max).prop_map(|list| {
        let mut by_id = BTreeMap::new();
        for profile in list {
            by_id.insert(profile.id, profile);
        }
        by_id.into_values().collect()
    })
}

/// Many profiles (several scan blocks) that no need excludes, so a top `k` is
/// contested and every stage of the scan's pruning is exercised.
fn contested_profiles() -> impl Strategy<Value = Vec<Profile>> {
    proptest::collection::vec(profile(), 300..700).prop_map(|list| {
        let mut by_id = BTreeMap::new();
        for mut profile in list {
            profile.active = true;
            profile.hours_per_month = profile.hours_per_month.max(30) + 30;
            profile.min_compensation_jpy = 0;
            profile.pro_bono_ok = true;
            profile.active_engagements = 0;
            profile.max_onsite_visits_per_month = profile.max_onsite_visits_per_month.max(1);
            by_id.insert(profile.id, profile);
        }
        by_id.into_values().collect()
    })
}

fn weights() -> impl Strategy<Value = Weights> {
    prop_oneof![
        Just(Weights::default()),
        proptest::array::uniform7(0.0f32..5.0)
            .prop_filter_map("all zero", |raw| Weights::new(raw).ok()),
    ]
}

/// The ranking `score()` alone gives: eligible pairs by total, then id.
fn brute_force(
    need: &Need,
    profiles: &[Profile],
    index: &ProfileIndex,
    weights: Weights,
    k: usize,
) -> Vec<(u128, f32)> {
    let ctx = Context::new(today())
        .with_corpus(index.corpus())
        .with_weights(weights);
    let mut scored: Vec<(u128, f32)> = profiles
        .iter()
        .map(|profile| (profile.id, score(need, profile, &ctx)))
        .filter(|(_, explanation)| explanation.exclusions.is_empty())
        .map(|(id, explanation)| (id, explanation.total))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(k);
    scored
}

fn ids_and_scores(candidates: &[Candidate]) -> Vec<(u128, f32)> {
    candidates.iter().map(|c| (c.profile_id, c.score)).collect()
}

fn request(k: usize, weights: Weights) -> RankRequest<'static> {
    RankRequest {
        weights,
        ..RankRequest::new(k, today())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn totals_are_in_0_100_and_factors_in_0_1(need in need(), profile in profile(), weights in weights()) {
        let explanation = score(&need, &profile, &Context::new(today()).with_weights(weights));
        prop_assert!((0.0..=100.0).contains(&explanation.total), "{}", explanation.total);
        prop_assert_eq!(explanation.factors.len(), 7);
        for part in &explanation.factors {
            prop_assert!((0.0..=1.0).contains(&part.score), "{:?} {}", part.factor, part.score);
            prop_assert!(!part.reasons.is_empty());
        }
        let side = preference(&profile, &need, &Context::new(today()));
        prop_assert!((0.0..=100.0).contains(&side.total));
        let both = reciprocal_score(explanation.total, side.total);
        prop_assert!(both <= explanation.total.max(side.total) + 1e-3);
        prop_assert!(both >= explanation.total.min(side.total) - 1e-3 || both == 0.0);
    }

    #[test]
    fn raising_a_skill_level_never_lowers_skill_fit(
        need in need(),
        profile in profile(),
        which in any::<prop::sample::Index>(),
        raise in 1u8..4,
    ) {
        prop_assume!(!profile.skills.is_empty());
        let ctx = Context::new(today());
        let before = musubi_matcher::factors::skill_fit(&need, &profile, &ctx).score;
        let mut raised = profile.clone();
        let skill = &mut raised.skills[which.index(profile.skills.len())];
        skill.level = skill.level.saturating_add(raise);
        let after = musubi_matcher::factors::skill_fit(&need, &raised, &ctx).score;
        prop_assert!(after >= before, "{} < {}", after, before);
    }

    #[test]
    fn adding_a_tie_never_lowers_regional_affinity(
        need in need(),
        profile in profile(),
        place in place(),
        kind in pick(TieKind::ALL),
    ) {
        let ctx = Context::new(today());
        let before = musubi_matcher::factors::regional_affinity(&need, &profile, &ctx).score;
        let mut tied = profile.clone();
        tied.ties.push(Tie { place, kind });
        let after = musubi_matcher::factors::regional_affinity(&need, &tied, &ctx).score;
        prop_assert!(after >= before, "{} < {}", after, before);
    }

    #[test]
    fn the_public_exclusions_are_the_ones_scoring_applies(need in need(), profile in profile()) {
        let explanation = score(&need, &profile, &Context::new(today()));
        prop_assert_eq!(exclusions(&need, &profile), explanation.exclusions);
    }

    #[test]
    fn the_index_scores_a_pair_exactly_as_score_does(
        need in need(),
        profiles in profiles(24),
        weights in weights(),
    ) {
        let index = ProfileIndex::build(&profiles);
        let ids: Vec<u128> = profiles.iter().map(|p| p.id).collect();
        let mut req = request(profiles.len(), weights);
        req.include_excluded = true;
        req.only = Some(&ids);
        req.explain_preference = true;
        let ranked = index.rank(&need, &req);
        prop_assert_eq!(ranked.len(), profiles.len());
        let ctx = Context::new(today()).with_corpus(index.corpus()).with_weights(weights);
        for candidate in &ranked {
            let profile = profiles.iter().find(|p| p.id == candidate.profile_id).unwrap();
            let expected = score(&need, profile, &ctx);
            prop_assert_eq!(candidate.score, expected.total);
            prop_assert_eq!(candidate.explanation.as_ref(), Some(&expected));
            prop_assert_eq!(&candidate.excluded, &expected.exclusions);
            prop_assert_eq!(&candidate.display, &musubi_matcher::score::display(profile));
            let side = preference(profile, &need, &ctx);
            prop_assert_eq!(candidate.preference, side.total);
            prop_assert_eq!(candidate.preference_detail.as_ref(), Some(&side));
        }
    }

    #[test]
    fn top_k_equals_a_brute_force_sort(
        need in need(),
        profiles in profiles(40),
        weights in weights(),
        k in 0usize..12,
    ) {
        let index = ProfileIndex::build(&profiles);
        let ranked = index.rank(&need, &request(k, weights));
        prop_assert_eq!(
            ids_and_scores(&ranked),
            brute_force(&need, &profiles, &index, weights, k)
        );
        let ctx = Context::new(today()).with_corpus(index.corpus()).with_weights(weights);
        for candidate in &ranked {
            let profile = profiles.iter().find(|p| p.id == candidate.profile_id).unwrap();
            prop_assert_eq!(candidate.explanation.as_ref(), Some(&score(&need, profile, &ctx)));
        }
    }

    #[test]
    fn the_reciprocal_ranking_equals_a_brute_force_sort(
        need in need(),
        profiles in profiles(30),
        k in 1usize..8,
    ) {
        let index = ProfileIndex::build(&profiles);
        let mut req = request(k, Weights::default());
        req.mode = Mode::Reciprocal;
        let ranked: Vec<(u128, f32)> = index
            .rank(&need, &req)
            .iter()
            .map(|c| (c.profile_id, c.reciprocal_score))
            .collect();
        let ctx = Context::new(today()).with_corpus(index.corpus());
        let mut expected: Vec<(u128, f32)> = profiles
            .iter()
            .filter(|p| exclusions(&need, p).is_empty())
            .map(|p| {
                let total = score(&need, p, &ctx).total;
                (p.id, reciprocal_score(total, preference(p, &need, &ctx).total))
            })
            .collect();
        expected.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        expected.truncate(k);
        prop_assert_eq!(ranked, expected);
    }

    #[test]
    fn excluded_profiles_appear_only_when_asked_and_after_eligible_ones(
        need in need(),
        profiles in profiles(30),
        k in 1usize..40,
    ) {
        let index = ProfileIndex::build(&profiles);
        let plain = index.rank(&need, &request(k, Weights::default()));
        for candidate in &plain {
            let profile = profiles.iter().find(|p| p.id == candidate.profile_id).unwrap();
            prop_assert!(exclusions(&need, profile).is_empty());
            prop_assert!(candidate.excluded.is_empty());
        }
        let mut req = request(k, Weights::default());
        req.include_excluded = true;
        let all = index.rank(&need, &req);
        prop_assert_eq!(all.len(), profiles.len().min(k));
        let first_excluded = all.iter().position(|c| !c.excluded.is_empty()).unwrap_or(all.len());
        prop_assert!(all[first_excluded..].iter().all(|c| !c.excluded.is_empty()));
        prop_assert_eq!(ids_and_scores(&all[..first_excluded]), ids_and_scores(&plain));
    }

    #[test]
    fn the_same_input_gives_the_same_ranking(
        need in need(),
        profiles in profiles(30),
        k in 1usize..10,
    ) {
        let once = ProfileIndex::build(&profiles);
        let mut reversed = profiles.clone();
        reversed.reverse();
        let again = ProfileIndex::build(&reversed);
        let req = request(k, Weights::default());
        let first = once.rank(&need, &req);
        prop_assert_eq!(&first, &once.rank(&need, &req));
        prop_assert_eq!(&first, &again.rank(&need, &req));
    }

    #[test]
    fn index_updates_rank_like_a_fresh_build(
        need in need(),
        initial in profiles(20),
        updates in proptest::collection::vec(
            prop_oneof![
                3 => profile().prop_map(Some),
                1 => (1u128..1000).prop_map(|id| { let _ = id; None }),
            ],
            0..30,
        ),
        removals in proptest::collection::vec(1u128..1000, 0..10),
        k in 1usize..10,
    ) {
        let mut index = ProfileIndex::new();
        let mut state: BTreeMap<u128, Profile> = BTreeMap::new();
        for profile in &initial {
            index.upsert(profile);
            state.insert(profile.id, profile.clone());
        }
        let mut removals = removals.into_iter();
        for update in updates {
            match update {
                Some(profile) => {
                    index.upsert(&profile);
                    state.insert(profile.id, profile);
                }
                None => {
                    // Remove one that exists if any, else an id that may not.
                    let id = state.keys().next().copied().or_else(|| removals.next()).unwrap_or(1);
                    prop_assert_eq!(index.remove(id), state.remove(&id).is_some());
                }
            }
        }
        for id in removals {
            prop_assert_eq!(index.remove(id), state.remove(&id).is_some());
        }
        // Re-upserting unchanged text keeps postings; changed text replaces them.
        if let Some(profile) = state.values().next().cloned() {
            let mut edited = profile.clone();
            edited.hours_per_month = edited.hours_per_month.saturating_add(1);
            index.upsert(&edited);
            state.insert(edited.id, edited);
        }
        let current: Vec<Profile> = state.values().cloned().collect();
        let fresh = ProfileIndex::build(&current);
        prop_assert_eq!(index.len(), fresh.len());
        prop_assert_eq!(index.corpus().docs(), fresh.corpus().docs());
        prop_assert_eq!(index.corpus().average_len(), fresh.corpus().average_len());
        for profile in &current {
            prop_assert!(index.contains(profile.id));
            prop_assert_eq!(index.get(profile.id), fresh.get(profile.id));
        }
        let req = request(k, Weights::default());
        prop_assert_eq!(index.rank(&need, &req), fresh.rank(&need, &req));
        let mut all = request(current.len().max(1), Weights::default());
        all.include_excluded = true;
        all.mode = Mode::Reciprocal;
        prop_assert_eq!(index.rank(&need, &all), fresh.rank(&need, &all));
        index.compact();
        prop_assert_eq!(index.rank(&need, &req), fresh.rank(&need, &req));
    }

    #[test]
    fn a_batch_ranks_each_need_as_alone(
        needs in proptest::collection::vec(need(), 0..5),
        profiles in profiles(30),
        k in 1usize..8,
    ) {
        let index = ProfileIndex::build(&profiles);
        let req = request(k, Weights::default());
        let batch = index.rank_batch(&needs, &req);
        prop_assert_eq!(batch.len(), needs.len());
        for (need, ranked) in needs.iter().zip(&batch) {
            prop_assert_eq!(ranked, &index.rank(need, &req));
        }
    }

    #[test]
    fn applicants_and_their_proposals_rank_like_score_with_the_proposal(
        need in need(),
        profiles in profiles(20),
        proposal in text(),
        k in 1usize..8,
    ) {
        let index = ProfileIndex::build(&profiles);
        let applicants: Vec<u128> = profiles.iter().map(|p| p.id).step_by(2).collect();
        let proposals: Vec<(u128, &str)> =
            applicants.iter().map(|&id| (id, proposal.as_str())).collect();
        let mut req = request(k, Weights::default());
        req.only = Some(&applicants);
        req.proposals = &proposals;
        let ranked = index.rank(&need, &req);
        let ctx = Context::new(today()).with_corpus(index.corpus()).with_proposal(&proposal);
        let mut expected: Vec<(u128, f32)> = profiles
            .iter()
            .filter(|p| applicants.contains(&p.id))
            .map(|p| (p.id, score(&need, p, &ctx)))
            .filter(|(_, e)| e.exclusions.is_empty())
            .map(|(id, e)| (id, e.total))
            .collect();
        expected.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        expected.truncate(k);
        prop_assert_eq!(ids_and_scores(&ranked), expected);
        for candidate in &ranked {
            let profile = profiles.iter().find(|p| p.id == candidate.profile_id).unwrap();
            prop_assert_eq!(candidate.explanation.as_ref(), Some(&score(&need, profile, &ctx)));
        }
    }

    #[test]
    fn weights_always_sum_to_one(raw in proptest::array::uniform7(0.0f32..100.0)) {
        if let Ok(weights) = Weights::new(raw) {
            let sum: f32 = Factor::ALL.iter().map(|&f| weights.get(f)).sum();
            prop_assert!((sum - 1.0).abs() < 1e-5);
        } else {
            prop_assert!(raw.iter().all(|&w| w == 0.0));
        }
    }
}

proptest! {
    // Hundreds of profiles a case, each scored by brute force too: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn top_k_of_a_contested_pool_equals_a_brute_force_sort(
        need in need(),
        profiles in contested_profiles(),
        weights in weights(),
        k in 1usize..6,
        mode in pick(&[Mode::Need, Mode::Reciprocal]),
    ) {
        let index = ProfileIndex::build(&profiles);
        let mut req = request(k, weights);
        req.mode = mode;
        let ranked = index.rank(&need, &req);
        let expected = match mode {
            Mode::Need => brute_force(&need, &profiles, &index, weights, k),
            Mode::Reciprocal => {
                let ctx = Context::new(today()).with_corpus(index.corpus()).with_weights(weights);
                let mut all: Vec<(u128, f32)> = profiles
                    .iter()
                    .filter(|p| exclusions(&need, p).is_empty())
                    .map(|p| {
                        let total = score(&need, p, &ctx).total;
                        (p.id, reciprocal_score(total, preference(p, &need, &ctx).total))
                    })
                    .collect();
                all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                all.truncate(k);
                all
            }
        };
        let got: Vec<(u128, f32)> = ranked
            .iter()
            .map(|c| (c.profile_id, if mode == Mode::Need { c.score } else { c.reciprocal_score }))
            .collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn a_batch_over_a_contested_pool_ranks_each_need_as_alone(
        needs in proptest::collection::vec(need(), 2..5),
        profiles in contested_profiles(),
        k in 1usize..6,
        mode in pick(&[Mode::Need, Mode::Reciprocal]),
    ) {
        let index = ProfileIndex::build(&profiles);
        let mut req = request(k, Weights::default());
        req.mode = mode;
        let batch = index.rank_batch(&needs, &req);
        for (need, ranked) in needs.iter().zip(&batch) {
            let alone = index.rank(need, &req);
            prop_assert_eq!(ids_and_scores(ranked), ids_and_scores(&alone));
        }
    }
}

#[test]
fn recommendations_rank_open_needs_by_the_reciprocal_score() {
    use musubi_matcher::reciprocal::rank_needs;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let needs = proptest::collection::vec(need(), 20)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    let needs: Vec<Need> = needs
        .into_iter()
        .enumerate()
        .map(|(i, need)| Need {
            id: i as u128,
            ..need
        })
        .collect();
    let profile = profile().new_tree(&mut runner).unwrap().current();
    let ctx = Context::new(today());
    let ranked = rank_needs(&profile, &needs, &ctx, 5);
    let mut expected: Vec<(u128, f32)> = needs
        .iter()
        .filter(|need| exclusions(need, &profile).is_empty())
        .map(|need| {
            let total = score(need, &profile, &ctx).total;
            (
                need.id,
                reciprocal_score(total, preference(&profile, need, &ctx).total),
            )
        })
        .collect();
    expected.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    expected.truncate(5);
    let got: Vec<(u128, f32)> = ranked
        .iter()
        .map(|r| (r.need_id, r.reciprocal_score))
        .collect();
    assert_eq!(got, expected);
    for item in &ranked {
        assert_eq!(item.explanation.total, item.score);
        assert_eq!(item.preference_detail.total, item.preference);
    }
}

#[test]
fn an_index_of_many_profiles_survives_churn_and_reuses_rows() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut index = ProfileIndex::new();
    for round in 0..6u128 {
        for id in 0..200u128 {
            let mut profile = profile_with_id(id).new_tree(&mut runner).unwrap().current();
            profile.motivation = format!("{} {}", profile.motivation, (round * 7 + id) % 13);
            index.upsert(&profile);
        }
        for id in (0..200u128).step_by(3) {
            assert!(index.remove(id));
        }
    }
    index.compact();
    assert_eq!(index.len(), 200 - 67);
    // Rows are reused once their postings are gone: far fewer than every version.
    assert!(index.rows() < 400, "{} rows", index.rows());
    assert!(index.memory_bytes() > 0);
}

// ------------------------------------------------------------ congestion dampening

/// Each profile's load this month, from its id (the same every time it is asked).
fn load_of(seed: u64) -> impl Fn(u128) -> u32 {
    move |id| ((id as u64).wrapping_mul(0x9E37_79B9).wrapping_add(seed) % 7) as u32
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn dampening_never_raises_a_score_and_is_zero_at_weight_zero(
        score in 0.0f32..=100.0,
        weight in 0.0f32..=musubi_matcher::congestion::MAX_WEIGHT,
        load in 0u32..1_000,
    ) {
        use musubi_matcher::congestion::dampen;
        prop_assert!(dampen(score, weight, load) <= score);
        prop_assert!(dampen(score, weight, load) >= 0.0);
        prop_assert_eq!(dampen(score, 0.0, load), score);
        prop_assert_eq!(dampen(score, weight, 0), score);
    }

    #[test]
    fn a_spread_ranking_is_the_dampened_brute_force_top_k(
        need in need(),
        profiles in profiles(60),
        weight in prop_oneof![Just(0.0f32), 0.0f32..2.0],
        mode in pick(&[Mode::Need, Mode::Reciprocal]),
        k in 1usize..10,
        seed in any::<u64>(),
        applicants in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        dropped in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        among in proptest::option::of(proptest::collection::vec(any::<prop::sample::Index>(), 0..20)),
    ) {
        use musubi_matcher::congestion::{Congestion, rank_spread};
        prop_assume!(!profiles.is_empty());
        let index = ProfileIndex::build(&profiles);
        let pick_ids = |at: &[prop::sample::Index]| -> Vec<u128> {
            at.iter().map(|i| profiles[i.index(profiles.len())].id).collect()
        };
        let exempt = pick_ids(&applicants);
        let dropped = pick_ids(&dropped);
        let load = load_of(seed);
        let congestion = Congestion { weight, load: &load, exempt: &exempt };
        // Sometimes among a given few only (the `only` path a small region takes).
        let among: Option<Vec<u128>> = among.map(|at| pick_ids(&at));
        let mut req = request(k, Weights::default());
        req.mode = mode;
        req.only = among.as_deref();
        let keep = |id: u128| !dropped.contains(&id);
        let spread = rank_spread(&index, &need, &req, &keep, &congestion);
        let among_them = |id: u128| among.as_ref().is_none_or(|ids| ids.contains(&id));

        // Everyone, plainly scored: the truth to compare with.
        let all = index.rank(&need, &RankRequest { k: profiles.len(), only: None, ..req });
        let plain = |id: u128| all.iter().find(|c| c.profile_id == id).unwrap();
        for item in &spread {
            let before = plain(item.candidate.profile_id);
            // Never raised.
            prop_assert!(item.candidate.score <= before.score);
            prop_assert!(item.candidate.reciprocal_score <= before.reciprocal_score + 1e-4);
            prop_assert!(keep(item.candidate.profile_id));
            prop_assert!(among_them(item.candidate.profile_id));
            // Applicants' own applications are never touched.
            if exempt.contains(&item.candidate.profile_id) || weight == 0.0 {
                prop_assert_eq!(item.candidate.score, before.score);
                prop_assert!(item.damped.is_none());
            }
            if let Some(damped) = &item.damped {
                prop_assert_eq!(damped.undamped_score, before.score);
                prop_assert!(damped.load > 0);
                let said = format!("今月すでに{}件", damped.load);
                prop_assert!(damped.reason.ja.contains(&said));
            }
        }
        // Exactly the brute-force top k of the dampened order.
        let mut expected: Vec<(u128, f32)> = all
            .iter()
            .filter(|c| keep(c.profile_id) && among_them(c.profile_id))
            .map(|c| {
                let load = congestion.load_of(c.profile_id);
                let score = musubi_matcher::congestion::dampen(c.score, weight, load);
                let key = match mode {
                    Mode::Need => score,
                    Mode::Reciprocal => musubi_matcher::reciprocal_score(score, c.preference),
                };
                (c.profile_id, key)
            })
            .collect();
        expected.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        expected.truncate(k);
        let got: Vec<u128> = spread.iter().map(|s| s.candidate.profile_id).collect();
        let want: Vec<u128> = expected.iter().map(|e| e.0).collect();
        prop_assert_eq!(got, want);
        // At weight zero, keeping everyone: the plain ranking itself.
        if weight == 0.0 && dropped.is_empty() && among.is_none() {
            let ranked = index.rank(&need, &req);
            let spread_plain: Vec<Candidate> = spread.into_iter().map(|s| s.candidate).collect();
            prop_assert_eq!(spread_plain, ranked);
        }
    }
}

/// A need's pool counted by brute force, with `score()` and `exclusions()` one pair
/// at a time: listed (active), eligible, strong, and how many each changeable
/// exclusion alone keeps out.
fn brute_force_pool(
    need: &Need,
    profiles: &[Profile],
    index: &ProfileIndex,
    weights: Weights,
    strong_at: f32,
) -> (u32, u32, u32, BTreeMap<&'static str, u32>) {
    use musubi_matcher::Exclusion;
    let ctx = Context::new(today())
        .with_corpus(index.corpus())
        .with_weights(weights);
    let (mut listed, mut eligible, mut strong) = (0, 0, 0);
    let mut alone: BTreeMap<&'static str, u32> = BTreeMap::new();
    for profile in profiles.iter().filter(|profile| profile.active) {
        listed += 1;
        let excluded = exclusions(need, profile);
        match excluded.as_slice() {
            [] => {
                eligible += 1;
                if score(need, profile, &ctx).total >= strong_at {
                    strong += 1;
                }
            }
            [one] => {
                let name = match one {
                    Exclusion::CompensationAboveBudget => "budget",
                    Exclusion::ProBonoNotAccepted => "pro_bono",
                    Exclusion::HoursBelowHalf => "hours",
                    Exclusion::VisitsRuledOut => "visits",
                    _ => continue,
                };
                *alone.entry(name).or_default() += 1;
            }
            _ => {}
        }
    }
    (listed, eligible, strong, alone)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_needs_pool_counts_what_brute_force_counts(
        need in need(),
        profiles in profiles(120),
        weights in weights(),
        strong_at in prop_oneof![Just(60.0f32), 0.0f32..100.0],
    ) {
        use musubi_matcher::index::{Constraint, PoolRequest};
        let index = ProfileIndex::build(&profiles);
        let pool = index.pool(&need, &PoolRequest { today: today(), weights, strong_at }, |_| true);
        let (listed, eligible, strong, alone) =
            brute_force_pool(&need, &profiles, &index, weights, strong_at);
        prop_assert_eq!(pool.listed, listed);
        prop_assert_eq!(pool.eligible, eligible);
        prop_assert_eq!(pool.strong, strong);
        for limit in &pool.limits {
            let name = match limit.constraint {
                Constraint::Budget => "budget",
                Constraint::ProBono => "pro_bono",
                Constraint::Hours => "hours",
                Constraint::Visits => "visits",
                Constraint::MeetingSlots => continue,
            };
            prop_assert_eq!(Some(&limit.excluded), alone.get(name));
            prop_assert!(limit.regained >= 1 && limit.regained <= limit.excluded);
        }
        // Budget, hours and visits always name themselves when they alone keep anyone out.
        for (name, constraint) in [("budget", Constraint::Budget), ("hours", Constraint::Hours), ("visits", Constraint::Visits)] {
            if alone.contains_key(name) {
                prop_assert!(pool.limits.iter().any(|limit| limit.constraint == constraint));
            }
        }
        // Most first.
        prop_assert!(pool.limits.windows(2).all(|pair| pair[0].excluded >= pair[1].excluded));
        // Only some are counted.
        let few = index.pool(&need, &PoolRequest { today: today(), weights, strong_at }, |id| id % 2 == 0);
        let even: Vec<Profile> = profiles.iter().filter(|profile| profile.id % 2 == 0).cloned().collect();
        let (listed, eligible, strong, _) = brute_force_pool(&need, &even, &index, weights, strong_at);
        prop_assert_eq!((few.listed, few.eligible, few.strong), (listed, eligible, strong));
    }
}
