//! A synthetic market with a planted ground truth, and the metrics that judge a
//! ranking against it. Shared by the `evaluate` example and `tests/evaluation.rs`.
//!
//! Every professional and every need has hidden attributes; what the matcher sees
//! (a [`Profile`], a [`Need`]) is derived from them, with some of the hidden part
//! left out or blurred. A pair is a **true match** when both sides would say yes:
//!
//! - the **need side** says yes when the professional can do the work: their true
//!   level in each asked skill (the stated level is off by one now and then), their
//!   hours, a shared theme, plus a pair-specific chemistry nobody observes;
//! - the **professional's side** says yes when they would take the work: the pay
//!   above their true floor (which sits a little above the minimum they state), the
//!   need touching a theme they care about, a work style and visits they accept, a
//!   tie to the place, plus their own pair-specific chemistry.
//!
//! In a *selective* market the more skilled professionals hold out for better
//! offers (they are asked more often and can choose): their bar rises with their
//! best skill level. In an unselective one every professional's bar is the same.
//!
//! Neither side's rule is the matcher's formula: thresholds, weights and the
//! hidden noise are the market's own. A ranking is judged on its top 10 per need:
//! NDCG@10 with graded gains (2 for a true match, 1 when only the need side says
//! yes) and the two-sided match rate@10 (the share of the 10 that are true matches).
//!
//! Each professional also has a **capacity**: how many engagements they can take on
//! this month (1 to 3; the many asked cannot say yes to everyone). [`simulate`] plays
//! a month of scouting with it: needs scout their top 10 one after another, each
//! professional's load (the scouts they already had) dampening their score by the
//! region's congestion weight (see `musubi_matcher::congestion`), and a scouted pair
//! that both sides want becomes a match while the professional has room left.

use chrono::NaiveDate;
use musubi_matcher::congestion::{Congestion, rank_spread};
use musubi_matcher::index::{Mode, ProfileIndex, RankRequest};
use musubi_matcher::model::{
    MeetingSlot, Need, Place, Profile, Role, RoleExperience, SkillLevel, SkillRequirement, Style,
    Tie, TieKind, WorkStyle,
};

/// How many candidates are judged per need.
pub const CUTOFF: usize = 10;

/// Skill fields: the skills a professional of the field holds, the role they play
/// and the themes they tend to care about.
const FIELDS: &[(&[&str], Role, &[&str])] = &[
    (
        &[
            "marketing",
            "digital_marketing",
            "sns_marketing",
            "branding",
            "pr",
        ],
        Role::Cmo,
        &["tourism", "regional_revitalization", "dx"],
    ),
    (
        &["hiring", "hr_evaluation"],
        Role::Chro,
        &["hiring", "regional_revitalization"],
    ),
    (
        &["ec", "seo", "digital_marketing"],
        Role::Cdo,
        &["dx", "traditional_craft"],
    ),
    (
        &["lacquerware", "branding", "ec"],
        Role::Designer,
        &["traditional_craft", "tourism"],
    ),
    (&["cash_flow"], Role::Cfo, &["dx", "hiring"]),
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
    ("新潟県", "新潟市"),
    ("東京都", "世田谷区"),
    ("山梨県", "甲府市"),
    ("神奈川県", "横浜市"),
];

/// The day the market is observed.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
}

/// A small seedable generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly normal, mean 0, deviation `sd` (a sum of uniforms).
    fn noise(&mut self, sd: f64) -> f64 {
        let sum: f64 = (0..6).map(|_| self.unit()).sum();
        (sum - 3.0) * sd * std::f64::consts::SQRT_2
    }
}

/// What the matcher never sees about a professional.
#[derive(Debug, Clone)]
pub struct HiddenProfessional {
    /// True level of each held skill.
    pub levels: Vec<(&'static str, u8)>,
    /// Themes they really care about (they state only some).
    pub cares: Vec<&'static str>,
    /// The least pay a month they would really take (above what they state).
    pub true_floor: u32,
    /// Whether they would visit the place at all.
    pub visits_ok: bool,
    /// Prefectures they are tied to.
    pub ties: Vec<&'static str>,
    /// Hours a month.
    pub hours: u16,
    /// How good an offer must be for them to say yes: the more skilled are asked
    /// more often, and choose.
    pub bar: f64,
    /// How many engagements they can take on this month.
    pub capacity: u32,
}

/// What the matcher never sees about a need.
#[derive(Debug, Clone)]
pub struct HiddenNeed {
    /// `(skill, level)` the work really needs.
    pub asks: Vec<(&'static str, u8)>,
    /// Its themes.
    pub themes: Vec<&'static str>,
    /// Its prefecture.
    pub prefecture: &'static str,
    /// The most it pays a month.
    pub budget_max: u32,
    /// Whether the work needs visits.
    pub visits: bool,
    /// Hours a month it needs.
    pub hours: u16,
}

/// A market: what the matcher sees, what it doesn't, and each pair's chemistry.
#[derive(Debug, Clone)]
pub struct Market {
    /// The profiles, as the matcher sees them.
    pub profiles: Vec<Profile>,
    /// Their hidden side, by position.
    pub professionals: Vec<HiddenProfessional>,
    /// The needs, as the matcher sees them.
    pub needs: Vec<Need>,
    /// Their hidden side, by position.
    pub hidden_needs: Vec<HiddenNeed>,
    seed: u64,
}

impl Market {
    /// A market of `professionals` and `needs` from `seed`. In a `selective` one the
    /// more skilled professionals hold out for better offers (their bar rises with
    /// their best level); otherwise everyone's bar is the same.
    pub fn generate(professionals: usize, needs: usize, seed: u64, selective: bool) -> Self {
        let mut rng = Rng::new(seed);
        let mut market = Self {
            profiles: Vec::with_capacity(professionals),
            professionals: Vec::with_capacity(professionals),
            needs: Vec::with_capacity(needs),
            hidden_needs: Vec::with_capacity(needs),
            seed,
        };
        for i in 0..professionals {
            let (profile, hidden) = professional(&mut rng, i as u128 + 1, selective);
            market.profiles.push(profile);
            market.professionals.push(hidden);
        }
        for i in 0..needs {
            let (need, hidden) = need(&mut rng, i as u128 + 1);
            market.needs.push(need);
            market.hidden_needs.push(hidden);
        }
        market
    }

    /// Whether the need side says yes to professional `p` for need `n`.
    pub fn need_says_yes(&self, n: usize, p: usize) -> bool {
        let (need, pro) = (&self.hidden_needs[n], &self.professionals[p]);
        let mut skill = 0.0;
        for &(asked, level) in &need.asks {
            let held = pro
                .levels
                .iter()
                .find(|(key, _)| *key == asked)
                .map_or(0, |&(_, held)| held);
            skill += (f64::from(held) / f64::from(level)).min(1.0);
        }
        let skill = skill / need.asks.len().max(1) as f64;
        let hours = (f64::from(pro.hours) / f64::from(need.hours.max(1))).min(1.0);
        let theme = f64::from(u8::from(
            need.themes.iter().any(|theme| pro.cares.contains(theme)),
        ));
        let utility = 0.65 * skill + 0.2 * hours + 0.15 * theme + self.chemistry(n, p, 1);
        utility >= 0.62
    }

    /// Whether professional `p` says yes to need `n`.
    pub fn professional_says_yes(&self, n: usize, p: usize) -> bool {
        let (need, pro) = (&self.hidden_needs[n], &self.professionals[p]);
        let pay = if need.budget_max >= pro.true_floor {
            (0.6 + 0.4 * f64::from(need.budget_max - pro.true_floor) / 100_000.0).min(1.0)
        } else {
            0.0
        };
        let theme = f64::from(u8::from(
            need.themes.iter().any(|theme| pro.cares.contains(theme)),
        ));
        let visits = if need.visits && !pro.visits_ok {
            0.0
        } else {
            1.0
        };
        let tie = f64::from(u8::from(pro.ties.contains(&need.prefecture)));
        let utility =
            0.35 * pay + 0.3 * theme + 0.2 * visits + 0.15 * tie + self.chemistry(n, p, 2);
        utility >= pro.bar
    }

    /// The graded gain of a pair: 2 for a true match, 1 when only the need says yes.
    pub fn gain(&self, n: usize, p: usize) -> u8 {
        match (self.need_says_yes(n, p), self.professional_says_yes(n, p)) {
            (true, true) => 2,
            (true, false) => 1,
            _ => 0,
        }
    }

    /// A pair's chemistry on one side, which nobody observes: the same every time it
    /// is asked.
    fn chemistry(&self, n: usize, p: usize, side: u64) -> f64 {
        let mut rng = Rng::new(
            self.seed ^ (n as u64).wrapping_mul(0x9E37_79B9) ^ ((p as u64) << 24) ^ (side << 56),
        );
        rng.noise(0.08)
    }
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.below(items.len())]
}

fn place(at: usize) -> Place {
    let (prefecture, city) = PLACES[at % PLACES.len()];
    Place {
        prefecture: prefecture.into(),
        city: city.into(),
    }
}

fn professional(rng: &mut Rng, id: u128, selective: bool) -> (Profile, HiddenProfessional) {
    let (skills, role, themes) = pick(rng, FIELDS);
    let mut levels: Vec<(&'static str, u8)> = Vec::new();
    for &skill in skills {
        if levels.is_empty() || rng.chance(0.6) {
            levels.push((skill, 1 + rng.below(5) as u8));
        }
    }
    let mut cares: Vec<&'static str> = vec![pick(rng, themes)];
    if rng.chance(0.4) {
        let other = pick(rng, THEMES);
        if !cares.contains(&other) {
            cares.push(other);
        }
    }
    // They state most of what they care about, not all of it.
    let stated: Vec<String> = cares
        .iter()
        .filter(|_| rng.chance(0.75))
        .map(|theme| (*theme).to_owned())
        .collect();
    let home = rng.below(PLACES.len());
    let mut ties = vec![PLACES[home].0];
    let mut stated_ties = Vec::new();
    if rng.chance(0.5) {
        let at = rng.below(PLACES.len());
        ties.push(PLACES[at].0);
        stated_ties.push(Tie {
            place: place(at),
            kind: pick(rng, TieKind::ALL),
        });
    }
    // The more skilled ask more, and would really take a little more than they ask.
    let best = levels
        .iter()
        .map(|&(_, level)| u32::from(level))
        .max()
        .unwrap_or(1);
    let stated_floor = 10_000 * (best + rng.below(3) as u32);
    let true_floor = stated_floor + 10_000 * rng.below(4) as u32;
    let visits_ok = rng.chance(0.6);
    let hours = 8 + 4 * rng.below(8) as u16;
    let profile = Profile {
        id,
        active: true,
        headline: String::new(),
        bio: String::new(),
        motivation: String::new(),
        skills: levels
            .iter()
            .map(|&(skill, level)| SkillLevel {
                skill: skill.to_owned(),
                // Self-assessed: off by one now and then.
                level: if rng.chance(0.25) {
                    (level as i8 + if rng.chance(0.5) { 1 } else { -1 }).clamp(1, 5) as u8
                } else {
                    level
                },
                years: 3,
            })
            .collect(),
        roles: vec![RoleExperience {
            role,
            years: 1 + rng.below(6) as u8,
        }],
        industries: Vec::new(),
        themes: stated,
        style: Style::Either,
        hours_per_month: hours,
        available_from: None,
        max_engagements: 2,
        active_engagements: 0,
        work_style: if visits_ok {
            pick(rng, &[WorkStyle::Hybrid, WorkStyle::Remote])
        } else {
            WorkStyle::Remote
        },
        max_onsite_visits_per_month: if visits_ok { 1 + rng.below(3) as u8 } else { 0 },
        home: place(home),
        ties: stated_ties,
        past_engagements: Vec::new(),
        meeting_slots: vec![MeetingSlot::WeekdayEvening],
        min_compensation_jpy: stated_floor,
        pro_bono_ok: false,
    };
    let hidden = HiddenProfessional {
        levels,
        cares,
        true_floor,
        visits_ok,
        ties,
        hours,
        bar: if selective {
            0.45 + 0.06 * f64::from(best)
        } else {
            0.6
        },
        // From its own generator, so the rest of the market is drawn as before.
        capacity: match Rng::new(id as u64 ^ 0xCA9A_C17E).below(10) {
            0..=4 => 1,
            5..=8 => 2,
            _ => 3,
        },
    };
    (profile, hidden)
}

fn need(rng: &mut Rng, id: u128) -> (Need, HiddenNeed) {
    let (skills, role, themes) = pick(rng, FIELDS);
    let mut asks: Vec<(&'static str, u8)> = vec![(pick(rng, skills), 2 + rng.below(3) as u8)];
    if rng.chance(0.5) {
        let other = pick(rng, skills);
        if asks.iter().all(|(skill, _)| *skill != other) {
            asks.push((other, 1 + rng.below(3) as u8));
        }
    }
    let theme = pick(rng, themes);
    let at = rng.below(PLACES.len());
    let budget_max = 30_000 + 10_000 * rng.below(8) as u32;
    let visits = rng.chance(0.4);
    let hours = 8 + 4 * rng.below(5) as u16;
    let need = Need {
        id,
        place: place(at),
        industry: String::new(),
        title: String::new(),
        description: String::new(),
        goal: String::new(),
        role,
        style: Style::Either,
        skills: asks
            .iter()
            .map(|&(skill, min_level)| SkillRequirement {
                skill: skill.to_owned(),
                min_level,
                must: true,
            })
            .collect(),
        themes: vec![theme.to_owned()],
        hours_min: hours,
        hours_max: hours + 8,
        duration_months: 6,
        work_style: if visits {
            WorkStyle::Hybrid
        } else {
            WorkStyle::Remote
        },
        onsite_visits_per_month: u8::from(visits),
        meeting_slots: vec![MeetingSlot::WeekdayEvening],
        compensation_min_jpy: budget_max / 2,
        compensation_max_jpy: budget_max,
        pro_bono: false,
        headcount: 1,
        apply_by: None,
    };
    let hidden = HiddenNeed {
        asks,
        themes: vec![theme],
        prefecture: PLACES[at].0,
        budget_max,
        visits,
        hours,
    };
    (need, hidden)
}

/// How a ranking did, averaged over the needs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    /// Mean NDCG@[`CUTOFF`] with graded gains.
    pub ndcg: f64,
    /// Mean share of the top [`CUTOFF`] that are true matches.
    pub match_rate: f64,
    /// Needs judged (those with at least one gain in the market).
    pub needs: usize,
}

/// Ranks every need's top [`CUTOFF`] in `mode` and judges it against the truth.
pub fn evaluate(market: &Market, mode: Mode) -> Scores {
    let index = ProfileIndex::build(&market.profiles);
    let request = RankRequest {
        mode,
        explain: false,
        ..RankRequest::new(CUTOFF, today())
    };
    let ranked = index.rank_batch(&market.needs, &request);
    let mut scores = Scores::default();
    for (n, list) in ranked.iter().enumerate() {
        let mut gains: Vec<u8> = (0..market.profiles.len())
            .map(|p| market.gain(n, p))
            .collect();
        let got: Vec<u8> = list
            .iter()
            .map(|candidate| gains[(candidate.profile_id - 1) as usize])
            .collect();
        gains.sort_unstable_by(|a, b| b.cmp(a));
        let ideal = dcg(&gains[..CUTOFF.min(gains.len())]);
        if ideal == 0.0 {
            continue;
        }
        scores.ndcg += dcg(&got) / ideal;
        scores.match_rate += got.iter().filter(|&&gain| gain == 2).count() as f64 / CUTOFF as f64;
        scores.needs += 1;
    }
    if scores.needs > 0 {
        scores.ndcg /= scores.needs as f64;
        scores.match_rate /= scores.needs as f64;
    }
    scores
}

/// Discounted cumulative gain with `2^gain − 1`.
fn dcg(gains: &[u8]) -> f64 {
    gains
        .iter()
        .enumerate()
        .map(|(rank, &gain)| (f64::from(1u32 << gain) - 1.0) / (rank as f64 + 2.0).log2())
        .sum()
}

/// A month of scouting, played out (see [`simulate`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Month {
    /// Scouted pairs that became matches: both sides said yes and the professional
    /// still had room.
    pub matches: usize,
    /// The same, per need.
    pub matches_per_need: f64,
    /// Scouted pairs both sides wanted but the professional had no room for.
    pub turned_away: usize,
    /// Different professionals scouted at least once.
    pub scouted: usize,
}

/// Plays a month of scouting: the needs, one after another, scout their top
/// [`CUTOFF`] by the need's score, each professional's score dampened at `weight` by
/// the scouts they already had this month. A scouted pair that both sides want is a
/// match while the professional has room (their capacity); after that they say no.
pub fn simulate(market: &Market, weight: f32) -> Month {
    let index = ProfileIndex::build(&market.profiles);
    let request = RankRequest {
        explain: false,
        ..RankRequest::new(CUTOFF, today())
    };
    let mut load = vec![0u32; market.profiles.len()];
    let mut taken = vec![0u32; market.profiles.len()];
    let mut month = Month::default();
    for (n, need) in market.needs.iter().enumerate() {
        let spread = {
            let load_of = |id: u128| load[(id - 1) as usize];
            let congestion = Congestion {
                weight,
                load: &load_of,
                exempt: &[],
            };
            rank_spread(&index, need, &request, &|_| true, &congestion)
        };
        for item in spread {
            let p = (item.candidate.profile_id - 1) as usize;
            if load[p] == 0 {
                month.scouted += 1;
            }
            load[p] += 1;
            if market.gain(n, p) == 2 {
                if taken[p] < market.professionals[p].capacity {
                    taken[p] += 1;
                    month.matches += 1;
                } else {
                    month.turned_away += 1;
                }
            }
        }
    }
    month.matches_per_need = month.matches as f64 / market.needs.len().max(1) as f64;
    month
}
