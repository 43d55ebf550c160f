//! Profiles, and erasure of a professional's personal data.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{from_json, now, to_json};
use crate::{
    domain::{
        enums::{ApplicationStatus, Style, WorkStyle},
        profile::{Place, ProfileInput, ProfileSpec},
    },
    entities::{application, need, profile, profile_change, user},
};

/// The profile of a professional.
pub async fn by_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> anyhow::Result<Option<profile::Model>> {
    profile::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("looking up a profile")
}

/// Creates or replaces a professional's profile; says whether it was created.
pub async fn upsert(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    spec: &ProfileSpec,
) -> anyhow::Result<(profile::Model, bool)> {
    let input = spec.input();
    let existing = by_user(db, user_id).await?;
    let created = existing.is_none();
    let mut model = match existing {
        Some(existing) => existing.into(),
        None => profile::ActiveModel {
            user_id: Set(user_id),
            created_at: Set(now()),
            ..Default::default()
        },
    };
    model.headline = Set(input.headline.clone());
    model.bio = Set(input.bio.clone());
    model.motivation = Set(input.motivation.clone());
    model.skills = Set(to_json(&input.skills)?);
    model.roles = Set(to_json(&input.roles)?);
    model.industries = Set(to_json(&input.industries)?);
    model.themes = Set(to_json(&input.themes)?);
    model.style = Set(input.style.as_str().to_owned());
    model.hours_per_month = Set(i32::from(input.hours_per_month));
    model.available_from = Set(input.available_from);
    model.max_engagements = Set(i32::from(input.max_engagements));
    model.work_style = Set(input.work_style.as_str().to_owned());
    model.max_onsite_visits_per_month = Set(i32::from(input.max_onsite_visits_per_month));
    model.home_prefecture = Set(input.home.prefecture.clone());
    model.home_city = Set(input.home.city.clone());
    model.ties = Set(to_json(&input.ties)?);
    model.meeting_slots = Set(to_json(&input.meeting_slots)?);
    model.min_compensation_jpy = Set(i64::from(input.min_compensation_jpy));
    model.pro_bono_ok = Set(input.pro_bono_ok);
    model.active = Set(input.active);
    model.updated_at = Set(now());
    let saved = if created {
        model.insert(db).await
    } else {
        model.update(db).await
    };
    Ok((saved.context("saving a profile")?, created))
}

/// Appends a professional to the profile change feed. Call it in the transaction of
/// every write that changes what rankings know about them (their profile, its erasure,
/// a match becoming `contracted`): every server process reloads them from the feed
/// within a second (see `crate::ranking`).
pub async fn record_change(db: &impl ConnectionTrait, profile_id: Uuid) -> anyhow::Result<()> {
    profile_change::Entity::insert(profile_change::ActiveModel {
        profile_id: Set(profile_id),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec(db)
    .await
    .context("recording a profile change")?;
    Ok(())
}

/// The stored profile as the API's input type.
pub fn to_input(profile: &profile::Model) -> anyhow::Result<ProfileInput> {
    let id = profile.user_id;
    Ok(ProfileInput {
        headline: profile.headline.clone(),
        bio: profile.bio.clone(),
        motivation: profile.motivation.clone(),
        skills: from_json(&profile.skills, "profiles.skills")?,
        roles: from_json(&profile.roles, "profiles.roles")?,
        industries: from_json(&profile.industries, "profiles.industries")?,
        themes: from_json(&profile.themes, "profiles.themes")?,
        style: Style::parse(&profile.style)
            .with_context(|| format!("profile {id} has style {:?}", profile.style))?,
        hours_per_month: u16::try_from(profile.hours_per_month).unwrap_or_default(),
        available_from: profile.available_from,
        max_engagements: u8::try_from(profile.max_engagements).unwrap_or(1),
        work_style: WorkStyle::parse(&profile.work_style)
            .with_context(|| format!("profile {id} has work_style {:?}", profile.work_style))?,
        max_onsite_visits_per_month: u8::try_from(profile.max_onsite_visits_per_month)
            .unwrap_or_default(),
        home: Place {
            prefecture: profile.home_prefecture.clone(),
            city: profile.home_city.clone(),
        },
        ties: from_json(&profile.ties, "profiles.ties")?,
        meeting_slots: from_json(&profile.meeting_slots, "profiles.meeting_slots")?,
        min_compensation_jpy: u32::try_from(profile.min_compensation_jpy).unwrap_or_default(),
        pro_bono_ok: profile.pro_bono_ok,
        active: profile.active,
    })
}

/// Erases a professional's personal data (APPI): the profile row goes, the account keeps
/// only its id (so history stays consistent) with name and email replaced, and their
/// open applications are withdrawn with the proposal text removed.
pub async fn erase(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<()> {
    profile::Entity::delete_by_id(user_id)
        .exec(db)
        .await
        .context("deleting a profile")?;
    application::Entity::update_many()
        .col_expr(application::Column::Message, Expr::value(""))
        .col_expr(
            application::Column::Status,
            Expr::value(ApplicationStatus::Withdrawn.as_str()),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now()))
        .filter(application::Column::ProfessionalId.eq(user_id))
        .exec(db)
        .await
        .context("anonymising applications")?;
    let user = user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("looking up a user")?;
    if let Some(user) = user {
        let mut model: user::ActiveModel = user.into();
        model.email = Set(format!("erased-{user_id}@erased.invalid"));
        model.display_name = Set("退会済み (erased)".to_owned());
        model.password_hash = Set("!".to_owned());
        model.erased_at = Set(Some(now()));
        model.update(db).await.context("anonymising a user")?;
    }
    Ok(())
}

/// Every application of a professional with the title of its need (empty when the need
/// is gone), oldest first, in two queries: for the export.
pub async fn applications_with_titles(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<Vec<(application::Model, String)>> {
    let applications = application::Entity::find()
        .filter(application::Column::ProfessionalId.eq(professional_id))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await
        .context("listing a professional's applications")?;
    let titles = need_titles(db, applications.iter().map(|row| row.need_id)).await?;
    Ok(applications
        .into_iter()
        .map(|row| {
            let title = titles.get(&row.need_id).cloned().unwrap_or_default();
            (row, title)
        })
        .collect())
}

/// The titles of these needs, by id (a need that is gone is absent), in one query.
pub async fn need_titles(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> anyhow::Result<HashMap<Uuid, String>> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .column(need::Column::Title)
        .filter(need::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await
        .context("looking up the titles of needs")?
        .into_iter()
        .collect())
}
