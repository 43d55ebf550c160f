//! The reasons of regional affinity: the strongest tie to the need's place and how
//! closely it matches, and earlier engagements there.

use crate::factors::Reason;
use crate::factors::encode::{PlaceCode, PlaceKind, RowRef};
use crate::factors::kernel::{self, PlaceMatch};
use crate::factors::query::NeedQuery;
use crate::taxonomy;

use super::format::{Fixed, text};
use super::labels::{PlaceName, write_tie};

pub(super) fn regional_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let Some(need_prefecture) = taxonomy::prefecture_by_code(q.prefecture) else {
        return vec![Reason::new(
            "募集の所在地の都道府県が不明",
            "The need's prefecture is unknown",
        )];
    };
    let mut reasons = Vec::with_capacity(2);
    let (strength, which) = kernel::strongest_tie(q, row);
    let place = which
        .and_then(|position| row.places.get(position))
        .map(|&code| PlaceCode(code));
    match (place, place.and_then(PlaceCode::kind)) {
        (Some(place), Some(kind)) if strength > 0.0 => {
            let matched = kernel::place_match(q, place);
            let name = match (matched, taxonomy::prefecture_by_code(place.prefecture())) {
                (PlaceMatch::City, _) => PlaceName::City(need_prefecture, q.need.place.city.trim()),
                (_, Some(prefecture)) => PlaceName::Prefecture(prefecture),
                (_, None) => PlaceName::Unknown,
            };
            let (level_ja, level_en) = match matched {
                PlaceMatch::City => (" (市区町村が一致)", " (same city)"),
                PlaceMatch::Prefecture => (" (都道府県が一致)", " (same prefecture)"),
                PlaceMatch::Wider => (" (同じ", " (same wider region: "),
                PlaceMatch::None => ("", ""),
            };
            let (mut ja, mut en) = (String::new(), String::new());
            write_tie(&mut ja, kind, name, true);
            write_tie(&mut en, kind, name, false);
            ja.push_str(level_ja);
            en.push_str(level_en);
            if matched == PlaceMatch::Wider {
                let region = taxonomy::wider_region(need_prefecture.wider_region);
                let (region_ja, region_en) =
                    region.map_or(("", ""), |region| (region.ja, region.en));
                ja.push_str(region_ja);
                ja.push_str("地方)");
                en.push_str(region_en);
                en.push(')');
            }
            reasons.push(Reason { ja, en });
        }
        _ => reasons.push(Reason::new(
            text!(need_prefecture.ja, "とのつながりなし"),
            text!("No tie to ", need_prefecture.en),
        )),
    }
    let bonus = kernel::past_bonus(q, row);
    if bonus > 0.0 {
        let count = row
            .places
            .iter()
            .map(|&code| PlaceCode(code))
            .filter(|&place| {
                place.kind() == Some(PlaceKind::Past)
                    && matches!(
                        kernel::place_match(q, place),
                        PlaceMatch::City | PlaceMatch::Prefecture
                    )
            })
            .count();
        let plural = if count == 1 { "" } else { "s" };
        reasons.push(Reason::new(
            text!(
                need_prefecture.ja,
                "での過去の参画 ",
                count,
                "件 (+",
                Fixed(bonus, 1),
                ")"
            ),
            text!(
                count,
                " earlier engagement",
                plural,
                " in ",
                need_prefecture.en,
                " (+",
                Fixed(bonus, 1),
                ")"
            ),
        ));
    }
    reasons
}
