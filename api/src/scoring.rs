//! The score snapshots stored on applications and matches, so a coordinator can later
//! see why a pair ranked where it did, and the pseudonymous line an SME sees. Rows
//! become the matcher's types in [`ranking::convert`].

use anyhow::Context;
use chrono::{NaiveDate, TimeDelta, Utc};
use musubi_matcher as engine;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{
    entities::{need, organization, profile},
    ranking::{
        self, Ranking,
        convert::{self, ScoredNeed},
        view,
    },
    repo,
};

/// Today in Asia/Tokyo (UTC+9 all year: Japan keeps no daylight saving time), the day
/// every score is computed for.
pub fn today() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(9)).date_naive()
}

/// The pseudonymous line an SME sees before an introduction, e.g.
/// `CMO / 東京都 / 長野県出身`: the matcher's [`display`](engine::display), the one
/// implementation (structured fields only — never a name, employer or free text).
pub fn display(profile: &profile::Model) -> anyhow::Result<String> {
    Ok(engine::display(&convert::engine_profile(profile, 0)?))
}

/// Reads what scoring a need takes besides the need itself: its organization (when
/// the caller has not got it already) and its region.
pub async fn scored_need(
    db: &impl ConnectionTrait,
    need: &need::Model,
    organization: Option<&organization::Model>,
) -> anyhow::Result<ScoredNeed> {
    let fetched;
    let organization = match organization {
        Some(organization) => organization,
        None => {
            fetched = repo::needs::organization(db, need.organization_id)
                .await?
                .with_context(|| format!("need {} has no organization", need.id))?;
            &fetched
        }
    };
    let region = repo::regions::by_id(db, need.region_id)
        .await?
        .with_context(|| format!("need {} has no region", need.id))?;
    convert::scored_need(need, organization, &region)
}

/// The score of a pair now, as stored JSON ([`view::Snapshot`]: total, preference,
/// reciprocal, every factor with its reasons, exclusions, the day). Scored with the
/// index's text statistics, so it equals what the candidate list shows that day.
pub async fn snapshot(
    db: &impl ConnectionTrait,
    ranking: &Ranking,
    need: &need::Model,
    profile: &profile::Model,
    proposal: Option<&str>,
) -> anyhow::Result<Option<serde_json::Value>> {
    let scored = scored_need(db, need, None).await?;
    let engagements = ranking::contracted_counts(db, &[profile.user_id]).await?;
    let profile = convert::engine_profile(
        profile,
        engagements.get(&profile.user_id).copied().unwrap_or(0),
    )?;
    let snapshot = snapshot_of(ranking, &scored, &profile, proposal);
    Ok(Some(
        serde_json::to_value(snapshot).context("serialising a score snapshot")?,
    ))
}

/// The snapshot of a need and a professional for a match: with the proposal of their
/// application when there is one. `None` when the professional has no profile (erased).
pub async fn match_snapshot(
    db: &impl ConnectionTrait,
    ranking: &Ranking,
    need: &need::Model,
    professional_id: Uuid,
    proposal: Option<&str>,
) -> anyhow::Result<Option<serde_json::Value>> {
    match repo::profiles::by_user(db, professional_id).await? {
        Some(profile) => snapshot(db, ranking, need, &profile, proposal).await,
        None => Ok(None),
    }
}

/// Scores one pair as the index would rank it.
pub fn snapshot_of(
    ranking: &Ranking,
    scored: &ScoredNeed,
    profile: &engine::Profile,
    proposal: Option<&str>,
) -> view::Snapshot {
    score_pair(ranking, scored, profile, proposal)
}

fn score_pair(
    ranking: &ranking::Ranking,
    scored: &ScoredNeed,
    profile: &engine::Profile,
    proposal: Option<&str>,
) -> view::Snapshot {
    let today = today();
    let (explanation, preference) = ranking.with_corpus(|corpus| {
        let mut ctx = engine::Context::new(today)
            .with_weights(scored.weights)
            .with_corpus(corpus);
        if let Some(proposal) = proposal {
            ctx = ctx.with_proposal(proposal);
        }
        (
            engine::score(&scored.need, profile, &ctx),
            engine::preference(profile, &scored.need, &ctx),
        )
    });
    view::Snapshot {
        score: view::total(explanation.total),
        preference: view::total(preference.total),
        reciprocal_score: view::total(engine::reciprocal_score(
            explanation.total,
            preference.total,
        )),
        factors: view::factors(Some(&explanation)),
        excluded: explanation.is_excluded(),
        exclusions: view::exclusions(&explanation.exclusions),
        scored_on: today,
    }
}
