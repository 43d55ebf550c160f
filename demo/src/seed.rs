//! Writing the demo's base data — regions, accounts, organizations, needs and profiles —
//! through the same repo functions and validation the HTTP routes use, in one
//! transaction: a run that fails half-way leaves nothing behind, so the next run starts
//! clean instead of finding half a demo.

use anyhow::Context;
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::{
    DOMAIN,
    needs::NEEDS,
    organizations::{Account, ORGANIZATIONS, REGIONS},
    people::professionals,
};
use musubi_api::{
    auth::AccountRole,
    domain::error::FieldErrors,
    entities::{organization, region},
    repo,
};

/// The login email of a demo account.
pub fn email_of(account: &Account) -> String {
    format!("{}@{DOMAIN}", account.login)
}

/// A validation failure in the demo's own data is a bug in it: say which item.
pub fn invalid(what: &str, errors: FieldErrors) -> anyhow::Error {
    anyhow::anyhow!("demo {what} is invalid: {errors:?}")
}

/// Writes everything in one transaction. `password_hash` is the one PHC string every
/// demo account shares (see [`super::PASSWORD`]).
pub async fn base_data(db: &DatabaseConnection, password_hash: &str) -> anyhow::Result<()> {
    let txn = db.begin().await.context("starting the demo transaction")?;

    // Regions: an operator may already have created one by name; use it.
    let existing = repo::regions::all(&txn).await?;
    let mut regions: Vec<region::Model> = Vec::new();
    for spec in REGIONS {
        let region = match existing.iter().find(|r| r.name == spec.name) {
            Some(region) => region.clone(),
            None => repo::regions::insert(&txn, spec.name, spec.prefecture, spec.city)
                .await
                .with_context(|| format!("creating the region {}", spec.name))?,
        };
        insert_user(
            &txn,
            &spec.coordinator,
            password_hash,
            AccountRole::Coordinator,
            Some(region.id),
        )
        .await?;
        regions.push(region);
    }

    let mut organizations: Vec<(&str, organization::Model)> = Vec::new();
    for spec in ORGANIZATIONS {
        let region = regions
            .iter()
            .find(|r| r.name == spec.region)
            .with_context(|| format!("demo organization {} has no region", spec.key))?;
        let owner = insert_user(&txn, &spec.owner, password_hash, AccountRole::Sme, None).await?;
        let organization = repo::users::insert_organization(
            &txn,
            repo::users::NewOrganization {
                owner_id: owner,
                region_id: region.id,
                name: spec.name,
                kind: spec.kind,
                industry: spec.industry,
                city: spec.city,
                employees: Some(spec.employees),
                description: Some(spec.description),
            },
        )
        .await?;
        organizations.push((spec.key, organization));
    }

    for spec in NEEDS {
        let (_, organization) = organizations
            .iter()
            .find(|(key, _)| *key == spec.organization)
            .with_context(|| format!("demo need {} has no organization", spec.key))?;
        let input = spec
            .input()
            .parse()
            .map_err(|errors| invalid(&format!("need {}", spec.key), errors))?;
        repo::needs::insert(&txn, organization, &input).await?;
    }

    for professional in professionals() {
        let profile = professional
            .profile
            .parse()
            .map_err(|errors| invalid(&format!("profile of {}", professional.email), errors))?;
        let user = repo::users::insert(
            &txn,
            repo::users::NewUser {
                email: &professional.email,
                password_hash: password_hash.to_owned(),
                display_name: &professional.display_name,
                role: AccountRole::Professional,
                region_id: None,
            },
        )
        .await
        .with_context(|| format!("creating {}", professional.email))?;
        repo::profiles::upsert(&txn, user.id, &profile).await?;
        // Every running server's ranking index follows this feed (see musubi_api::ranking),
        // so a server started before the demo ranks these profiles within a second.
        repo::profiles::record_change(&txn, user.id).await?;
    }

    txn.commit().await.context("committing the demo data")
}

async fn insert_user(
    db: &impl sea_orm::ConnectionTrait,
    account: &Account,
    password_hash: &str,
    role: AccountRole,
    region_id: Option<uuid::Uuid>,
) -> anyhow::Result<uuid::Uuid> {
    let email = email_of(account);
    let user = repo::users::insert(
        db,
        repo::users::NewUser {
            email: &email,
            password_hash: password_hash.to_owned(),
            display_name: account.display_name,
            role,
            region_id,
        },
    )
    .await
    .with_context(|| format!("creating the demo account {email}"))?;
    Ok(user.id)
}
