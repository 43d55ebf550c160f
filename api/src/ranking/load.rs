//! Reading profiles, with their engagement counts, as the matcher's `Profile`s.

use std::collections::HashMap;

use anyhow::Context;
use musubi_matcher as engine;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

use super::convert::engine_profile;
use crate::{
    domain::{
        matching::MatchStatus,
        sharing::{Consent, Findable},
    },
    entities::{matches, profile},
};

/// Profiles read per query when loading everything.
const PAGE: u64 = 2_000;

/// Every stored profile, a page at a time (keyset on the id, so memory stays one page
/// of rows beside the growing list of engine profiles).
pub(super) async fn all_profiles(
    db: &impl ConnectionTrait,
) -> anyhow::Result<Vec<engine::Profile>> {
    let engagements = contracted_counts_all(db).await?;
    let mut out = Vec::new();
    let mut after: Option<Uuid> = None;
    loop {
        let mut query = profile::Entity::find().order_by_asc(profile::Column::UserId);
        if let Some(after) = after {
            query = query.filter(profile::Column::UserId.gt(after));
        }
        let rows = query
            .limit(PAGE)
            .all(db)
            .await
            .context("loading profiles for the ranking index")?;
        let Some(last) = rows.last() else { break };
        after = Some(last.user_id);
        let full = rows.len() as u64 == PAGE;
        for row in &rows {
            match engine_profile(row, engagements.get(&row.user_id).copied().unwrap_or(0)) {
                Ok(profile) => out.push(profile),
                // One bad row must not keep the whole service from starting.
                Err(error) => tracing::error!(
                    profile_id = %row.user_id,
                    error = format!("{error:#}"),
                    "a stored profile cannot be ranked; left out of the index"
                ),
            }
        }
        if !full {
            break;
        }
    }
    Ok(out)
}

/// Which regions may find a profile: its consent, its home's and ties' prefectures.
pub(super) fn findable(profile: &engine::Profile, consent: Consent) -> Findable {
    Findable::new(
        consent,
        std::iter::once(profile.home.prefecture.as_str())
            .chain(profile.ties.iter().map(|tie| tie.place.prefecture.as_str())),
    )
}

/// These professionals' stored profiles, with their sharing consents, by id; erased
/// ones are absent.
pub(super) async fn profiles(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> anyhow::Result<HashMap<Uuid, (engine::Profile, Consent)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = profile::Entity::find()
        .filter(profile::Column::UserId.is_in(ids.iter().copied()))
        .all(db)
        .await
        .context("reloading profiles for the ranking index")?;
    let engagements = contracted_counts(db, ids).await?;
    let mut consents = crate::repo::sharing::consents(db, Some(ids)).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let engaged = engagements.get(&row.user_id).copied().unwrap_or(0);
        match engine_profile(&row, engaged) {
            Ok(profile) => {
                let consent = consents.remove(&row.user_id).unwrap_or_default();
                out.insert(row.user_id, (profile, consent));
            }
            Err(error) => tracing::error!(
                profile_id = %row.user_id,
                error = format!("{error:#}"),
                "a stored profile cannot be ranked; left out of the index"
            ),
        }
    }
    Ok(out)
}

/// How many active engagements each of these professionals has: `contracted` matches
/// whose engagement is not completed.
pub async fn contracted_counts(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> anyhow::Result<HashMap<Uuid, u8>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    counts(
        db,
        matches::Entity::find().filter(matches::Column::ProfessionalId.is_in(ids.iter().copied())),
    )
    .await
}

async fn contracted_counts_all(db: &impl ConnectionTrait) -> anyhow::Result<HashMap<Uuid, u8>> {
    counts(db, matches::Entity::find()).await
}

async fn counts(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<matches::Entity>,
) -> anyhow::Result<HashMap<Uuid, u8>> {
    let rows: Vec<(Uuid, i64)> = query
        .select_only()
        .column(matches::Column::ProfessionalId)
        .expr_as(Func::count(Expr::col(matches::Column::Id)), "engagements")
        // The match status that counts as an engagement (API.md's state machine),
        // until its engagement is completed.
        .filter(matches::Column::Status.eq(MatchStatus::Contracted.as_str()))
        .filter(
            matches::Column::Id.not_in_subquery(crate::repo::engagements::completed_match_ids()),
        )
        .group_by(matches::Column::ProfessionalId)
        .into_tuple()
        .all(db)
        .await
        .context("counting contracted engagements")?;
    Ok(rows
        .into_iter()
        .map(|(id, count)| (id, u8::try_from(count).unwrap_or(u8::MAX)))
        .collect())
}
