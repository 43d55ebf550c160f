//! The authorization table of `API.md`, as the policy answers it.
//!
//! Columns are the actors: the SME that owns the need, another SME, a coordinator of the
//! need's region, a coordinator of another region, the professional concerned, another
//! professional, and an anonymous visitor. `A` is allowed, `H` hidden (404), `F`
//! forbidden (403).

use uuid::Uuid;

use super::*;

const OWNER: u128 = 1;
const OTHER_SME: u128 = 2;
const COORDINATOR: u128 = 3;
const STRANGER_COORDINATOR: u128 = 4;
const PROFESSIONAL: u128 = 5;
const OTHER_PROFESSIONAL: u128 = 6;
const REGION: u128 = 10;
const OTHER_REGION: u128 = 11;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn actors() -> [Option<Actor>; 7] {
    let actor = |n, role, region: Option<u128>| {
        Some(Actor {
            id: id(n),
            role,
            region_id: region.map(id),
        })
    };
    [
        actor(OWNER, AccountRole::Sme, None),
        actor(OTHER_SME, AccountRole::Sme, None),
        actor(COORDINATOR, AccountRole::Coordinator, Some(REGION)),
        actor(
            STRANGER_COORDINATOR,
            AccountRole::Coordinator,
            Some(OTHER_REGION),
        ),
        actor(PROFESSIONAL, AccountRole::Professional, None),
        actor(OTHER_PROFESSIONAL, AccountRole::Professional, None),
        None,
    ]
}

fn need(open: bool) -> NeedFacts {
    NeedFacts {
        owner_id: id(OWNER),
        region_id: id(REGION),
        open,
    }
}

fn a_match() -> MatchFacts {
    MatchFacts {
        professional_id: id(PROFESSIONAL),
        owner_id: id(OWNER),
        region_id: id(REGION),
    }
}

/// Ties as the service would find them for each asking actor: the professional applied
/// in `REGION` and was introduced to `OWNER`.
fn read_profile(asking: Option<&Actor>) -> Action {
    let ties = ProfileTies {
        in_coordinators_region: asking.is_some_and(|actor| actor.region_id == Some(id(REGION))),
        introduced_to_sme: asking.is_some_and(|actor| actor.id == id(OWNER)),
    };
    Action::ReadProfile {
        subject: id(PROFESSIONAL),
        ties,
    }
}

/// One row: the route, the action as each actor would ask it, the expected answers.
type Row = (
    &'static str,
    Box<dyn Fn(Option<&Actor>) -> Action>,
    &'static str,
);

#[test]
fn the_policy_answers_the_authorization_table_of_the_api() {
    let m = a_match();
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        // route                                  action                                                        owner other coord stranger pro other anon
        ("GET /regions, /taxonomy, /needs; register, login", Box::new(|_| Action::Browse),   "A A A A A A A"),
        ("GET /me, logout, POST /auth/password",  Box::new(|_| Action::OwnAccount),                              "A A A A A A F"),
        ("POST /needs",                           Box::new(|_| Action::CreateNeed),                              "A A F F F F F"),
        ("GET /needs?mine=true",                  Box::new(|_| Action::ListOwnNeeds),                            "A A F F F F F"),
        ("GET /needs/{id} (open)",                Box::new(|_| Action::ReadNeed(need(true))),                    "A A A A A A A"),
        ("GET /needs/{id} (closed)",              Box::new(|_| Action::ReadNeed(need(false))),                   "A H A H H H H"),
        ("PATCH, close /needs/{id}",              Box::new(|_| Action::ManageNeed(need(true))),                  "A H A H F F F"),
        ("GET /needs/{id}/candidates",            Box::new(|_| Action::RankCandidates { need: need(true), everyone: false }), "A H A H F F F"),
        ("GET /needs/{id}/candidates?scope=all",  Box::new(|_| Action::RankCandidates { need: need(true), everyone: true }),  "F F A H F F F"),
        ("PUT/GET/DELETE /profiles/me, export, recommendations", Box::new(|_| Action::OwnProfile),       "F F F F A A F"),
        ("GET /profiles/{id}",                    Box::new(read_profile),                                        "A H A H A H F"),
        ("POST /needs/{id}/applications (open)",  Box::new(|_| Action::Apply(need(true))),                       "F F F F A A F"),
        ("POST /needs/{id}/applications (closed)",Box::new(|_| Action::Apply(need(false))),                      "F F F F H H F"),
        ("POST /applications/{id}/withdraw",      Box::new(|_| Action::WithdrawApplication { applicant: id(PROFESSIONAL) }), "F F F F A H F"),
        ("POST /matches",                         Box::new(|_| Action::CreateMatch(need(true))),                 "F F A H F F F"),
        ("GET /matches/{id}",                     Box::new(move |_| Action::ReadMatch(m)),                       "A H A H A H F"),
        ("POST /matches/{id}/accept",             Box::new(move |_| Action::AnswerScout(m)),                     "F F F F A H F"),
        ("POST /matches/{id}/decline",            Box::new(move |_| Action::DeclineMatch(m)),                    "A H F F A H F"),
        ("POST /matches/{id}/cancel, outcome",    Box::new(move |_| Action::CloseMatch(m)),                      "F F A H F F F"),
        ("POST /matches/{id}/meetings",           Box::new(move |_| Action::ArrangeMeeting(m)),                  "A H A H F F F"),
        ("GET /regions/{id}/report, weights",     Box::new(|_| Action::CoordinateRegion(id(REGION))),            "F F A H F F F"),
        ("GET /regions/{id}/assignment",          Box::new(|_| Action::CoordinateRegion(id(REGION))),            "F F A H F F F"),
        ("POST /outbox/{id}/retry (region's email)", Box::new(|_| Action::CoordinateRegion(id(REGION))),         "F F A H F F F"),
    ];
    let actors = actors();
    let mut wrong = Vec::new();
    for (route, action, expected) in &table {
        let expected: Vec<&str> = expected.split(' ').collect();
        assert_eq!(expected.len(), actors.len(), "row {route}");
        for (actor, expected) in actors.iter().zip(expected) {
            let got = match decide(actor.as_ref(), action(actor.as_ref())) {
                Decision::Allow => "A",
                Decision::Hidden => "H",
                Decision::Forbidden(_) => "F",
            };
            if got != expected {
                wrong.push(format!(
                    "{route} for {actor:?}: expected {expected}, got {got}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn lists_show_each_role_its_own_rows() {
    let [owner, _, coordinator, _, professional, _, _] = actors();
    let owner = owner.unwrap();
    assert_eq!(audience(&owner), Ok(Audience::Owner(id(OWNER))));
    assert_eq!(
        audience(&coordinator.unwrap()),
        Ok(Audience::Region(id(REGION)))
    );
    assert_eq!(
        audience(&professional.unwrap()),
        Ok(Audience::Professional(id(PROFESSIONAL)))
    );
    let lost = Actor {
        id: id(9),
        role: AccountRole::Coordinator,
        region_id: None,
    };
    assert!(matches!(audience(&lost), Err(Denied::Forbidden(_))));
    assert!(!sees_applicants_by_name(&owner));
}

#[test]
fn the_outbox_is_the_desk_of_a_coordinator_with_a_region() {
    let [owner, _, coordinator, stranger, professional, _, _] = actors();
    assert_eq!(desk_region(&coordinator.unwrap()), Ok(id(REGION)));
    assert_eq!(desk_region(&stranger.unwrap()), Ok(id(OTHER_REGION)));
    for actor in [owner.unwrap(), professional.unwrap()] {
        assert!(matches!(desk_region(&actor), Err(Denied::Forbidden(_))));
    }
    let lost = Actor {
        id: id(9),
        role: AccountRole::Coordinator,
        region_id: None,
    };
    assert_eq!(
        desk_region(&lost),
        Err(Denied::Forbidden("this coordinator has no region"))
    );
}

#[test]
fn contact_is_shared_only_once_introduced() {
    let [owner, _, coordinator, _, professional, _, _] = actors();
    let (owner, coordinator, professional) =
        (owner.unwrap(), coordinator.unwrap(), professional.unwrap());
    let m = a_match();
    let before = |actor: &Actor| contact_rights(actor, &m, false);
    let after = |actor: &Actor| contact_rights(actor, &m, true);
    assert_eq!(
        before(&owner),
        ContactRights {
            professional: false,
            organization: true
        }
    );
    assert_eq!(
        before(&professional),
        ContactRights {
            professional: true,
            organization: false
        }
    );
    assert!(after(&owner).professional && after(&professional).organization);
    assert_eq!(before(&coordinator), after(&coordinator));
    assert!(before(&coordinator).professional && before(&coordinator).organization);
}

#[test]
fn scouting_is_refused_in_its_own_words_to_every_role_but_coordinators() {
    let [owner, _, _, _, professional, _, _] = actors();
    for actor in [owner, professional] {
        let scout = Action::RankCandidates {
            need: need(true),
            everyone: true,
        };
        assert_eq!(
            decide(actor.as_ref(), scout),
            Decision::Forbidden("only coordinators may scout (scope=all)"),
            "{actor:?}"
        );
    }
}
