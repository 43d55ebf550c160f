//! What happens in the demo after the data is there, through the service's own code:
//! professionals apply with proposals (scored as `POST /needs/{id}/applications` scores
//! them), the coordinator introduces two pairs and scouts one professional through
//! [`services::matches::create`] (so the emails go to the outbox exactly as over HTTP),
//! and a need's candidates are ranked as `GET /needs/{id}/candidates?scope=all` ranks
//! them. Every step checks first whether it was done, so a second run adds nothing.

use anyhow::Context;
use musubi_matcher::{self as engine, Mode, RankRequest};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{featured::APPLICATIONS, people};
use musubi_api::{
    auth::{AccountRole, AuthUser},
    db,
    domain::matching::{CreateMatch, MatchOrigin},
    entities::{application, matches, need},
    ranking::{self, view::FactorView},
    repo, scoring, services,
};

/// A ranked candidate, as the candidates endpoint would list it.
#[derive(Debug, Clone)]
pub struct CandidateLine {
    /// The professional.
    pub professional_id: Uuid,
    /// The pseudonymous line an SME sees.
    pub display: String,
    /// 0–100.
    pub score: f64,
    /// Every factor with its weight and reasons.
    pub factors: Vec<FactorView>,
    /// Whether they applied to the need.
    pub applied: bool,
}

/// The top `k` of every listed professional for a need, ranked by the same index, the
/// same weights and the same request the candidates endpoint builds for `scope=all`.
pub async fn top_candidates(
    state: &super::Stage,
    need: &need::Model,
    k: usize,
) -> anyhow::Result<Vec<CandidateLine>> {
    let organization = repo::needs::organization(&state.db, need.organization_id)
        .await?
        .context("the demo need has no organization")?;
    let region = repo::regions::by_id(&state.db, need.region_id)
        .await?
        .context("the demo need has no region")?;
    let scored = ranking::convert::scored_need(need, &organization, &region)?;
    let applications = ranking::applicants(&state.db, need.id).await?;
    let proposals: Vec<(engine::Id, &str)> = applications
        .iter()
        .map(|a| (ranking::engine_id(a.professional_id), a.message.as_str()))
        .collect();
    let request = RankRequest {
        k,
        today: scoring::today(),
        weights: scored.weights,
        mode: Mode::Need,
        include_excluded: false,
        only: None,
        proposals: &proposals,
        explain: true,
        explain_preference: false,
    };
    // Whom the region may find (its own people and those who consented), dampened as
    // the region dampens: what the endpoint ranks.
    let applicants: Vec<engine::Id> = proposals.iter().map(|&(id, _)| id).collect();
    let weight = services::sharing::congestion_of(&region);
    let loads = if weight > 0.0 {
        repo::sharing::loads(&state.db, request.today).await?
    } else {
        Default::default()
    };
    let scouting = ranking::scout::Scouting {
        region: &services::sharing::place_of(&region),
        applicants: &applicants,
        weight,
        loads: &loads,
    };
    let ranked = state
        .ranking
        .scout(&scored.need, request, &scouting)
        .candidates;
    Ok(ranked
        .into_iter()
        .map(|candidate| {
            let professional_id = ranking::professional_id(candidate.profile_id);
            CandidateLine {
                professional_id,
                display: candidate.display,
                score: ranking::view::total(candidate.score),
                factors: ranking::view::factors(candidate.explanation.as_ref()),
                applied: applications
                    .iter()
                    .any(|a| a.professional_id == professional_id),
            }
        })
        .collect())
}

/// The applications of the demo: the hand-written proposals, and two generated
/// marketers who apply to the city's CMO post with a proposal built from their profile.
pub async fn apply(
    state: &super::Stage,
    need_of: impl Fn(&str) -> anyhow::Result<need::Model>,
) -> anyhow::Result<()> {
    let mut planned: Vec<(String, &str, String)> = APPLICATIONS
        .iter()
        .map(|a| (people::email(a.professional), a.need, a.message.to_owned()))
        .collect();
    let generated = people::professionals()
        .into_iter()
        .filter(|p| matches!(p.archetype, "marketer" | "pr") && p.profile.active)
        .take(2);
    for professional in generated {
        let first_sentence = professional
            .profile
            .motivation
            .split_inclusive('。')
            .next()
            .unwrap_or_default()
            .to_owned();
        let proposal = format!(
            "{}{first_sentence}まずはオンラインで市の発信の現状を伺い、最初の1か月で優先する施策を一緒に決めることから始めたいです。月{}時間ほど関われます。",
            professional.profile.bio, professional.profile.hours_per_month
        );
        planned.push((professional.email, super::needs::CITY_CMO, proposal));
    }

    for (email, need_key, message) in planned {
        let need = need_of(need_key)?;
        let user = repo::users::by_email(&state.db, &email)
            .await?
            .with_context(|| format!("no demo professional {email}"))?;
        let done = application::Entity::find()
            .filter(application::Column::NeedId.eq(need.id))
            .filter(application::Column::ProfessionalId.eq(user.id))
            .one(&state.db)
            .await
            .context("looking for a demo application")?;
        if done.is_some() {
            continue;
        }
        let profile = repo::profiles::by_user(&state.db, user.id)
            .await?
            .with_context(|| format!("{email} has no profile"))?;
        let score =
            scoring::snapshot(&state.db, &state.ranking, &need, &profile, Some(&message)).await?;
        let inserted =
            repo::applications::insert(&state.db, need.id, user.id, &message, score).await;
        // A unique violation means another run got there first: the state we want.
        if let Err(error) = inserted
            && !db::is_unique_violation(&error)
        {
            return Err(error).context("inserting a demo application");
        }
    }
    Ok(())
}

/// The coordinator of a need's region, as the services see a logged-in caller.
async fn coordinator_of(state: &super::Stage, need: &need::Model) -> anyhow::Result<AuthUser> {
    let region = repo::regions::by_id(&state.db, need.region_id)
        .await?
        .context("the demo need has no region")?;
    let spec = super::organizations::REGIONS
        .iter()
        .find(|spec| spec.name == region.name)
        .context("the demo need is outside the demo regions")?;
    let email = super::seed::email_of(&spec.coordinator);
    let user = repo::users::by_email(&state.db, &email)
        .await?
        .with_context(|| format!("no demo coordinator {email}"))?;
    Ok(AuthUser {
        id: user.id,
        role: AccountRole::Coordinator,
        region_id: user.region_id,
    })
}

/// The scout of a need (a match not made from an application), if there is one: once
/// the professional answers it is no longer `proposed`, but it is still the demo's scout.
pub async fn scout_of(
    state: &super::Stage,
    need_id: Uuid,
) -> anyhow::Result<Option<matches::Model>> {
    matches::Entity::find()
        .filter(matches::Column::NeedId.eq(need_id))
        .filter(matches::Column::Origin.eq(MatchOrigin::Scout.as_str()))
        .order_by_asc(matches::Column::CreatedAt)
        .one(&state.db)
        .await
        .context("looking for the demo's scout")
}

/// The match of a need and a professional, if there is one.
async fn existing_match(
    state: &super::Stage,
    need_id: Uuid,
    professional_id: Uuid,
) -> anyhow::Result<Option<matches::Model>> {
    matches::Entity::find()
        .filter(matches::Column::NeedId.eq(need_id))
        .filter(matches::Column::ProfessionalId.eq(professional_id))
        .one(&state.db)
        .await
        .context("looking for a demo match")
}

/// Introduces (or scouts) a professional through the real service, unless they were
/// already matched with the need. Returns the match id and whether it was made now.
pub async fn introduce(
    state: &super::Stage,
    need: &need::Model,
    professional_id: Uuid,
    note: &str,
) -> anyhow::Result<(Uuid, bool)> {
    if let Some(found) = existing_match(state, need.id, professional_id).await? {
        return Ok((found.id, false));
    }
    let coordinator = coordinator_of(state, need).await?;
    let request = CreateMatch {
        need_id: need.id,
        professional_id,
        note: note.to_owned(),
    };
    // Nothing to add to the transaction: the check above is what makes a second run a
    // no-op.
    let created = services::matches::create(
        &state.db,
        &state.ranking,
        services::matches::Mail::from(&*state.settings),
        &coordinator,
        request,
        (),
    )
    .await?;
    Ok((created.row.id, true))
}
