//! `musubi demo`: a realistic sample so a newcomer sees ranked candidates within a
//! minute of cloning.
//!
//! [`load`] writes three regions of the alliance (塩尻市, 上田市, 南砺市) with their
//! coordinators; nine SMEs and the city of 塩尻 posting twelve needs of the kinds
//! regional firms really post (the city's CMO and CHRO, a 漆器 maker's EC launch, inventory off paper,
//! cost accounting, succession, inbound tourism, a farm's direct sales, municipal DX…);
//! and 300 professionals, six written by hand and the rest
//! generated with a seeded generator (the same people on every run). Then, through the
//! service's own code, a handful apply with proposals, the 塩尻 coordinator introduces
//! two pairs and scouts one professional (their emails go to the outbox), and the CMO
//! post's candidates are ranked as the candidates endpoint ranks them.
//!
//! Loading is idempotent: when the 塩尻 coordinator's demo account exists the base data
//! is not written again, and each later step checks whether it was done.
//! [`deliver`] then runs the outbox worker until no mail is due, and [`report`] renders
//! what to print.
//!
//! Every demo account has the password [`PASSWORD`], hashed once and shared: fine for
//! sample data on a developer's machine, never for real accounts.

mod archetypes;
mod deliver;
mod featured;
mod names;
mod needs;
mod organizations;
mod people;
mod report;
mod rng;
mod seed;
mod story;

use std::{collections::HashMap, sync::Arc};

use anyhow::Context;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

pub use deliver::{Delivery, deliver};
pub use report::report;
pub use story::CandidateLine;

use musubi_api::{
    auth::password,
    config::{Secret, Settings},
    entities::{application, need, profile},
    ranking::Ranking,
    repo,
};

/// The password of every demo account.
pub const PASSWORD: &str = "musubi-demo-2026";

/// The domain of every demo email address: `.example` is reserved (RFC 2606), so no
/// demo email can reach a real mailbox even through a real SMTP server.
pub const DOMAIN: &str = "musubi-demo.example";

/// A login to print.
#[derive(Debug, Clone)]
pub struct Login {
    /// What the account is, in Japanese and English.
    pub role: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// What the demo holds, for the command line to print and tests to check.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Whether the base data was there already (a second run).
    pub already_loaded: bool,
    /// The shared password.
    pub password: &'static str,
    /// The regions: `(id, name, prefecture)`.
    pub regions: Vec<(Uuid, String, String)>,
    /// The logins worth trying first.
    pub logins: Vec<Login>,
    /// Open and closed needs in the demo regions.
    pub needs: u64,
    /// Profiles stored (the demo's and any others).
    pub professionals: u64,
    /// Applications to needs in the demo regions.
    pub applications: u64,
    /// The city's CMO post.
    pub cmo_need_id: Uuid,
    /// Its title.
    pub cmo_need_title: String,
    /// The two introductions (status `introduced`).
    pub introductions: Vec<Uuid>,
    /// The scout proposal (status `proposed`).
    pub scout: Uuid,
    /// How many matches this run made (0 on a second run).
    pub matches_created: usize,
    /// The CMO post's top five of everyone (scope=all).
    pub top_candidates: Vec<CandidateLine>,
}

/// What the demo's story acts with: the database, the settings and a ranking index of
/// its own (the demo runs as a command, beside or without a server).
pub struct Stage {
    /// The database the demo is loaded into.
    pub db: DatabaseConnection,
    /// The settings (the public URL of the links in its emails).
    pub settings: Arc<Settings>,
    /// The ranking index, with every demo profile in it.
    pub ranking: Arc<Ranking>,
}

/// Loads the demo into the database `settings` name (already migrated), or finds it
/// there, and ranks the CMO post's candidates. Safe to run again, and beside a running
/// server: that server's ranking index picks the profiles up from the change feed.
pub async fn load(db: &DatabaseConnection, settings: Arc<Settings>) -> anyhow::Result<DemoSummary> {
    let marker = seed::email_of(&organizations::REGIONS[0].coordinator);
    let already_loaded = repo::users::by_email(db, &marker).await?.is_some();
    if !already_loaded {
        // One argon2id hash for every account: hashing 300 passwords would take most
        // of a minute, and these accounts only ever hold sample data.
        let password_hash = password::hash(Secret::new(PASSWORD)).await?;
        seed::base_data(db, &password_hash).await?;
    }

    // The story and the scoring take a ranking index, built now with every demo
    // profile in it.
    let (ranking, _) = Ranking::load(db).await?;
    let state = Stage {
        db: db.clone(),
        settings,
        ranking: Arc::new(ranking),
    };

    let needs = demo_needs(db).await?;
    let need_of = |key: &str| {
        needs
            .get(key)
            .cloned()
            .with_context(|| format!("the demo need {key} is missing"))
    };
    story::apply(&state, need_of).await?;

    let mut matches_created = 0;
    let mut introductions = Vec::new();
    for &(need_key, professional, note) in INTRODUCTIONS {
        let need = need_of(need_key)?;
        let professional = professional_id(db, professional).await?;
        let (id, created) = story::introduce(&state, &need, professional, note).await?;
        introductions.push(id);
        matches_created += usize::from(created);
    }

    let chro = need_of(needs::CITY_CHRO)?;
    let scout = match story::scout_of(&state, chro.id).await? {
        Some(found) => found.id,
        None => {
            // Scout the best-ranked professional for the CHRO post.
            let best = story::top_candidates(&state, &chro, 1)
                .await?
                .into_iter()
                .next()
                .context("nobody ranks for the CHRO post")?;
            let (id, created) =
                story::introduce(&state, &chro, best.professional_id, SCOUT_NOTE).await?;
            matches_created += usize::from(created);
            id
        }
    };

    let cmo = need_of(needs::CITY_CMO)?;
    let top_candidates = story::top_candidates(&state, &cmo, 5).await?;
    let regions = demo_regions(db).await?;
    let region_ids: Vec<Uuid> = regions.iter().map(|(id, _, _)| *id).collect();
    let need_ids: Vec<Uuid> = needs.values().map(|need| need.id).collect();
    Ok(DemoSummary {
        already_loaded,
        password: PASSWORD,
        logins: logins(),
        needs: need::Entity::find()
            .filter(need::Column::RegionId.is_in(region_ids))
            .count(db)
            .await
            .context("counting the demo needs")?,
        professionals: profile::Entity::find()
            .count(db)
            .await
            .context("counting profiles")?,
        applications: application::Entity::find()
            .filter(application::Column::NeedId.is_in(need_ids))
            .count(db)
            .await
            .context("counting the demo applications")?,
        regions,
        cmo_need_id: cmo.id,
        cmo_need_title: cmo.title,
        introductions,
        scout,
        matches_created,
        top_candidates,
    })
}

/// The introductions the 塩尻 coordinator approves: need, professional (1-based), and
/// the note, which both sides receive.
const INTRODUCTIONS: &[(&str, usize, &str)] = &[
    (
        needs::CITY_CMO,
        1,
        "塩尻ご出身で、SNSとふるさと納税の発信に詳しい宮坂さんと、市の地域共創課をおつなぎします。まずはオンラインで30分ほど、市の発信の現状についてお話ししてみてください。",
    ),
    (
        needs::URUSHI_EC,
        2,
        "ECの立ち上げ経験が豊富な高橋さんと、漆工房あさひさんをおつなぎします。最初の面談は、工房見学を兼ねて平日夜か週末に設けるのがおすすめです。",
    ),
];

/// The scout's note: only the professional receives it.
const SCOUT_NOTE: &str = "これまでの組織づくりと人材育成のご経験を、市の人事戦略に活かしていただけないでしょうか。まずはオンラインで、気軽にお話を伺えれば幸いです。";

/// The demo needs by key, found by organization and title.
async fn demo_needs(db: &DatabaseConnection) -> anyhow::Result<HashMap<&'static str, need::Model>> {
    let mut found = HashMap::new();
    for spec in needs::NEEDS {
        let organization = organizations::ORGANIZATIONS
            .iter()
            .find(|org| org.key == spec.organization)
            .context("a demo need without an organization")?;
        let owner = repo::users::by_email(db, &seed::email_of(&organization.owner))
            .await?
            .with_context(|| format!("the demo account of {} is missing", organization.name))?;
        let organization = repo::users::organization_of(db, owner.id)
            .await?
            .with_context(|| format!("{} has no organization", owner.email))?;
        let need = need::Entity::find()
            .filter(need::Column::OrganizationId.eq(organization.id))
            .filter(need::Column::Title.eq(spec.title))
            .one(db)
            .await
            .context("looking up a demo need")?
            .with_context(|| format!("the demo need {:?} is missing", spec.title))?;
        found.insert(spec.key, need);
    }
    Ok(found)
}

async fn demo_regions(db: &DatabaseConnection) -> anyhow::Result<Vec<(Uuid, String, String)>> {
    let all = repo::regions::all(db).await?;
    Ok(organizations::REGIONS
        .iter()
        .filter_map(|spec| all.iter().find(|region| region.name == spec.name))
        .map(|region| (region.id, region.name.clone(), region.prefecture.clone()))
        .collect())
}

async fn professional_id(db: &DatabaseConnection, n: usize) -> anyhow::Result<Uuid> {
    let email = people::email(n);
    Ok(repo::users::by_email(db, &email)
        .await?
        .with_context(|| format!("no demo professional {email}"))?
        .id)
}

fn logins() -> Vec<Login> {
    let region = &organizations::REGIONS[0];
    let mut logins = vec![Login {
        role: format!("コーディネーター / coordinator ({})", region.name),
        name: region.coordinator.display_name.to_owned(),
        email: seed::email_of(&region.coordinator),
    }];
    for key in ["shiojiri_city", "urushi"] {
        if let Some(org) = organizations::ORGANIZATIONS
            .iter()
            .find(|org| org.key == key)
        {
            let kind = if org.kind == "municipality" {
                "自治体 / municipality"
            } else {
                "企業 / SME"
            };
            logins.push(Login {
                role: format!("{kind} ({})", org.name),
                name: org.owner.display_name.to_owned(),
                email: seed::email_of(&org.owner),
            });
        }
    }
    for (n, person) in featured::professionals().into_iter().take(2).enumerate() {
        logins.push(Login {
            role: "複業人材 / professional".to_owned(),
            name: person.display_name,
            email: people::email(n + 1),
        });
    }
    for region in &organizations::REGIONS[1..] {
        logins.push(Login {
            role: format!("コーディネーター / coordinator ({})", region.name),
            name: region.coordinator.display_name.to_owned(),
            email: seed::email_of(&region.coordinator),
        });
    }
    logins
}
