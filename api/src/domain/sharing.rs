//! Sharing with consent (issue 14): which alliance regions may find a professional.
//!
//! ## A professional's own regions
//!
//! Musubi holds no "home region" for a professional: they register with the whole
//! deployment, and what places them is their profile. A region is one of their **own**
//! when its prefecture is their home prefecture or the prefecture of one of their ties
//! (hometown, family, lived, worked, visited, interest) — the 関係人口 the region
//! already counts as its people. The region of a need they applied to is not made
//! their own: applying is consent to be seen by that need's owner and coordinators
//! for that need, and that need's candidate lists always show its applicants.
//!
//! ## Who may find them
//!
//! - `ties` (the default, and what withdrawing returns to): their own regions only;
//! - `all`: every region of the deployment (the alliance);
//! - `list`: their own regions and the regions chosen.
//!
//! Their own regions always may: showing a professional to a region they are tied to
//! is not a provision to a third party. Unlisting the profile (`active: false`) hides
//! them from every region. Showing them to any other region is a **provision**
//! (APPI third-party provision) and is recorded.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Which regions may find a professional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SharingMode {
    /// Only their own regions (home and ties): the default.
    #[default]
    Ties,
    /// Every region of the alliance.
    All,
    /// Their own regions and the regions listed.
    List,
}

impl SharingMode {
    /// The stored (wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ties => "ties",
            Self::All => "all",
            Self::List => "list",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ties" => Some(Self::Ties),
            "all" => Some(Self::All),
            "list" => Some(Self::List),
            _ => None,
        }
    }
}

/// A professional's consent: the mode, and the chosen regions of a `list`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consent {
    /// Which regions may find them.
    pub mode: SharingMode,
    /// The regions chosen (only for [`SharingMode::List`]; empty otherwise).
    pub regions: Vec<Uuid>,
}

/// A region as sharing judges it: its id and prefecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionPlace {
    /// The region.
    pub id: Uuid,
    /// Its prefecture, e.g. `長野県`.
    pub prefecture: String,
}

/// What decides whether a region may find a professional: their consent and the
/// prefectures of their home and ties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findable {
    /// Their consent.
    pub consent: Consent,
    /// Their home prefecture and their ties' prefectures, without repeats.
    pub prefectures: Vec<String>,
}

impl Findable {
    /// From a consent and the profile's home and ties' prefectures.
    pub fn new<'a>(consent: Consent, prefectures: impl IntoIterator<Item = &'a str>) -> Self {
        let mut own: Vec<String> = Vec::new();
        for prefecture in prefectures {
            if !prefecture.is_empty() && !own.iter().any(|p| p == prefecture) {
                own.push(prefecture.to_owned());
            }
        }
        Self {
            consent,
            prefectures: own,
        }
    }

    /// Whether the region is one of their own (see the [module docs](self)).
    pub fn own(&self, region: &RegionPlace) -> bool {
        self.prefectures.contains(&region.prefecture)
    }

    /// Whether the region may find them.
    pub fn may_find(&self, region: &RegionPlace) -> bool {
        self.own(region)
            || match self.consent.mode {
                SharingMode::Ties => false,
                SharingMode::All => true,
                SharingMode::List => self.consent.regions.contains(&region.id),
            }
    }

    /// The consent a display to `region` is made under: `None` for one of their own
    /// regions (not a provision), otherwise the mode's name.
    pub fn provision_consent(&self, region: &RegionPlace) -> Option<&'static str> {
        (!self.own(region) && self.may_find(region)).then(|| self.consent.mode.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(id: u128, prefecture: &str) -> RegionPlace {
        RegionPlace {
            id: Uuid::from_u128(id),
            prefecture: prefecture.to_owned(),
        }
    }

    #[test]
    fn own_regions_always_find_and_others_only_with_consent() {
        let shiojiri = region(1, "長野県");
        let tottori = region(2, "鳥取県");
        let wajima = region(3, "石川県");
        let tied = |mode, regions: Vec<Uuid>| {
            Findable::new(Consent { mode, regions }, ["東京都", "長野県", "長野県"])
        };
        let ties = tied(SharingMode::Ties, vec![]);
        assert_eq!(ties.prefectures, ["東京都", "長野県"]);
        assert!(ties.may_find(&shiojiri) && !ties.may_find(&tottori));
        assert_eq!(ties.provision_consent(&shiojiri), None);
        let all = tied(SharingMode::All, vec![]);
        assert!(all.may_find(&tottori) && all.may_find(&wajima));
        assert_eq!(all.provision_consent(&tottori), Some("all"));
        assert_eq!(all.provision_consent(&shiojiri), None);
        let list = tied(SharingMode::List, vec![tottori.id]);
        assert!(list.may_find(&tottori) && !list.may_find(&wajima) && list.may_find(&shiojiri));
        assert_eq!(
            list.provision_consent(&wajima),
            None,
            "not found, not provided"
        );
    }
}
