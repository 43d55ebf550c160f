//! The emails a match change writes to the outbox, in the change's transaction.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{Mail, Parties};
use crate::{
    domain::{enums::OrganizationKind, matching::MatchStatus},
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::{matches, user},
    repo,
};

/// Queues one email about a match to one person.
async fn send(
    db: &impl ConnectionTrait,
    found: &matches::Model,
    user: &user::Model,
    kind: &'static str,
    rendered: templates::Rendered,
) -> anyhow::Result<()> {
    let email = NewEmail::new(kind, &user.email, &user.display_name, rendered);
    outbox::enqueue(
        db,
        email
            .to_user(user.id)
            .in_region(found.region_id)
            .about_match(found.id),
    )
    .await?;
    Ok(())
}

/// Emails both sides each other's contact and records the disclosure.
pub(super) async fn introduce(
    db: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    parties: &Parties,
    consent: &str,
    note: Option<&str>,
    actor: Uuid,
) -> anyhow::Result<()> {
    let to_sme = templates::introduction(&templates::Introduction {
        recipient_name: &parties.owner.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        counterpart: templates::Counterpart::Professional {
            name: &parties.professional.display_name,
            email: &parties.professional.email,
            headline: parties.headline(),
        },
        note,
        public_url: mail.public_url,
        match_id: found.id,
    });
    let to_professional = templates::introduction(&templates::Introduction {
        recipient_name: &parties.professional.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        counterpart: templates::Counterpart::Organization {
            name: &parties.organization.name,
            contact_name: &parties.owner.display_name,
            email: &parties.owner.email,
        },
        note,
        public_url: mail.public_url,
        match_id: found.id,
    });
    for (rendered, user) in [
        (to_sme, &parties.owner),
        (to_professional, &parties.professional),
    ] {
        send(db, found, user, kind::INTRODUCTION, rendered).await?;
    }
    repo::matches::record_disclosure(
        db,
        repo::matches::NewDisclosure {
            professional_id: parties.professional.id,
            organization_id: parties.organization.id,
            need_id: Some(parties.need.id),
            match_id: Some(found.id),
            fields: &["display_name", "email", "headline"],
            consent,
            channel: "introduction_email",
            actor_id: Some(actor),
        },
    )
    .await
}

/// Invites a scouted professional; no contact is shared until they accept.
pub(super) async fn scout_invitation(
    db: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    parties: &Parties,
    note: Option<&str>,
) -> anyhow::Result<()> {
    let rendered = templates::scout_invitation(&templates::ScoutInvitation {
        recipient_name: &parties.professional.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        organization_kind: match parties.organization.kind()? {
            OrganizationKind::Municipality => "自治体",
            OrganizationKind::Sme => "企業",
        },
        city: &parties.organization.city,
        note,
        public_url: mail.public_url,
        match_id: found.id,
    });
    send(
        db,
        found,
        &parties.professional,
        kind::SCOUT_INVITATION,
        rendered,
    )
    .await
}

/// Tells one side that the match ended in `to` (declined after they met, cancelled
/// before), with the reason when one was given.
pub(super) async fn closed(
    db: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    parties: &Parties,
    user: &user::Model,
    to: MatchStatus,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let context = templates::Closed {
        recipient_name: &user.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        reason,
        public_url: mail.public_url,
        match_id: found.id,
    };
    let (kind, rendered) = if to == MatchStatus::Declined {
        (kind::DECLINED, templates::declined(&context))
    } else {
        (kind::CANCELLED, templates::cancelled(&context))
    };
    send(db, found, user, kind, rendered).await
}
