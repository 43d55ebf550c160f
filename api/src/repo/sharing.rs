//! Sharing consents, provision records, and the month's load of each professional
//! (the congestion dampening's input).

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
    sea_query::{Expr, Func, OnConflict},
};
use uuid::Uuid;

use super::{from_json, new_id, now, to_json};
use crate::{
    domain::{
        matching::MatchStatus,
        sharing::{Consent, SharingMode},
    },
    entities::{matches, provision, sharing_consent},
};

fn consent_of_row(row: &sharing_consent::Model) -> anyhow::Result<Consent> {
    let mode = SharingMode::parse(&row.mode).with_context(|| {
        format!(
            "professional {} has sharing mode {:?}",
            row.professional_id, row.mode
        )
    })?;
    Ok(Consent {
        mode,
        regions: from_json(&row.region_ids, "sharing_consents.region_ids")?,
    })
}

/// A professional's consent, and when it last changed (`None`: never chosen, so the
/// default).
pub async fn consent(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<(Consent, Option<DateTime<Utc>>)> {
    let row = sharing_consent::Entity::find_by_id(professional_id)
        .one(db)
        .await
        .context("reading a sharing consent")?;
    match row {
        Some(row) => Ok((consent_of_row(&row)?, Some(row.updated_at))),
        None => Ok((Consent::default(), None)),
    }
}

/// The consents of these professionals (or of everyone, for `None`); those who never
/// chose are absent (the default applies).
pub async fn consents(
    db: &impl ConnectionTrait,
    ids: Option<&[Uuid]>,
) -> anyhow::Result<HashMap<Uuid, Consent>> {
    let mut query = sharing_consent::Entity::find();
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        query = query.filter(sharing_consent::Column::ProfessionalId.is_in(ids.iter().copied()));
    }
    let rows = query.all(db).await.context("reading sharing consents")?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        match consent_of_row(&row) {
            Ok(consent) => {
                out.insert(row.professional_id, consent);
            }
            // A row that does not parse shares nothing beyond the default.
            Err(error) => tracing::error!(
                professional_id = %row.professional_id,
                error = format!("{error:#}"),
                "a stored sharing consent cannot be read; the default applies"
            ),
        }
    }
    Ok(out)
}

/// Stores a professional's consent (replacing the one before).
pub async fn store_consent(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
    consent: &Consent,
) -> anyhow::Result<DateTime<Utc>> {
    let at = now();
    sharing_consent::Entity::insert(sharing_consent::ActiveModel {
        professional_id: Set(professional_id),
        mode: Set(consent.mode.as_str().to_owned()),
        region_ids: Set(to_json(&consent.regions)?),
        updated_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(sharing_consent::Column::ProfessionalId)
            .update_columns([
                sharing_consent::Column::Mode,
                sharing_consent::Column::RegionIds,
                sharing_consent::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await
    .context("storing a sharing consent")?;
    Ok(at)
}

/// Profiles shown to a region, to record in one insert.
#[derive(Debug)]
pub struct NewProvisions<'a> {
    /// The region shown to.
    pub region_id: Uuid,
    /// The coordinator shown.
    pub actor_id: Option<Uuid>,
    /// The fields shown.
    pub fields: &'a [&'a str],
    /// `candidates`, `suggestion` or `profile_view`.
    pub channel: &'a str,
    /// Whom, each with the need they were shown for and the consent they were shown
    /// under (`all`, `list` or `proposal`).
    pub shown: &'a [Shown],
}

/// One professional shown to a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// Whom.
    pub professional_id: Uuid,
    /// For which need, if any.
    pub need_id: Option<Uuid>,
    /// Under which consent.
    pub consent: &'static str,
}

/// Records provisions: one insert, however many were shown.
pub async fn record_provisions(
    db: &impl ConnectionTrait,
    new: NewProvisions<'_>,
) -> anyhow::Result<()> {
    if new.shown.is_empty() {
        return Ok(());
    }
    let at = now();
    let fields = to_json(&new.fields)?;
    let rows = new.shown.iter().map(|shown| provision::ActiveModel {
        id: Set(new_id()),
        professional_id: Set(shown.professional_id),
        region_id: Set(new.region_id),
        actor_id: Set(new.actor_id),
        need_id: Set(shown.need_id),
        fields: Set(fields.clone()),
        consent: Set(shown.consent.to_owned()),
        channel: Set(new.channel.to_owned()),
        created_at: Set(at),
    });
    provision::Entity::insert_many(rows)
        .exec(db)
        .await
        .context("recording provisions")?;
    Ok(())
}

/// Every provision of a professional's profile, oldest first.
pub async fn provisions_of(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<Vec<provision::Model>> {
    provision::Entity::find()
        .filter(provision::Column::ProfessionalId.eq(professional_id))
        .order_by_asc(provision::Column::Id)
        .all(db)
        .await
        .context("listing provisions")
}

/// The first moment of `today`'s month in Asia/Tokyo (UTC+9, no daylight saving).
pub fn month_start(today: NaiveDate) -> DateTime<Utc> {
    let first = today.with_day0(0).unwrap_or(today);
    let local = first.and_hms_opt(0, 0, 0).unwrap_or_default();
    DateTime::<Utc>::from_naive_utc_and_offset(local, Utc) - chrono::Duration::hours(9)
}

/// Each professional's load this month: their scouts still waiting for an answer
/// (`proposed`, whenever made) and the introductions made this month that were not
/// called off (declined or cancelled ones ask nothing more of them). Those with none
/// are absent. One grouped query.
pub async fn loads(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> anyhow::Result<HashMap<Uuid, u32>> {
    let ended = [
        MatchStatus::Cancelled.as_str(),
        MatchStatus::Declined.as_str(),
    ];
    let rows: Vec<(Uuid, i64)> = matches::Entity::find()
        .select_only()
        .column(matches::Column::ProfessionalId)
        .expr_as(Func::count(Expr::col(matches::Column::Id)), "load")
        .filter(
            Condition::any()
                .add(matches::Column::Status.eq(MatchStatus::Proposed.as_str()))
                .add(
                    Condition::all()
                        .add(matches::Column::CreatedAt.gte(month_start(today)))
                        .add(matches::Column::Status.is_not_in(ended)),
                ),
        )
        .group_by(matches::Column::ProfessionalId)
        .into_tuple()
        .all(db)
        .await
        .context("counting this month's introductions")?;
    Ok(rows
        .into_iter()
        .map(|(id, load)| (id, u32::try_from(load).unwrap_or(u32::MAX)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_starts_at_midnight_in_tokyo() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        assert_eq!(month_start(today).to_rfc3339(), "2026-11-30T15:00:00+00:00");
    }
}
