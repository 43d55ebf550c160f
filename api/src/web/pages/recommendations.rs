//! `/me/recommendations`: open needs ranked for the professional by the reciprocal
//! score, through `services::candidates::recommendations` (the service of
//! `GET /api/v1/profiles/me/recommendations`). Each need shows why it fits in words —
//! the matcher's reasons, strongest factors first — and links to its page to apply. A
//! professional without a profile is pointed to `/me/profile`; other roles get the 403
//! page.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use askama::Template;
use musubi_matcher::{Factor, reciprocal::Aspect};

use crate::{
    auth::AccountRole,
    services::{self, candidates::Recommendation, needs::Posted, regions},
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        frame::{Frame, page},
        pages::needs::{NeedCard, card, region_names},
    },
};

/// How many needs the page lists.
const SHOWN: u64 = 20;
/// How many factors (and aspects of the professional's wishes) give their reasons.
const FACTORS_SHOWN: usize = 4;
const ASPECTS_SHOWN: usize = 2;

/// One reason a need fits, in words.
#[derive(Debug)]
struct ReasonLine {
    /// What it is about (「スキル」, 「地域とのつながり」).
    about: String,
    /// The matcher's words.
    text: String,
}

/// A recommended need.
#[derive(Debug)]
struct Recommended {
    card: NeedCard,
    /// 「相性 82 / 100」.
    score: String,
    reasons: Vec<ReasonLine>,
}

#[derive(Template)]
#[template(path = "recommendations.html")]
struct RecommendationsPage<'a> {
    frame: &'a Frame,
    /// False when the professional has written no profile yet.
    has_profile: bool,
    items: Vec<Recommended>,
}

fn factor_key(factor: Factor) -> &'static str {
    match factor {
        Factor::SkillFit => "recommend.factor.skill_fit",
        Factor::MotivationFit => "recommend.factor.motivation_fit",
        Factor::ExperienceFit => "recommend.factor.experience_fit",
        Factor::AvailabilityFit => "recommend.factor.availability_fit",
        Factor::RegionalAffinity => "recommend.factor.regional_affinity",
        Factor::WorkStyleFit => "recommend.factor.work_style_fit",
        Factor::CompensationFit => "recommend.factor.compensation_fit",
    }
}

fn aspect_key(aspect: Aspect) -> &'static str {
    match aspect {
        Aspect::Themes => "recommend.aspect.themes",
        Aspect::Pay => "recommend.aspect.pay",
        Aspect::WorkStyle => "recommend.aspect.work_style",
        Aspect::Hours => "recommend.aspect.hours",
        Aspect::Region => "recommend.aspect.region",
    }
}

/// The reasons of the factors that weigh most in the score, then of the aspects of the
/// professional's own wishes that fit best.
fn reasons(frame: &Frame, recommendation: &Recommendation) -> Vec<ReasonLine> {
    let ranked = &recommendation.ranked;
    let mut factors: Vec<_> = ranked
        .explanation
        .factors
        .iter()
        .filter(|part| !part.reasons.is_empty())
        .collect();
    factors.sort_by(|a, b| (b.score * b.weight).total_cmp(&(a.score * a.weight)));
    let mut aspects: Vec<_> = ranked
        .preference_detail
        .aspects
        .iter()
        .filter(|part| !part.reasons.is_empty())
        .collect();
    aspects.sort_by(|a, b| (b.score * b.weight).total_cmp(&(a.score * a.weight)));
    let factor_lines = factors.into_iter().take(FACTORS_SHOWN).flat_map(|part| {
        part.reasons.iter().map(move |reason| ReasonLine {
            about: frame.msg(factor_key(part.factor)).to_owned(),
            text: frame.pick(&reason.ja, &reason.en).to_owned(),
        })
    });
    let aspect_lines = aspects.into_iter().take(ASPECTS_SHOWN).flat_map(|part| {
        part.reasons.iter().map(move |reason| ReasonLine {
            about: frame.msg(aspect_key(part.aspect)).to_owned(),
            text: frame.pick(&reason.ja, &reason.en).to_owned(),
        })
    });
    factor_lines.chain(aspect_lines).collect()
}

/// The needs ranked for the professional.
#[get("/me/recommendations")]
pub async fn list(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
) -> Result<HttpResponse, PageError> {
    match user.role() {
        AccountRole::Professional => {}
        AccountRole::Sme | AccountRole::Coordinator => return Err(PageError::Forbidden),
    }
    let frame = Frame::new(&request, Some(&user));
    let found =
        services::candidates::recommendations(&state.db, &state.ranking, &user.caller, Some(SHOWN))
            .await;
    let (has_profile, ranked) = match found {
        Ok(ranked) => (true, ranked),
        Err(services::Error::NotFound) => (false, Vec::new()),
        Err(error) => return Err(error.into()),
    };
    let names = region_names(&regions::all(&state.db).await?);
    let mut items = Vec::with_capacity(ranked.len());
    for recommendation in &ranked {
        let posted = Posted {
            need: recommendation.need.clone(),
            organization: recommendation.organization.clone(),
        };
        items.push(Recommended {
            card: card(&frame, &posted, &names)?,
            score: frame.msg_with(
                "recommend.score",
                &[(
                    "score",
                    &format!("{:.0}", recommendation.ranked.reciprocal_score),
                )],
            ),
            reasons: reasons(&frame, recommendation),
        });
    }
    page(
        &frame,
        StatusCode::OK,
        &RecommendationsPage {
            frame: &frame,
            has_profile,
            items,
        },
    )
}
