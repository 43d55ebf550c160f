//! Needs (募集): posted by SMEs and municipalities, managed by them and their region's
//! coordinators, readable by anyone while open.

use musubi_matcher::taxonomy;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::{BeforeCommit, Error, Result};
use crate::{
    access::{self, Action, Actor, Decision, NeedFacts},
    domain::{
        enums::{NeedStatus, Role, WorkStyle},
        error::ConflictCode,
        ids::NeedId,
        need::{NeedInput, NeedPatch, NeedSpec},
    },
    entities::{need, organization},
    repo::{
        self,
        needs::NeedFilter,
        page::{Page, PageRequest},
    },
};

/// A need with the organization that posted it.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The need.
    pub need: need::Model,
    /// Its organization.
    pub organization: organization::Model,
}

impl Posted {
    /// What the policy judges the need by.
    pub fn facts(&self) -> NeedFacts {
        NeedFacts {
            owner_id: self.organization.owner_id,
            region_id: self.need.region_id,
            open: self.need.is_open(),
        }
    }

    /// The need's spec as it was written.
    pub fn spec(&self) -> Result<NeedInput> {
        Ok(repo::needs::to_input(&self.need)?)
    }

    /// Whether it still takes applications.
    pub fn is_open(&self) -> bool {
        self.need.is_open()
    }

    /// Whether `actor` may change and close it (its owner, or a coordinator of its
    /// region): the policy's answer, for a door deciding what to offer.
    pub fn is_managed_by(&self, actor: &Actor) -> bool {
        matches!(
            access::decide(Some(actor), Action::ManageNeed(self.facts())),
            Decision::Allow
        )
    }
}

/// How the policy sees a need that is not there: nobody's, in no region, closed. Asking
/// about it gets the answer asking about someone else's need gets (403 for a role that
/// may never do the thing, 404 for everyone else), so a missing need and a hidden one
/// look alike.
const NOBODYS: NeedFacts = NeedFacts {
    owner_id: Uuid::nil(),
    region_id: Uuid::nil(),
    open: false,
};

/// The 403 of a role that may never do `action` to any need, before anything is read:
/// a `Forbidden` answer does not depend on the need. `Ok` when the answer depends on
/// which need it is.
pub(super) fn refuse_role(
    actor: Option<&Actor>,
    action: impl FnOnce(NeedFacts) -> Action,
) -> Result<()> {
    match access::decide(actor, action(NOBODYS)) {
        Decision::Forbidden(why) => Err(Error::Forbidden(why)),
        Decision::Allow | Decision::Hidden => Ok(()),
    }
}

/// The need `id` with its organization, when the policy lets `actor` do `action` to it;
/// a missing need is judged as [`NOBODYS`] (two indexed reads).
// At debug level: it runs on the computing path of a candidate list, under the
// handler's span that names the need already.
#[tracing::instrument(level = "debug", skip_all, fields(need_id = %id))]
pub async fn decided(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: NeedId,
    action: impl FnOnce(NeedFacts) -> Action,
) -> Result<Posted> {
    let found = repo::needs::with_organization(db, id.0)
        .await?
        .map(|(need, organization)| Posted { need, organization });
    let facts = found.as_ref().map_or(NOBODYS, Posted::facts);
    access::decide(actor, action(facts)).check()?;
    found.ok_or(Error::NotFound)
}

/// A need as `actor` (anonymous when `None`) may read it: open needs are public; closed
/// ones only for their owner and their region's coordinators.
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn get(db: &impl ConnectionTrait, actor: Option<&Actor>, id: NeedId) -> Result<Posted> {
    decided(db, actor, id, Action::ReadNeed).await
}

/// A need `actor` manages (its owner, or a coordinator of its region).
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn managed(db: &impl ConnectionTrait, actor: &Actor, id: NeedId) -> Result<Posted> {
    decided(db, Some(actor), id, Action::ManageNeed).await
}

/// The 403 of a role that may never post a need, for a door to answer before it parses
/// the need (as the API always has).
pub fn may_post(actor: &Actor) -> Result<()> {
    refuse_role(Some(actor), |_| Action::CreateNeed)
}

/// Posts a need for the actor's organization, in its region; `before_commit` runs in
/// the same transaction.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    spec: NeedSpec,
    before_commit: impl BeforeCommit<Posted> + 'static,
) -> Result<Posted> {
    access::decide(Some(actor), Action::CreateNeed).check()?;
    let organization = repo::users::organization_of(db, actor.id)
        .await?
        .ok_or_else(|| {
            Error::conflict(
                ConflictCode::NoOrganization,
                "this account has no organization",
            )
        })?;
    let posted = db
        .transaction::<_, Posted, Error>(move |txn| {
            Box::pin(async move {
                let need = repo::needs::insert(txn, &organization, &spec).await?;
                let posted = Posted { need, organization };
                before_commit.run(txn, &posted).await?;
                Ok(posted)
            })
        })
        .await?;
    Ok(posted)
}

/// What `GET /needs` asks for.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Only this region.
    pub region_id: Option<Uuid>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only needs asking for this skill (its key, label or a synonym).
    pub skill: Option<String>,
    /// Only this work style.
    pub work_style: Option<WorkStyle>,
    /// Words in the title, description or goal (at most 200 characters).
    pub q: Option<String>,
    /// The actor's own organization's needs, whatever their status (SMEs only).
    pub mine: bool,
}

/// Open needs (or, with `mine`, the actor's organization's), newest first.
#[tracing::instrument(skip_all, fields(mine = search.mine))]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    search: Search,
    page: PageRequest,
) -> Result<Page<Posted>> {
    let skill = match &search.skill {
        None => None,
        Some(text) => Some(
            taxonomy::resolve_skill(text)
                .ok_or_else(|| Error::invalid("skill", format!("unknown skill {text:?}")))?
                .key
                .to_owned(),
        ),
    };
    let organization_id = if search.mine {
        let actor = actor.ok_or(Error::Unauthorized)?;
        access::decide(Some(actor), Action::ListOwnNeeds).check()?;
        match repo::users::organization_of(db, actor.id).await? {
            Some(organization) => Some(organization.id),
            // An SME without an organization has posted nothing; without this the
            // filter would be "no organization", which is every open need.
            None => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                });
            }
        }
    } else {
        None
    };
    if search.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(Error::invalid("q", "must be at most 200 characters"));
    }
    let filter = NeedFilter {
        region_id: search.region_id,
        role: search.role,
        skill,
        work_style: search.work_style,
        q: search.q,
        organization_id,
    };
    let rows = repo::needs::list(db, &filter, page).await?;
    let organizations = repo::needs::organizations_of(db, &rows).await?;
    let page = Page::from_rows(rows, page, |need| need.id, |need| need);
    let items = page
        .items
        .into_iter()
        .map(|need| {
            let organization = organizations
                .get(&need.organization_id)
                .cloned()
                .ok_or(Error::NotFound)?;
            Ok(Posted { need, organization })
        })
        .collect::<Result<_>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// Changes the fields a patch sends; the need it makes is held to every rule.
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: NeedId,
    patch: NeedPatch,
) -> Result<Posted> {
    let posted = managed(db, actor, id).await?;
    let spec = patch.parse_onto(posted.spec()?).map_err(Error::Invalid)?;
    store(db, posted, spec).await
}

/// Rewrites the whole spec of a need (the page's form sends every field, so a field
/// left empty there, such as the deadline, is cleared, which a patch cannot say).
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn rewrite(
    db: &DatabaseConnection,
    actor: &Actor,
    id: NeedId,
    spec: NeedSpec,
) -> Result<Posted> {
    let posted = managed(db, actor, id).await?;
    store(db, posted, spec).await
}

/// Stores a need's new spec.
async fn store(db: &DatabaseConnection, posted: Posted, spec: NeedSpec) -> Result<Posted> {
    let Posted { need, organization } = posted;
    // The row and its skill rows change together.
    let need = db
        .transaction::<_, need::Model, Error>(move |txn| {
            Box::pin(async move { Ok(repo::needs::update(txn, need, &spec).await?) })
        })
        .await?;
    Ok(Posted { need, organization })
}

/// Closes a need: it leaves the public list and takes no more applications. The same
/// transaction records the kind relays its applicants not introduced are owed
/// ([`super::relay`]); the door then has their emails written
/// ([`super::relay::deliver_soon`]). Closing a closed need changes nothing and owes
/// nobody a second relay.
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn close(db: &DatabaseConnection, actor: &Actor, id: NeedId) -> Result<Posted> {
    let Posted { need, organization } = managed(db, actor, id).await?;
    let need = db
        .transaction::<_, need::Model, Error>(move |txn| {
            Box::pin(async move {
                let need_id = need.id;
                let need = if need.is_open() {
                    repo::needs::set_status(txn, need, NeedStatus::Closed).await?
                } else {
                    need
                };
                super::relay::record(txn, need_id, repo::relays::Cause::Closed, repo::now())
                    .await?;
                Ok(need)
            })
        })
        .await?;
    Ok(Posted { need, organization })
}
