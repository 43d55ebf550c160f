//! Who may see and do what: the only place that decides.
//!
//! Services ask [`decide`] before they act and [`audience`] before they list; the
//! ranking cache and the views ask the same functions. The answer distinguishes a role
//! that may never do a thing (403, [`Decision::Forbidden`]) from an object the actor may
//! not see (404, [`Decision::Hidden`]), so a hidden object's existence does not leak.
//!
//! The unit test at the bottom is the authorization table of `API.md`, row by row.

use uuid::Uuid;

use crate::{domain::account::AccountRole, repo::Audience};

/// The one who acts: an authenticated account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User id.
    pub id: Uuid,
    /// Role.
    pub role: AccountRole,
    /// For coordinators, the region they act in.
    pub region_id: Option<Uuid>,
}

impl Actor {
    /// Whether the actor coordinates this region.
    pub fn coordinates(&self, region_id: Uuid) -> bool {
        self.role == AccountRole::Coordinator && self.region_id == Some(region_id)
    }

    /// Ok when the actor has this role, [`Denied::Forbidden`] otherwise.
    pub fn require(&self, role: AccountRole) -> Result<(), Denied> {
        if self.role == role {
            Ok(())
        } else {
            Err(Denied::Forbidden(only(role)))
        }
    }
}

fn only(role: AccountRole) -> &'static str {
    match role {
        AccountRole::Sme => "only SME and municipality accounts may do this",
        AccountRole::Professional => "only professionals may do this",
        AccountRole::Coordinator => "only coordinators may do this",
    }
}

/// What the policy needs to know about a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedFacts {
    /// The SME account that owns it (through its organization).
    pub owner_id: Uuid,
    /// Its region.
    pub region_id: Uuid,
    /// Whether it is open.
    pub open: bool,
}

/// What the policy needs to know about a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchFacts {
    /// The professional.
    pub professional_id: Uuid,
    /// The SME account that owns the need.
    pub owner_id: Uuid,
    /// The need's region.
    pub region_id: Uuid,
}

/// How a professional is connected to whoever asks for their profile: looked up by the
/// service, judged here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProfileTies {
    /// They applied to, or were proposed for, a need of the asking coordinator's region.
    pub in_coordinators_region: bool,
    /// They were introduced to the asking SME.
    pub introduced_to_sme: bool,
}

/// Something an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read what is public: the regions, the taxonomy, the list of open needs;
    /// register or log in.
    Browse,
    /// Read or act on one's own account (`GET /me`, logout, a new password).
    OwnAccount,
    /// Post a need (`POST /needs`).
    CreateNeed,
    /// List the actor's own organization's needs (`GET /needs?mine=true`).
    ListOwnNeeds,
    /// Read a need (`GET /needs/{id}`, applying needs it too).
    ReadNeed(NeedFacts),
    /// Change, close, or list the applications of a need.
    ManageNeed(NeedFacts),
    /// Rank a need's candidates: its applicants, or everyone (`scope=all`).
    RankCandidates {
        /// The need.
        need: NeedFacts,
        /// Everyone (scouting), not only applicants.
        everyone: bool,
    },
    /// Write, read, export or erase one's own profile; see one's recommendations.
    OwnProfile,
    /// Read another account's profile (`GET /profiles/{id}`).
    ReadProfile {
        /// Whose.
        subject: Uuid,
        /// How they are connected to the actor.
        ties: ProfileTies,
    },
    /// Apply to a need with a proposal.
    Apply(NeedFacts),
    /// Withdraw an application made by `applicant`.
    WithdrawApplication {
        /// Who applied.
        applicant: Uuid,
    },
    /// Introduce or scout for a need (`POST /matches`).
    CreateMatch(NeedFacts),
    /// Read a match and its history.
    ReadMatch(MatchFacts),
    /// Accept or decline a scout invitation.
    AnswerScout(MatchFacts),
    /// Decline an introduction (the professional or the SME).
    DeclineMatch(MatchFacts),
    /// Cancel a match before the parties met, or record its outcome.
    CloseMatch(MatchFacts),
    /// Schedule, move or cancel the introduction meeting.
    ArrangeMeeting(MatchFacts),
    /// Act on a region's desk: its report, weights, an email of its outbox.
    CoordinateRegion(Uuid),
    /// Count the pool of an unsaved need (`POST /needs/preview`): SMEs writing one,
    /// coordinators shaping one; counts only, never people.
    PreviewNeed,
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// The object is not there for this actor (404).
    Hidden,
    /// This role may never do this (403), with a reason for the client.
    Forbidden(&'static str),
}

/// A refusal, for `?` in services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// 404: not there for this actor.
    #[error("not found")]
    Hidden,
    /// 403: never for this role.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
}

impl Decision {
    /// `Ok` when allowed.
    pub fn check(self) -> Result<(), Denied> {
        match self {
            Self::Allow => Ok(()),
            Self::Hidden => Err(Denied::Hidden),
            Self::Forbidden(why) => Err(Denied::Forbidden(why)),
        }
    }

    /// Whether allowed.
    pub fn allowed(self) -> bool {
        self == Self::Allow
    }

    fn from_bool(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Hidden }
    }
}

fn role_is(actor: &Actor, role: AccountRole) -> Result<(), Decision> {
    if actor.role == role {
        Ok(())
    } else {
        Err(Decision::Forbidden(only(role)))
    }
}

fn owns(actor: &Actor, need: &NeedFacts) -> bool {
    actor.role == AccountRole::Sme && actor.id == need.owner_id
}

fn manages(actor: &Actor, need: &NeedFacts) -> bool {
    owns(actor, need) || actor.coordinates(need.region_id)
}

fn party_or_coordinator(actor: &Actor, found: &MatchFacts) -> bool {
    match actor.role {
        AccountRole::Professional => actor.id == found.professional_id,
        AccountRole::Sme => actor.id == found.owner_id,
        AccountRole::Coordinator => actor.coordinates(found.region_id),
    }
}

/// Whether `actor` (anonymous when `None`) may do `action`.
pub fn decide(actor: Option<&Actor>, action: Action) -> Decision {
    // What is public, and open needs, are for anyone; everything else needs an account.
    match action {
        Action::Browse => return Decision::Allow,
        Action::ReadNeed(need) => {
            return Decision::from_bool(
                need.open || actor.is_some_and(|actor| manages(actor, &need)),
            );
        }
        _ => {}
    }
    let Some(actor) = actor else {
        return Decision::Forbidden("log in to do this");
    };
    decide_for(actor, action).unwrap_or_else(|refused| refused)
}

fn decide_for(actor: &Actor, action: Action) -> Result<Decision, Decision> {
    use AccountRole::{Coordinator, Professional, Sme};
    Ok(match action {
        Action::Browse | Action::ReadNeed(_) => decide(Some(actor), action),
        Action::OwnAccount => Decision::Allow,
        Action::CreateNeed | Action::ListOwnNeeds => {
            role_is(actor, Sme)?;
            Decision::Allow
        }
        Action::ManageNeed(need) => {
            if actor.role == Professional {
                return Err(Decision::Forbidden(
                    "only the need's owner or its region's coordinators may do this",
                ));
            }
            Decision::from_bool(manages(actor, &need))
        }
        Action::RankCandidates { need, everyone } => match actor.role {
            Sme | Professional if everyone => {
                Decision::Forbidden("only coordinators may scout (scope=all)")
            }
            Professional => Decision::Forbidden(
                "only the need's owner or its region's coordinators may do this",
            ),
            Sme => Decision::from_bool(owns(actor, &need)),
            Coordinator => Decision::from_bool(actor.coordinates(need.region_id)),
        },
        Action::OwnProfile => {
            role_is(actor, Professional)?;
            Decision::Allow
        }
        Action::PreviewNeed => {
            if actor.role == Professional {
                return Err(Decision::Forbidden(
                    "only SMEs and coordinators may preview a need",
                ));
            }
            Decision::Allow
        }
        Action::ReadProfile { subject, ties } => Decision::from_bool(match actor.role {
            Professional => actor.id == subject,
            Coordinator => actor.region_id.is_some() && ties.in_coordinators_region,
            Sme => ties.introduced_to_sme,
        }),
        Action::Apply(need) => {
            role_is(actor, Professional)?;
            decide(Some(actor), Action::ReadNeed(need))
        }
        Action::WithdrawApplication { applicant } => {
            role_is(actor, Professional)?;
            Decision::from_bool(actor.id == applicant)
        }
        Action::CreateMatch(need) => {
            role_is(actor, Coordinator)?;
            Decision::from_bool(actor.coordinates(need.region_id))
        }
        Action::ReadMatch(found) => Decision::from_bool(party_or_coordinator(actor, &found)),
        Action::AnswerScout(found) => {
            role_is(actor, Professional)?;
            Decision::from_bool(actor.id == found.professional_id)
        }
        Action::DeclineMatch(found) => {
            if actor.role == Coordinator {
                return Err(Decision::Forbidden(
                    "only the professional or the SME declines; coordinators cancel",
                ));
            }
            Decision::from_bool(party_or_coordinator(actor, &found))
        }
        Action::CloseMatch(found) => {
            role_is(actor, Coordinator)?;
            Decision::from_bool(actor.coordinates(found.region_id))
        }
        Action::ArrangeMeeting(found) => {
            if actor.role == Professional {
                return Err(Decision::Forbidden(
                    "meetings are arranged by the coordinator or the SME",
                ));
            }
            Decision::from_bool(party_or_coordinator(actor, &found))
        }
        Action::CoordinateRegion(region_id) => {
            role_is(actor, Coordinator)?;
            Decision::from_bool(actor.coordinates(region_id))
        }
    })
}

/// Whose rows a list shows the actor: a professional their own, an SME those on its
/// needs, a coordinator their region's.
pub fn audience(actor: &Actor) -> Result<Audience, Denied> {
    Ok(match actor.role {
        AccountRole::Professional => Audience::Professional(actor.id),
        AccountRole::Sme => Audience::Owner(actor.id),
        AccountRole::Coordinator => Audience::Region(
            actor
                .region_id
                .ok_or(Denied::Forbidden("this coordinator has no region"))?,
        ),
    })
}

/// The region whose desk (its outbox) a coordinator works at: 403 for other roles and
/// for a coordinator without a region. A row of another region is then
/// [`Action::CoordinateRegion`]'s to judge.
pub fn desk_region(actor: &Actor) -> Result<Uuid, Denied> {
    actor.require(AccountRole::Coordinator)?;
    actor
        .region_id
        .ok_or(Denied::Forbidden("this coordinator has no region"))
}

/// Whether the actor sees applicants under their real names (professionals see their
/// own, coordinators their region's) or pseudonymously (an SME before an introduction).
pub fn sees_applicants_by_name(actor: &Actor) -> bool {
    actor.role != AccountRole::Sme
}

/// Which contact details of a match the actor may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactRights {
    /// The professional's name, email and profile.
    pub professional: bool,
    /// The organization's contact person and email.
    pub organization: bool,
}

/// What of each side's contact a party of a match (or its coordinator) may read:
/// coordinators everything; each side its own; the other side's once `shared` (the
/// match reached `introduced` and the professional was not erased).
pub fn contact_rights(actor: &Actor, found: &MatchFacts, shared: bool) -> ContactRights {
    let coordinator = actor.role == AccountRole::Coordinator;
    let professional = actor.role == AccountRole::Professional && actor.id == found.professional_id;
    let sme = actor.role == AccountRole::Sme;
    ContactRights {
        professional: coordinator || professional || (shared && sme),
        organization: coordinator || sme || (shared && professional),
    }
}

#[cfg(test)]
mod tests;
