//! Needs and their skill rows.

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
    sea_query::{Expr, ExprTrait, Func},
};
use uuid::Uuid;

use super::{from_json, new_id, now, to_json};
use crate::{
    domain::{
        enums::{ApplicationStatus, NeedStatus, Role, Style, WorkStyle},
        need::{HoursRange, MoneyRange, NeedInput, NeedSpec},
    },
    entities::{application, need, need_skill, organization},
    repo::page::PageRequest,
};

/// Filters of `GET /needs`.
#[derive(Debug, Default, Clone)]
pub struct NeedFilter {
    /// Only this region.
    pub region_id: Option<Uuid>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only needs asking for this skill key.
    pub skill: Option<String>,
    /// Only this work style.
    pub work_style: Option<WorkStyle>,
    /// Words in the title, description or goal.
    pub q: Option<String>,
    /// Only this organization's needs (any status); otherwise open needs only.
    pub organization_id: Option<Uuid>,
}

fn apply(mut model: need::ActiveModel, input: &NeedInput) -> anyhow::Result<need::ActiveModel> {
    let budget = input
        .compensation_jpy
        .unwrap_or(MoneyRange { min: 0, max: 0 });
    model.title = Set(input.title.clone());
    model.description = Set(input.description.clone());
    model.goal = Set(input.goal.clone());
    model.role = Set(input.role.as_str().to_owned());
    model.style = Set(input.style.as_str().to_owned());
    model.skills = Set(to_json(&input.skills)?);
    model.themes = Set(to_json(&input.themes)?);
    model.hours_min = Set(i32::from(input.hours_per_month.min));
    model.hours_max = Set(i32::from(input.hours_per_month.max));
    model.duration_months = Set(i32::from(input.duration_months));
    model.work_style = Set(input.work_style.as_str().to_owned());
    model.onsite_visits_per_month = Set(i32::from(input.onsite_visits_per_month));
    model.meeting_slots = Set(to_json(&input.meeting_slots)?);
    model.compensation_min_jpy = Set(i64::from(budget.min));
    model.compensation_max_jpy = Set(i64::from(budget.max));
    model.pro_bono = Set(input.pro_bono);
    model.headcount = Set(i32::from(input.headcount));
    model.apply_by = Set(input.apply_by);
    model.updated_at = Set(now());
    Ok(model)
}

async fn replace_skills(
    db: &impl ConnectionTrait,
    need_id: Uuid,
    input: &NeedInput,
) -> anyhow::Result<()> {
    need_skill::Entity::delete_many()
        .filter(need_skill::Column::NeedId.eq(need_id))
        .exec(db)
        .await
        .context("clearing a need's skills")?;
    if !input.skills.is_empty() {
        let rows = input
            .skills
            .iter()
            .map(|requirement| need_skill::ActiveModel {
                need_id: Set(need_id),
                skill: Set(requirement.skill.clone()),
            });
        need_skill::Entity::insert_many(rows)
            .exec(db)
            .await
            .context("storing a need's skills")?;
    }
    Ok(())
}

/// Inserts a parsed need for an organization.
pub async fn insert(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
    input: &NeedSpec,
) -> anyhow::Result<need::Model> {
    let id = new_id();
    let model = need::ActiveModel {
        id: Set(id),
        organization_id: Set(organization.id),
        region_id: Set(organization.region_id),
        status: Set(NeedStatus::Open.as_str().to_owned()),
        created_at: Set(now()),
        ..Default::default()
    };
    let need = apply(model, input)?
        .insert(db)
        .await
        .context("inserting a need")?;
    replace_skills(db, id, input).await?;
    Ok(need)
}

/// Replaces a need's spec with a parsed one.
pub async fn update(
    db: &impl ConnectionTrait,
    need: need::Model,
    input: &NeedSpec,
) -> anyhow::Result<need::Model> {
    let id = need.id;
    let model: need::ActiveModel = need.into();
    let need = apply(model, input)?
        .update(db)
        .await
        .context("updating a need")?;
    replace_skills(db, id, input).await?;
    Ok(need)
}

/// Sets a need's status.
pub async fn set_status(
    db: &impl ConnectionTrait,
    need: need::Model,
    status: NeedStatus,
) -> anyhow::Result<need::Model> {
    let mut model: need::ActiveModel = need.into();
    model.status = Set(status.as_str().to_owned());
    model.updated_at = Set(now());
    model.update(db).await.context("setting a need's status")
}

/// A need by id.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> anyhow::Result<Option<need::Model>> {
    need::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up a need")
}

/// A need with its organization (two indexed reads); `None` when either is missing.
pub async fn with_organization(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> anyhow::Result<Option<(need::Model, organization::Model)>> {
    let Some(need) = by_id(db, id).await? else {
        return Ok(None);
    };
    Ok(organization(db, need.organization_id)
        .await?
        .map(|organization| (need, organization)))
}

/// The titles of some needs, by id, in one query.
pub async fn titles(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> anyhow::Result<std::collections::HashMap<Uuid, String>> {
    let ids: std::collections::BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .column(need::Column::Title)
        .filter(need::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
        .context("looking up need titles")?;
    Ok(rows.into_iter().collect())
}

/// Lists needs newest first, fetching one more than the page to know if there is a next.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &NeedFilter,
    page: PageRequest,
) -> anyhow::Result<Vec<need::Model>> {
    let mut query = need::Entity::find();
    query = match filter.organization_id {
        Some(organization_id) => query.filter(need::Column::OrganizationId.eq(organization_id)),
        None => query.filter(need::Column::Status.eq(NeedStatus::Open.as_str())),
    };
    if let Some(region_id) = filter.region_id {
        query = query.filter(need::Column::RegionId.eq(region_id));
    }
    if let Some(role) = filter.role {
        query = query.filter(need::Column::Role.eq(role.as_str()));
    }
    if let Some(work_style) = filter.work_style {
        query = query.filter(need::Column::WorkStyle.eq(work_style.as_str()));
    }
    if let Some(skill) = &filter.skill {
        let with_skill = need_skill::Entity::find()
            .select_only()
            .column(need_skill::Column::NeedId)
            .filter(need_skill::Column::Skill.eq(skill.as_str()))
            .into_query();
        query = query.filter(need::Column::Id.in_subquery(with_skill));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        let mut any = Condition::any();
        for column in [
            need::Column::Title,
            need::Column::Description,
            need::Column::Goal,
        ] {
            any = any.add(
                Expr::expr(Func::lower(Expr::col(column)))
                    .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\')),
            );
        }
        query = query.filter(any);
    }
    if let Some(before) = page.before {
        query = query.filter(need::Column::Id.lt(before));
    }
    query
        .order_by_desc(need::Column::Id)
        .limit(page.limit + 1)
        .all(db)
        .await
        .context("listing needs")
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn small<T: TryFrom<i64> + Default>(value: impl Into<i64>) -> T {
    T::try_from(value.into()).unwrap_or_default()
}

/// The stored spec as the API's input type (for views and for patching).
pub fn to_input(need: &need::Model) -> anyhow::Result<NeedInput> {
    let budget = MoneyRange {
        min: small(need.compensation_min_jpy),
        max: small(need.compensation_max_jpy),
    };
    Ok(NeedInput {
        title: need.title.clone(),
        description: need.description.clone(),
        goal: need.goal.clone(),
        role: Role::parse(&need.role)
            .with_context(|| format!("need {} has role {:?}", need.id, need.role))?,
        style: Style::parse(&need.style)
            .with_context(|| format!("need {} has style {:?}", need.id, need.style))?,
        skills: from_json(&need.skills, "needs.skills")?,
        themes: from_json(&need.themes, "needs.themes")?,
        hours_per_month: HoursRange {
            min: small(need.hours_min),
            max: small(need.hours_max),
        },
        duration_months: small(need.duration_months),
        work_style: WorkStyle::parse(&need.work_style)
            .with_context(|| format!("need {} has work_style {:?}", need.id, need.work_style))?,
        onsite_visits_per_month: small(need.onsite_visits_per_month),
        meeting_slots: from_json(&need.meeting_slots, "needs.meeting_slots")?,
        compensation_jpy: (!need.pro_bono || budget.max > 0).then_some(budget),
        pro_bono: need.pro_bono,
        headcount: small(need.headcount),
        apply_by: need.apply_by,
    })
}

/// An organization by id.
pub async fn organization(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> anyhow::Result<Option<organization::Model>> {
    organization::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up an organization")
}

/// The organizations of some needs, by id.
pub async fn organizations_of(
    db: &impl ConnectionTrait,
    needs: &[need::Model],
) -> anyhow::Result<std::collections::HashMap<Uuid, organization::Model>> {
    let ids: std::collections::BTreeSet<Uuid> =
        needs.iter().map(|need| need.organization_id).collect();
    let rows = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(db)
        .await
        .context("looking up organizations")?;
    Ok(rows.into_iter().map(|org| (org.id, org)).collect())
}

/// `SELECT id FROM needs` of the organizations an SME account owns, for `IN (…)` filters.
pub fn ids_owned_by(owner_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    let organizations = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::OwnerId.eq(owner_id))
        .into_query();
    need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .filter(need::Column::OrganizationId.in_subquery(organizations))
        .into_query()
}

/// `SELECT id FROM needs` of a region, for `IN (…)` filters.
pub fn ids_in_region(region_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .filter(need::Column::RegionId.eq(region_id))
        .into_query()
}

/// A region's open needs, oldest first.
pub async fn open_in_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<need::Model>> {
    need::Entity::find()
        .filter(need::Column::RegionId.eq(region_id))
        .filter(need::Column::Status.eq(NeedStatus::Open.as_str()))
        .order_by_asc(need::Column::Id)
        .all(db)
        .await
        .context("listing a region's open needs")
}

/// `SELECT id FROM needs` of a region's open needs, for `IN (…)` filters.
pub fn open_ids_in_region(region_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .filter(need::Column::RegionId.eq(region_id))
        .filter(need::Column::Status.eq(NeedStatus::Open.as_str()))
        .into_query()
}

/// Every need of a region, open and closed, oldest first (for the coordinator's export).
pub async fn in_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<need::Model>> {
    need::Entity::find()
        .filter(need::Column::RegionId.eq(region_id))
        .order_by_asc(need::Column::Id)
        .all(db)
        .await
        .context("listing a region's needs")
}

/// How many submitted (not withdrawn) applications each need of a region has, in one
/// grouped query; needs with none are absent.
pub async fn applicant_counts(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<std::collections::HashMap<Uuid, u64>> {
    let rows: Vec<(Uuid, i64)> = application::Entity::find()
        .select_only()
        .column(application::Column::NeedId)
        .column_as(application::Column::Id.count(), "applicants")
        .filter(application::Column::NeedId.in_subquery(ids_in_region(region_id)))
        .filter(application::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .group_by(application::Column::NeedId)
        .into_tuple()
        .all(db)
        .await
        .context("counting the applicants of a region's needs")?;
    Ok(rows
        .into_iter()
        .map(|(id, count)| (id, u64::try_from(count).unwrap_or_default()))
        .collect())
}
