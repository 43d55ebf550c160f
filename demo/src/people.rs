//! The demo's professionals (複業人材): a few written by hand (the ones whose logins are
//! printed, and who apply), and a few hundred generated from [`ARCHETYPES`] and the
//! pools in [`names`](super::names) with a seeded generator, so every run makes the
//! same people.

use super::{
    archetypes::{ARCHETYPES, Archetype},
    featured,
    names::{
        BIO_EXTRAS, CLOSINGS, FAMILY_NAMES, GIVEN_NAMES, HOMES, OTHER_TIES, TIE_KINDS, TIE_PLACES,
        tie_sentence, want_sentence,
    },
    rng::SplitMix64,
};
use musubi_api::domain::{
    enums::{MeetingSlot, Style, TieKind, WorkStyle},
    profile::{Place, ProfileInput, RoleExperience, SkillLevel, Tie},
};

/// How many professionals the demo holds, the hand-written ones included.
pub const PROFESSIONALS: usize = 300;

/// The seed of the generator: change it and every generated person changes.
const SEED: u64 = 0x6D75_7375_6269_2026; // "musubi" 2026

/// One professional of the demo.
#[derive(Debug, Clone)]
pub struct DemoProfessional {
    /// Login email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// What kind of professional (an [`Archetype`] key, or `featured`).
    pub archetype: &'static str,
    /// The profile, as a professional would `PUT /profiles/me` it (not yet validated).
    pub profile: ProfileInput,
}

/// The demo's login email of the `n`th professional (1-based).
pub fn email(n: usize) -> String {
    format!("pro-{n:03}@{}", super::DOMAIN)
}

/// Every professional of the demo: the hand-written ones first, then the generated
/// ones, always the same for the same [`SEED`].
pub fn professionals() -> Vec<DemoProfessional> {
    let mut all = featured::professionals();
    let mut rng = SplitMix64::new(SEED);
    let weights: Vec<(u32, &Archetype)> = ARCHETYPES.iter().map(|a| (a.weight, a)).collect();
    while all.len() < PROFESSIONALS {
        let n = all.len() + 1;
        let archetype = *rng.weighted(&weights);
        all.push(generate(&mut rng, n, archetype));
    }
    all
}

fn generate(rng: &mut SplitMix64, n: usize, archetype: &'static Archetype) -> DemoProfessional {
    let display_name = format!("{} {}", rng.pick(FAMILY_NAMES), rng.pick(GIVEN_NAMES));
    let (prefecture, cities) = rng.weighted(HOMES);
    let home = Place {
        prefecture: (*prefecture).to_owned(),
        city: (*rng.pick(cities)).to_owned(),
    };

    let mut skills = Vec::new();
    let core_count = 2 + rng.below(2);
    for skill in rng.choose(archetype.core, core_count) {
        let level = *rng.weighted(&[(35, 3u8), (45, 4), (20, 5)]);
        let years = level * 2 + u8::try_from(rng.below(6)).unwrap_or(0);
        skills.push(skill_level(skill, level, years));
    }
    let extra_count = 1 + rng.below(3);
    for skill in rng.choose(archetype.extra, extra_count) {
        let level = 1 + u8::try_from(rng.below(3)).unwrap_or(0);
        let years = 1 + u8::try_from(rng.below(5)).unwrap_or(0);
        skills.push(skill_level(skill, level, years));
    }

    let mut roles = Vec::new();
    if rng.percent(70) {
        let count = if rng.percent(20) { 2 } else { 1 };
        for role in rng.choose(archetype.roles, count) {
            roles.push(RoleExperience {
                role: *role,
                years: 1 + u8::try_from(rng.below(6)).unwrap_or(0),
            });
        }
    }
    let industry_count = 1 + rng.below(2);
    let industries: Vec<String> = rng
        .choose(archetype.industries, industry_count)
        .into_iter()
        .map(|key| (*key).to_owned())
        .collect();
    let theme_count = 1 + rng.below(2);
    let mut themes: Vec<String> = rng
        .choose(archetype.themes, theme_count)
        .into_iter()
        .map(|key| (*key).to_owned())
        .collect();
    if rng.percent(40) {
        let extra = *rng.pick(&["regional_revitalization", "relationship_population"]);
        if !themes.iter().any(|theme| theme == extra) {
            themes.push(extra.to_owned());
        }
    }

    let mut ties = Vec::new();
    if rng.percent(75) {
        let (prefecture, city) = rng.weighted(TIE_PLACES);
        ties.push(Tie {
            prefecture: (*prefecture).to_owned(),
            city: (*city).to_owned(),
            kind: *rng.weighted(TIE_KINDS),
        });
    }
    if rng.percent(20) {
        let (prefecture, city) = rng.pick(OTHER_TIES);
        ties.push(Tie {
            prefecture: (*prefecture).to_owned(),
            city: (*city).to_owned(),
            kind: *rng.pick(&[TieKind::Visited, TieKind::Interest, TieKind::Lived]),
        });
    }

    let first_theme = themes.first().map_or("", String::as_str);
    let mut motivation = match ties.first() {
        Some(tie) => {
            let place = if tie.city.is_empty() {
                &tie.prefecture
            } else {
                &tie.city
            };
            tie_sentence(tie.kind, place)
        }
        None => "地方の中小企業の力になりたい。".to_owned(),
    };
    motivation.push_str(want_sentence(first_theme));
    motivation.push_str(rng.pick::<&str>(CLOSINGS));

    let work_style = *rng.weighted(&[
        (55, WorkStyle::Remote),
        (40, WorkStyle::Hybrid),
        (5, WorkStyle::Onsite),
    ]);
    let max_onsite_visits_per_month = match work_style {
        WorkStyle::Remote => u8::from(rng.percent(30)),
        WorkStyle::Hybrid => 1 + u8::from(rng.percent(40)),
        WorkStyle::Onsite => 2 + u8::try_from(rng.below(3)).unwrap_or(0),
    };
    let mut meeting_slots = Vec::new();
    if rng.percent(25) {
        meeting_slots.push(MeetingSlot::WeekdayDay);
    }
    if rng.percent(85) {
        meeting_slots.push(MeetingSlot::WeekdayEvening);
    }
    if rng.percent(70) || meeting_slots.is_empty() {
        meeting_slots.push(MeetingSlot::Weekend);
    }
    let min_compensation_jpy = *rng.pick(&[
        0, 0, 10_000, 20_000, 30_000, 30_000, 40_000, 50_000, 50_000, 60_000, 80_000,
    ]);
    let pro_bono_ok = if min_compensation_jpy == 0 {
        rng.percent(70)
    } else {
        rng.percent(25)
    };

    let headline = (*rng.pick(archetype.headlines)).to_owned();
    let industry_label = industries
        .first()
        .and_then(|key| musubi_matcher::taxonomy::industry(key))
        .map_or("事業会社", |industry| industry.ja);
    let skill_labels: Vec<&str> = skills
        .iter()
        .take(2)
        .filter_map(|skill| musubi_matcher::taxonomy::skill(&skill.skill))
        .map(|skill| skill.ja)
        .collect();
    let bio = format!(
        "{industry_label}の分野で{}年。{}を中心に担当。{}",
        6 + rng.below(15),
        skill_labels.join("・"),
        rng.pick(BIO_EXTRAS)
    );

    DemoProfessional {
        email: email(n),
        display_name,
        archetype: archetype.key,
        profile: ProfileInput {
            headline,
            bio,
            motivation,
            skills,
            roles,
            industries,
            themes,
            style: *rng.weighted(&[
                (35, Style::HandsOn),
                (20, Style::Advisory),
                (45, Style::Either),
            ]),
            hours_per_month: *rng.pick(&[8, 10, 12, 16, 16, 20, 20, 24, 24, 24, 30, 32, 40]),
            available_from: None,
            max_engagements: if rng.percent(30) { 2 } else { 1 },
            work_style,
            max_onsite_visits_per_month,
            home,
            ties,
            meeting_slots,
            min_compensation_jpy,
            pro_bono_ok,
            // A few have paused their listing, as real people do.
            active: !rng.percent(3),
        },
    }
}

/// A skill at a level.
pub fn skill_level(skill: &str, level: u8, years: u8) -> SkillLevel {
    SkillLevel {
        skill: skill.to_owned(),
        level,
        years,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_professional_is_valid_and_unique() {
        let all = professionals();
        assert_eq!(all.len(), PROFESSIONALS);
        let mut emails = std::collections::HashSet::new();
        for professional in &all {
            assert!(emails.insert(professional.email.clone()));
            let validated = professional.profile.clone().parse();
            assert!(
                validated.is_ok(),
                "{}: {:?}",
                professional.email,
                validated.err()
            );
        }
    }

    #[test]
    fn the_same_people_every_time() {
        let first = professionals();
        let second = professionals();
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a.display_name, b.display_name);
            assert_eq!(a.profile, b.profile);
        }
    }

    #[test]
    fn most_live_in_the_cities_and_many_are_tied_to_the_alliance() {
        let all = professionals();
        let in_alliance = ["長野県", "富山県"];
        let living_away = all
            .iter()
            .filter(|p| !in_alliance.contains(&p.profile.home.prefecture.as_str()))
            .count();
        let tied = all
            .iter()
            .filter(|p| {
                p.profile
                    .ties
                    .iter()
                    .any(|tie| in_alliance.contains(&tie.prefecture.as_str()))
            })
            .count();
        assert!(living_away > all.len() * 3 / 4, "{living_away}");
        assert!(tied > all.len() / 2, "{tied}");
    }
}
