//! Everyone and everything a match concerns, loaded once per operation (and once per
//! page for a list).

use anyhow::Context;
use sea_orm::ConnectionTrait;

use crate::{
    access::MatchFacts,
    entities::{matches, need, organization, profile, region, user},
    repo::{self, matches::Surroundings},
};

/// The people and records around one match.
#[derive(Debug, Clone)]
pub struct Parties {
    /// The need.
    pub need: need::Model,
    /// The organization that posted it.
    pub organization: organization::Model,
    /// The SME account that speaks for it.
    pub owner: user::Model,
    /// The professional's account.
    pub professional: user::Model,
    /// Their profile (gone after erasure).
    pub profile: Option<profile::Model>,
    /// The region.
    pub region: region::Model,
    /// The coordinator who made the match.
    pub coordinator: Option<user::Model>,
}

impl Parties {
    /// Loads the parties of an existing match.
    pub async fn of_match(
        db: &impl ConnectionTrait,
        found: &matches::Model,
    ) -> anyhow::Result<Self> {
        let around = repo::matches::surroundings(db, std::slice::from_ref(found)).await?;
        Self::pick(&around, found)
    }

    /// The parties of each of these matches, in their order, with one query per table.
    pub async fn of_matches(
        db: &impl ConnectionTrait,
        rows: &[matches::Model],
    ) -> anyhow::Result<Vec<Self>> {
        let around = repo::matches::surroundings(db, rows).await?;
        rows.iter()
            .map(|found| Self::pick(&around, found))
            .collect()
    }

    fn pick(around: &Surroundings, found: &matches::Model) -> anyhow::Result<Self> {
        let missing = |what: &str| format!("match {} has no {what}", found.id);
        let need = around
            .needs
            .get(&found.need_id)
            .with_context(|| missing("need"))?;
        let organization = around
            .organizations
            .get(&need.organization_id)
            .with_context(|| missing("organization"))?;
        let person = |id| around.users.get(&id).cloned();
        Ok(Self {
            need: need.clone(),
            organization: organization.clone(),
            owner: person(organization.owner_id).with_context(|| missing("owner"))?,
            professional: person(found.professional_id).with_context(|| missing("professional"))?,
            profile: around.profiles.get(&found.professional_id).cloned(),
            region: around
                .regions
                .get(&need.region_id)
                .cloned()
                .with_context(|| missing("region"))?,
            coordinator: person(found.created_by),
        })
    }

    /// What the access policy needs to know about the match.
    pub fn facts(&self, found: &matches::Model) -> MatchFacts {
        MatchFacts {
            professional_id: found.professional_id,
            owner_id: self.owner.id,
            region_id: found.region_id,
        }
    }

    /// The professional's headline, if they still have a profile.
    pub fn headline(&self) -> &str {
        self.profile
            .as_ref()
            .map_or("", |profile| profile.headline.as_str())
    }

    /// Whether the professional erased their data.
    pub fn professional_erased(&self) -> bool {
        self.professional.erased_at.is_some()
    }
}
