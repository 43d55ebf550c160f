//! The label tables reasons name things with: themes, meeting slots, styles, work
//! styles and the words of a tie to a place, in Japanese and English.

use std::fmt;

use crate::factors::encode::{PlaceKind, slot_bit};
use crate::model::{MeetingSlot, Style, WorkStyle};
use crate::taxonomy;

use super::format::Piece;

/// A place a tie is to, as a reason names it.
#[derive(Clone, Copy)]
pub(super) enum PlaceName<'a> {
    /// The need's own city (`長野県塩尻市`, `Shiojiri, Nagano`).
    City(&'static taxonomy::Prefecture, &'a str),
    Prefecture(&'static taxonomy::Prefecture),
    Unknown,
}

/// Appends the words of a tie of `kind` to `name` (`長野県出身`, `Hometown: Nagano`).
pub(super) fn write_tie(out: &mut String, kind: PlaceKind, name: PlaceName<'_>, japanese: bool) {
    let name_to = |out: &mut String| match name {
        PlaceName::City(prefecture, city) if japanese => {
            out.push_str(prefecture.ja);
            out.push_str(city);
        }
        PlaceName::City(prefecture, city) => {
            out.push_str(city);
            out.push_str(", ");
            out.push_str(prefecture.en);
        }
        PlaceName::Prefecture(prefecture) => {
            out.push_str(if japanese {
                prefecture.ja
            } else {
                prefecture.en
            });
        }
        PlaceName::Unknown => {}
    };
    if japanese {
        name_to(out);
        out.push_str(match kind {
            PlaceKind::Home => "在住",
            PlaceKind::Hometown => "出身",
            PlaceKind::Family => "に家族",
            PlaceKind::Lived => "に居住経験",
            PlaceKind::Worked => "で勤務経験",
            PlaceKind::Visited => "を訪問",
            PlaceKind::Interest => "に関心",
            PlaceKind::Past => "で参画経験",
        });
    } else {
        out.push_str(match kind {
            PlaceKind::Home => "Lives in ",
            PlaceKind::Hometown => "Hometown: ",
            PlaceKind::Family => "Family in ",
            PlaceKind::Lived => "Lived in ",
            PlaceKind::Worked => "Worked in ",
            PlaceKind::Visited => "Has visited ",
            PlaceKind::Interest => "Interested in ",
            PlaceKind::Past => "Engaged in ",
        });
        name_to(out);
        if kind == PlaceKind::Past {
            out.push_str(" before");
        }
    }
}

/// The labels of the themes in `mask`, joined (`地域活性化、関係人口`).
pub(super) fn theme_labels(mask: u32, japanese: bool) -> Labels {
    let mut labels = Labels::new(if japanese { "、" } else { ", " });
    for (position, theme) in taxonomy::themes().iter().enumerate().take(32) {
        if mask & (1 << position) != 0 {
            labels.push(if japanese { theme.ja } else { theme.en });
        }
    }
    labels
}

/// The labels of the meeting slots in `mask`, joined (`平日夜・週末`).
pub(super) fn slot_labels(mask: u8, japanese: bool) -> Labels {
    let mut labels = Labels::new(if japanese { "・" } else { ", " });
    for &slot in MeetingSlot::ALL.iter() {
        if mask & slot_bit(slot) != 0 {
            labels.push(match (slot, japanese) {
                (MeetingSlot::WeekdayDay, true) => "平日日中",
                (MeetingSlot::WeekdayEvening, true) => "平日夜",
                (MeetingSlot::Weekend, true) => "週末",
                (MeetingSlot::WeekdayDay, false) => "weekday daytime",
                (MeetingSlot::WeekdayEvening, false) => "weekday evenings",
                (MeetingSlot::Weekend, false) => "weekends",
            });
        }
    }
    labels
}

/// Up to 32 static labels and their separator, displayed joined, with no heap.
pub(super) struct Labels {
    labels: [&'static str; 32],
    len: usize,
    separator: &'static str,
}

impl Labels {
    fn new(separator: &'static str) -> Self {
        Self {
            labels: [""; 32],
            len: 0,
            separator,
        }
    }

    fn push(&mut self, label: &'static str) {
        if let Some(slot) = self.labels.get_mut(self.len) {
            *slot = label;
            self.len += 1;
        }
    }
}

impl fmt::Display for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.put(&mut text);
        f.write_str(&text)
    }
}

pub(super) fn style_ja(style: Style) -> &'static str {
    match style {
        Style::HandsOn => "実務",
        Style::Advisory => "助言",
        Style::Either => "どちらも可",
    }
}

pub(super) fn style_en(style: Style) -> &'static str {
    match style {
        Style::HandsOn => "hands-on",
        Style::Advisory => "advisory",
        Style::Either => "either",
    }
}

pub(super) fn work_style_ja(style: WorkStyle) -> &'static str {
    match style {
        WorkStyle::Remote => "リモート",
        WorkStyle::Hybrid => "ハイブリッド",
        WorkStyle::Onsite => "現地",
    }
}

pub(super) fn work_style_en(style: WorkStyle) -> &'static str {
    match style {
        WorkStyle::Remote => "remote",
        WorkStyle::Hybrid => "hybrid",
        WorkStyle::Onsite => "on-site",
    }
}

impl Piece for Labels {
    fn put(&self, out: &mut String) {
        for (i, label) in self.labels[..self.len].iter().enumerate() {
            if i > 0 {
                out.push_str(self.separator);
            }
            out.push_str(label);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factors::reasons::format::text;

    #[test]
    fn ties_read_naturally_in_both_languages() {
        let nagano = taxonomy::prefecture_by_code(20).unwrap();
        let tie = |kind, name, japanese| {
            let mut out = String::new();
            write_tie(&mut out, kind, name, japanese);
            out
        };
        let city = PlaceName::City(nagano, "塩尻市");
        assert_eq!(tie(PlaceKind::Past, city, true), "長野県塩尻市で参画経験");
        assert_eq!(
            tie(PlaceKind::Past, city, false),
            "Engaged in 塩尻市, Nagano before"
        );
        let prefecture = PlaceName::Prefecture(nagano);
        assert_eq!(tie(PlaceKind::Lived, prefecture, true), "長野県に居住経験");
        assert_eq!(tie(PlaceKind::Lived, prefecture, false), "Lived in Nagano");
        assert_eq!(tie(PlaceKind::Home, PlaceName::Unknown, true), "在住");
    }

    #[test]
    fn labels_join_with_the_language_s_separator() {
        let all = u8::MAX;
        assert_eq!(slot_labels(all, true).to_string(), "平日日中・平日夜・週末");
        assert_eq!(
            slot_labels(all, false).to_string(),
            "weekday daytime, weekday evenings, weekends"
        );
        assert_eq!(slot_labels(0, true).to_string(), "");
        let themes = taxonomy::themes();
        assert_eq!(
            theme_labels(0b11, true).to_string(),
            text!(themes[0].ja, "、", themes[1].ja)
        );
    }
}
