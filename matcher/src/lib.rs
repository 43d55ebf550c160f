//! # musubi-matcher — the Shiojiri model
//!
//! A pure engine (no I/O, no async, no clock: today is passed in) that scores a need
//! (募集) against a professional's profile (複業人材) on the factors of the Shiojiri
//! model, explains every score in Japanese and English, ranks large pools of profiles
//! quickly, ranks needs for a professional by the reciprocal score, and suggests a
//! region-wide assignment as an exact b-matching.
//!
//! ## Scoring a pair
//!
//! ```
//! use chrono::NaiveDate;
//! use musubi_matcher::model::*;
//! use musubi_matcher::{Context, Factor, score};
//!
//! let need = Need {
//!     id: 1,
//!     place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
//!     industry: "public_sector".into(),
//!     title: "塩尻市CMO（マーケティング責任者）".into(),
//!     description: "塩尻市の魅力を全国に発信するシティプロモーションを統括します".into(),
//!     goal: "関係人口を1年で倍増".into(),
//!     role: Role::Cmo,
//!     style: Style::Either,
//!     skills: vec![SkillRequirement { skill: "digital_marketing".into(), min_level: 3, must: true }],
//!     themes: vec!["regional_revitalization".into()],
//!     hours_min: 16,
//!     hours_max: 32,
//!     duration_months: 4,
//!     work_style: WorkStyle::Remote,
//!     onsite_visits_per_month: 0,
//!     meeting_slots: vec![MeetingSlot::WeekdayEvening, MeetingSlot::Weekend],
//!     compensation_min_jpy: 50_000,
//!     compensation_max_jpy: 100_000,
//!     pro_bono: false,
//!     headcount: 2,
//!     apply_by: NaiveDate::from_ymd_opt(2027, 1, 31),
//! };
//! let profile = Profile {
//!     id: 7,
//!     active: true,
//!     headline: "元大手メーカーのマーケター".into(),
//!     bio: String::new(),
//!     motivation: "生まれ育った塩尻の魅力を全国に発信したい".into(),
//!     skills: vec![SkillLevel { skill: "digital_marketing".into(), level: 4, years: 8 }],
//!     roles: vec![RoleExperience { role: Role::Cmo, years: 2 }],
//!     industries: vec!["manufacturing".into()],
//!     themes: vec!["regional_revitalization".into()],
//!     style: Style::HandsOn,
//!     hours_per_month: 24,
//!     available_from: None,
//!     max_engagements: 1,
//!     active_engagements: 0,
//!     work_style: WorkStyle::Hybrid,
//!     max_onsite_visits_per_month: 1,
//!     home: Place { prefecture: "東京都".into(), city: "世田谷区".into() },
//!     ties: vec![Tie {
//!         place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
//!         kind: TieKind::Hometown,
//!     }],
//!     past_engagements: vec![],
//!     meeting_slots: vec![MeetingSlot::WeekdayEvening],
//!     min_compensation_jpy: 30_000,
//!     pro_bono_ok: true,
//! };
//!
//! let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
//! let explanation = score(&need, &profile, &Context::new(today));
//! assert!(explanation.exclusions.is_empty());
//! println!("{:.1} / 100", explanation.total);
//! for part in &explanation.factors {
//!     for reason in &part.reasons {
//!         println!("{} {:.2}: {} ({})", part.factor, part.score, reason.ja, reason.en);
//!     }
//! }
//! let skills = explanation.factor(Factor::SkillFit).unwrap();
//! assert_eq!(skills.reasons[0].ja, "必須スキル デジタルマーケティング: レベル4 (要求3)");
//! let region = explanation.factor(Factor::RegionalAffinity).unwrap();
//! assert_eq!(region.reasons[0].ja, "長野県塩尻市出身 (市区町村が一致)");
//! assert_eq!(musubi_matcher::display(&profile), "CMO / 東京都 / 長野県出身");
//! ```
//!
//! ## Ranking many
//!
//! [`ProfileIndex`] holds every profile of a deployment in compact columns (about
//! 180 bytes a profile with its text) and ranks them for a need in one scan, building
//! reasons only for the `k` it returns. Its scores equal [`score()`]'s for the same pair
//! when the context carries the index's [`Corpus`]:
//!
//! ```
//! # use chrono::NaiveDate;
//! # use musubi_matcher::model::*;
//! use musubi_matcher::{Context, ProfileIndex, RankRequest, score};
//! # let need = Need { id: 1, place: Place::default(), industry: String::new(), title: "EC".into(),
//! #   description: "漆器のECサイト".into(), goal: String::new(), role: Role::Other, style: Style::Either,
//! #   skills: vec![], themes: vec![], hours_min: 8, hours_max: 16, duration_months: 3,
//! #   work_style: WorkStyle::Remote, onsite_visits_per_month: 0, meeting_slots: vec![],
//! #   compensation_min_jpy: 0, compensation_max_jpy: 50_000, pro_bono: false, headcount: 1, apply_by: None };
//! # let profile = |id: u128, motivation: &str| Profile { id, active: true, headline: String::new(),
//! #   bio: String::new(), motivation: motivation.into(), skills: vec![], roles: vec![], industries: vec![],
//! #   themes: vec![], style: Style::Either, hours_per_month: 16, available_from: None, max_engagements: 1,
//! #   active_engagements: 0, work_style: WorkStyle::Remote, max_onsite_visits_per_month: 0,
//! #   home: Place::default(), ties: vec![], past_engagements: vec![], meeting_slots: vec![],
//! #   min_compensation_jpy: 0, pro_bono_ok: false };
//! let profiles = vec![profile(1, "漆器の販路を広げたい"), profile(2, "農業を手伝いたい")];
//! let index = ProfileIndex::build(&profiles);
//! let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
//! let ranked = index.rank(&need, &RankRequest::new(10, today));
//! assert_eq!(ranked[0].profile_id, 1);
//! let same = score(&need, &profiles[0], &Context::new(today).with_corpus(index.corpus()));
//! assert_eq!(ranked[0].score, same.total);
//! ```
//!
//! The modules, one concept each: [`weights`] (per-region weights), [`factors`] (the
//! seven factors and their reasons), [`exclusion`] (hard exclusions), [`score`](mod@score)
//! (totals, explanations, the pseudonymous display line), [`reciprocal`] (the
//! professional's side and recommendations), [`index`] (ranking), [`assign`]
//! (region-wide introductions), [`taxonomy`] and [`text`] (vocabulary and
//! tokenisation), [`model`] (the input types) and [`error`]. What they share only
//! among themselves (the top-k heap, the encoded columns, the dense ids of the
//! taxonomy) is not public.
#![deny(missing_docs)]

pub mod assign;
pub mod congestion;
pub mod error;
pub mod exclusion;
pub mod factors;
pub mod index;
pub mod model;
pub mod reciprocal;
pub mod score;
pub mod taxonomy;
pub mod text;
pub mod weights;

mod topk;

pub use error::{Error, ErrorKind, Result};
pub use exclusion::Exclusion;
pub use factors::Reason;
pub use index::{Candidate, Corpus, Mode, ProfileIndex, RankRequest};
pub use model::*;
pub use reciprocal::{Preference, RankedNeed, preference, rank_needs, reciprocal_score};
pub use score::{Context, Explanation, FactorScore, display, score};
pub use weights::{Factor, Weights};
