//! The need side of rankings: a need's applicants, and the open needs a professional
//! is recommended from.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use musubi_matcher::{self as engine, RankedNeed};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{Ranking, convert};
use crate::{
    domain::enums::{ApplicationStatus, NeedStatus},
    entities::{application, need, organization, region},
    repo,
};

/// Most open needs a recommendation considers (the newest).
const OPEN_NEEDS: u64 = 5_000;

/// A submitted application, as a ranking uses it.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// The application.
    pub id: Uuid,
    /// Who applied.
    pub professional_id: Uuid,
    /// Their proposal (scored in `motivation_fit`).
    pub message: String,
}

/// The submitted applications to a need, in one query.
pub async fn applicants(
    db: &impl ConnectionTrait,
    need_id: Uuid,
) -> anyhow::Result<Vec<Applicant>> {
    let rows: Vec<(Uuid, Uuid, String)> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .column(application::Column::ProfessionalId)
        .column(application::Column::Message)
        .filter(application::Column::NeedId.eq(need_id))
        .filter(application::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .into_tuple()
        .all(db)
        .await
        .context("reading a need's applicants")?;
    Ok(rows
        .into_iter()
        .map(|(id, professional_id, message)| Applicant {
            id,
            professional_id,
            message,
        })
        .collect())
}

/// The submitted applications to a region's open needs, by need, in one query.
pub async fn applicants_in_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<HashMap<Uuid, Vec<Applicant>>> {
    let rows: Vec<(Uuid, Uuid, Uuid, String)> = application::Entity::find()
        .select_only()
        .column(application::Column::NeedId)
        .column(application::Column::Id)
        .column(application::Column::ProfessionalId)
        .column(application::Column::Message)
        .filter(application::Column::NeedId.in_subquery(repo::needs::open_ids_in_region(region_id)))
        .filter(application::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .into_tuple()
        .all(db)
        .await
        .context("reading a region's applicants")?;
    let mut out: HashMap<Uuid, Vec<Applicant>> = HashMap::new();
    for (need_id, id, professional_id, message) in rows {
        out.entry(need_id).or_default().push(Applicant {
            id,
            professional_id,
            message,
        });
    }
    Ok(out)
}

/// Open needs with their organizations and regions.
#[derive(Debug, Default)]
pub struct OpenNeeds {
    needs: Vec<need::Model>,
    organizations: HashMap<Uuid, organization::Model>,
    regions: HashMap<Uuid, region::Model>,
}

impl OpenNeeds {
    /// The needs `keep` keeps, with what scoring them takes.
    pub fn filtered(&self, keep: impl Fn(&need::Model) -> bool) -> Self {
        Self {
            needs: self
                .needs
                .iter()
                .filter(|need| keep(need))
                .cloned()
                .collect(),
            organizations: self.organizations.clone(),
            regions: self.regions.clone(),
        }
    }
}

/// The newest open needs (up to 5,000), with what scoring them takes: three queries.
pub async fn open_needs(db: &impl ConnectionTrait) -> anyhow::Result<OpenNeeds> {
    let needs = need::Entity::find()
        .filter(need::Column::Status.eq(NeedStatus::Open.as_str()))
        .order_by_desc(need::Column::Id)
        .limit(OPEN_NEEDS)
        .all(db)
        .await
        .context("reading open needs")?;
    let organizations = repo::needs::organizations_of(db, &needs).await?;
    let regions = repo::regions::all(db)
        .await?
        .into_iter()
        .map(|region| (region.id, region))
        .collect();
    Ok(OpenNeeds {
        needs,
        organizations,
        regions,
    })
}

/// The `k` open needs best for a professional by reciprocal score, each scored with
/// its own region's weights (ties: the smaller need id first, as the matcher orders).
pub fn recommend<'a>(
    ranking: &Ranking,
    profile: &engine::Profile,
    open: &'a OpenNeeds,
    today: NaiveDate,
    k: usize,
) -> Vec<(&'a need::Model, &'a organization::Model, RankedNeed)> {
    // The matcher ranks needs under one set of weights: rank each region's needs with
    // its own, then merge.
    let mut by_region: HashMap<Uuid, (engine::Weights, Vec<engine::Need>)> = HashMap::new();
    let mut rows: HashMap<engine::Id, (&need::Model, &organization::Model)> = HashMap::new();
    for need in &open.needs {
        let (Some(organization), Some(region)) = (
            open.organizations.get(&need.organization_id),
            open.regions.get(&need.region_id),
        ) else {
            continue;
        };
        let scored = match convert::scored_need(need, organization, region) {
            Ok(scored) => scored,
            Err(error) => {
                tracing::error!(need_id = %need.id, ?error, "a stored need cannot be scored");
                continue;
            }
        };
        rows.insert(scored.need.id, (need, organization));
        by_region
            .entry(region.id)
            .or_insert_with(|| (scored.weights, Vec::new()))
            .1
            .push(scored.need);
    }
    let mut ranked: Vec<RankedNeed> = ranking.with_corpus(|corpus| {
        by_region
            .values()
            .flat_map(|(weights, needs)| {
                let ctx = engine::Context::new(today)
                    .with_weights(*weights)
                    .with_corpus(corpus);
                engine::rank_needs(profile, needs, &ctx, k)
            })
            .collect()
    });
    ranked.sort_by(|a, b| {
        b.reciprocal_score
            .total_cmp(&a.reciprocal_score)
            .then(a.need_id.cmp(&b.need_id))
    });
    ranked.truncate(k);
    ranked
        .into_iter()
        .filter_map(|ranked| {
            let (need, organization) = rows.get(&ranked.need_id)?;
            Some((*need, *organization, ranked))
        })
        .collect()
}
