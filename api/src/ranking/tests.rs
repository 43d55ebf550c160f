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
