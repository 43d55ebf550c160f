//! The service around the index: inactive profiles and scouting, removal.

use chrono::NaiveDate;
use musubi_matcher::{Exclusion, RankRequest, model::*};

use super::*;

fn need() -> Need {
    Need {
        id: 1,
        place: Place {
            prefecture: "長野県".into(),
            city: "塩尻市".into(),
        },
        industry: "public_sector".into(),
        title: "CMO".into(),
        description: "塩尻市の魅力を発信".into(),
        goal: String::new(),
        role: Role::Cmo,
        style: Style::Either,
        skills: vec![],
        themes: vec![],
        hours_min: 16,
        hours_max: 32,
        duration_months: 6,
        work_style: WorkStyle::Remote,
        onsite_visits_per_month: 0,
        meeting_slots: vec![],
        compensation_min_jpy: 0,
        compensation_max_jpy: 100_000,
        pro_bono: false,
        headcount: 1,
        apply_by: None,
    }
}

fn profile(id: u128, active: bool) -> Profile {
    Profile {
        id,
        active,
        headline: String::new(),
        bio: String::new(),
        motivation: "塩尻の魅力を発信したい".into(),
        skills: vec![],
        roles: vec![],
        industries: vec![],
        themes: vec![],
        style: Style::Either,
        hours_per_month: 24,
        available_from: None,
        max_engagements: 1,
        active_engagements: 0,
        work_style: WorkStyle::Remote,
        max_onsite_visits_per_month: 0,
        home: Place::default(),
        ties: vec![],
        past_engagements: vec![],
        meeting_slots: vec![],
        min_compensation_jpy: 0,
        pro_bono_ok: false,
    }
}

fn ranking(profiles: &[Profile]) -> Ranking {
    let ranking = Ranking::default();
    for profile in profiles {
        ranking.write().upsert(profile);
    }
    ranking
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn ids(candidates: &[Candidate]) -> Vec<Id> {
    candidates.iter().map(|c| c.profile_id).collect()
}

#[test]
fn scouting_never_shows_an_inactive_profile() {
    let ranking = ranking(&[profile(1, true), profile(2, false), profile(3, true)]);
    let request = RankRequest {
        include_excluded: true,
        ..RankRequest::new(10, today())
    };
    let everyone = ranking.rank(&need(), Pool::Everyone, request);
    assert_eq!(ids(&everyone), [1, 3]);
    let applicants = ranking.rank(&need(), Pool::Only(&[2, 3]), request);
    assert_eq!(
        ids(&applicants),
        [3, 2],
        "an applicant is shown, excluded, last"
    );
    assert_eq!(applicants[1].excluded, [Exclusion::Inactive]);
}

#[test]
fn a_profile_turning_active_is_scouted_again_and_removal_is_final() {
    let ranking = ranking(&[profile(1, false)]);
    let request = RankRequest::new(10, today());
    assert!(ranking.rank(&need(), Pool::Everyone, request).is_empty());
    ranking.write().upsert(&profile(1, true));
    assert_eq!(ids(&ranking.rank(&need(), Pool::Everyone, request)), [1]);
    ranking.remove(professional_id(1));
    assert!(ranking.is_empty());
    assert!(ranking.rank(&need(), Pool::Only(&[1]), request).is_empty());
}

#[test]
fn a_page_of_scouting_with_excluded_ones_is_full_despite_inactive_profiles() {
    let mut profiles: Vec<Profile> = (1..=5).map(|id| profile(id, false)).collect();
    profiles.extend((6..=8).map(|id| profile(id, true)));
    let ranking = ranking(&profiles);
    let request = RankRequest {
        include_excluded: true,
        ..RankRequest::new(3, today())
    };
    assert_eq!(ranking.rank(&need(), Pool::Everyone, request).len(), 3);
}

#[test]
fn needs_ranked_together_over_threads_rank_as_each_alone_with_its_own_proposals() {
    let profiles: Vec<Profile> = (1..=60).map(|id| profile(id, id % 7 != 0)).collect();
    let ranking = ranking(&profiles);
    // 40 needs: more than two batches of sixteen, so each thread gets some.
    let needs: Vec<Need> = (0..40u16)
        .map(|j| Need {
            id: u128::from(j) + 1_000,
            hours_min: 4 + j % 20,
            headcount: 1 + j % 3,
            ..need()
        })
        .collect();
    let proposals: Vec<Vec<(Id, &str)>> = (0..40u128)
        .map(|j| {
            (0..j % 3)
                .map(|t| (1 + (j * 5 + t) % 60, "塩尻の魅力を全国に発信したい"))
                .collect()
        })
        .collect();
    let each: Vec<&[(Id, &str)]> = proposals.iter().map(Vec::as_slice).collect();
    let request = RankRequest {
        include_excluded: true,
        ..RankRequest::new(5, today())
    };
    for threads in [1, 2, 3] {
        let together = ranking.rank_everyone_proposing(&needs, &each, request, threads);
        assert_eq!(together.len(), needs.len());
        for ((need, own), ranked) in needs.iter().zip(&each).zip(&together) {
            let alone = ranking.rank(
                need,
                Pool::Everyone,
                RankRequest {
                    proposals: own,
                    include_excluded: false,
                    ..request
                },
            );
            assert_eq!(ranked, &alone, "{threads} threads");
        }
    }
}

/// `n` profiles of varied hours and words; every other one lives in 鳥取県.
fn two_prefectures(n: u128) -> Vec<Profile> {
    let words = [
        "塩尻の魅力を発信したい",
        "地域の魅力を全国に",
        "発信の仕事",
        "週末に手伝いたい",
    ];
    (1..=n)
        .map(|id| Profile {
            hours_per_month: 8 + (id * 7 % 33) as u16,
            motivation: words[(id % 4) as usize].into(),
            home: Place {
                prefecture: if id % 2 == 0 {
                    "鳥取県"
                } else {
                    "東京都"
                }
                .into(),
                city: String::new(),
            },
            ..profile(id, true)
        })
        .collect()
}

#[test]
fn a_region_ranks_exactly_whom_it_may_find_and_its_applicants_whether_few_or_many() {
    use crate::domain::sharing::RegionPlace;
    let tottori = RegionPlace {
        id: uuid::Uuid::from_u128(7),
        prefecture: "鳥取県".into(),
    };
    // Few findable (the exact path) and many (the scan, dropping the others).
    for count in [1_000u128, 2 * (scout::EXACT_POOL as u128) + 500] {
        let ranking = ranking(&two_prefectures(count));
        let needs: Vec<Need> = (0..20u128)
            .map(|j| Need {
                id: 100 + j,
                hours_min: 8 + (j * 3 % 30) as u16,
                ..need()
            })
            .collect();
        // Need 0 has an applicant from 東京都, whom 鳥取 may not otherwise find.
        let applicants: Vec<Vec<Id>> = (0..20)
            .map(|j| if j == 0 { vec![3] } else { vec![] })
            .collect();
        let own: Vec<&[Id]> = applicants.iter().map(Vec::as_slice).collect();
        let proposals: Vec<&[(Id, &str)]> = vec![&[]; 20];
        let request = RankRequest {
            explain: false,
            ..RankRequest::new(25, today())
        };
        let got = ranking.rank_region_proposing(&needs, &proposals, &own, request, &tottori, 1);
        let everyone = ranking.rank_everyone_proposing(
            &needs,
            &proposals,
            RankRequest {
                k: count as usize,
                ..request
            },
            1,
        );
        for (j, (got, all)) in got.iter().zip(everyone).enumerate() {
            let want: Vec<(Id, f32)> = all
                .into_iter()
                .filter(|c| c.profile_id % 2 == 0 || own[j].contains(&c.profile_id))
                .take(25)
                .map(|c| (c.profile_id, c.score))
                .collect();
            let got: Vec<(Id, f32)> = got.iter().map(|c| (c.profile_id, c.score)).collect();
            assert_eq!(got, want, "need {j} of {count} profiles");
        }

        // One need's scouting list, the same way.
        let no_loads = std::collections::HashMap::new();
        let scouting = scout::Scouting {
            region: &tottori,
            applicants: &[3],
            weight: 0.0,
            loads: &no_loads,
        };
        let listed = ranking.scout(&needs[0], request, &scouting);
        let all = ranking.rank(
            &needs[0],
            Pool::Everyone,
            RankRequest {
                k: count as usize,
                ..request
            },
        );
        let want: Vec<Id> = all
            .iter()
            .map(|c| c.profile_id)
            .filter(|id| id % 2 == 0 || *id == 3)
            .take(25)
            .collect();
        assert_eq!(ids(&listed.candidates), want, "{count} profiles");
        assert!(listed.shared.is_empty(), "鳥取県 is their own region");
    }
}
