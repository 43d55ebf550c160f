//! Everyone and everything a match concerns, loaded once per operation.

use uuid::Uuid;

use crate::{
    entities::{matches, need, organization, profile, region, user},
    error::{ApiError, ApiResult},
    repo,
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
    /// Loads the parties of a need and professional.
    pub async fn load(
        db: &impl sea_orm::ConnectionTrait,
        need_id: Uuid,
        professional_id: Uuid,
        coordinator_id: Option<Uuid>,
    ) -> ApiResult<Self> {
        let need = repo::needs::by_id(db, need_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let organization = repo::needs::organization(db, need.organization_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let owner = repo::users::by_id(db, organization.owner_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let professional = repo::users::by_id(db, professional_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let profile = repo::profiles::by_user(db, professional_id).await?;
        let region = repo::regions::by_id(db, need.region_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let coordinator = match coordinator_id {
            Some(id) => repo::users::by_id(db, id).await?,
            None => None,
        };
        Ok(Self {
            need,
            organization,
            owner,
            professional,
            profile,
            region,
            coordinator,
        })
    }

    /// Loads the parties of an existing match.
    pub async fn of_match(
        db: &impl sea_orm::ConnectionTrait,
        found: &matches::Model,
    ) -> ApiResult<Self> {
        Self::load(
            db,
            found.need_id,
            found.professional_id,
            Some(found.created_by),
        )
        .await
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
