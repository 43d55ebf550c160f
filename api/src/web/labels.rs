//! The words a page shows for the domain's codes: roles, skills, themes and industries
//! from the taxonomy (which carries Japanese and English), the rest from the catalogue.

use musubi_matcher::taxonomy;

use super::frame::Frame;
use crate::domain::{
    enums::{MeetingSlot, OrganizationKind, Role, Style, WorkStyle},
    need::NeedInput,
};

/// A role's label.
pub fn role(frame: &Frame, role: Role) -> String {
    let label = taxonomy::role_label(role.into());
    frame.pick(label.ja, label.en).to_owned()
}

/// Every role, as `(code, label)` for a select.
pub fn role_choices(frame: &Frame) -> Vec<(String, String)> {
    taxonomy::roles()
        .iter()
        .map(|label| {
            (
                label.role.as_str().to_owned(),
                frame.pick(label.ja, label.en).to_owned(),
            )
        })
        .collect()
}

/// A work style's label.
pub fn work_style(frame: &Frame, style: WorkStyle) -> String {
    frame
        .msg(match style {
            WorkStyle::Remote => "work_style.remote",
            WorkStyle::Hybrid => "work_style.hybrid",
            WorkStyle::Onsite => "work_style.onsite",
        })
        .to_owned()
}

/// Every work style, as `(code, label)` for a select.
pub fn work_style_choices(frame: &Frame) -> Vec<(String, String)> {
    [WorkStyle::Remote, WorkStyle::Hybrid, WorkStyle::Onsite]
        .into_iter()
        .map(|style| (style.as_str().to_owned(), work_style(frame, style)))
        .collect()
}

/// Hands-on or advisory.
pub fn style(frame: &Frame, style: Style) -> String {
    frame
        .msg(match style {
            Style::HandsOn => "style.hands_on",
            Style::Advisory => "style.advisory",
            Style::Either => "style.either",
        })
        .to_owned()
}

/// When meetings can happen.
pub fn meeting_slot(frame: &Frame, slot: MeetingSlot) -> String {
    frame
        .msg(match slot {
            MeetingSlot::WeekdayDay => "slot.weekday_day",
            MeetingSlot::WeekdayEvening => "slot.weekday_evening",
            MeetingSlot::Weekend => "slot.weekend",
        })
        .to_owned()
}

/// An organization's kind (stored as text).
pub fn organization_kind(frame: &Frame, kind: &str) -> String {
    match OrganizationKind::parse(kind) {
        Some(OrganizationKind::Sme) => frame.msg("org.kind.sme").to_owned(),
        Some(OrganizationKind::Municipality) => frame.msg("org.kind.municipality").to_owned(),
        None => kind.to_owned(),
    }
}

/// A skill's label by its key (the key itself if the taxonomy has no such skill).
pub fn skill(frame: &Frame, key: &str) -> String {
    taxonomy::skill(key).map_or_else(|| key.to_owned(), |s| frame.pick(s.ja, s.en).to_owned())
}

/// A theme's label by its key.
pub fn theme(frame: &Frame, key: &str) -> String {
    taxonomy::theme(key).map_or_else(|| key.to_owned(), |t| frame.pick(t.ja, t.en).to_owned())
}

/// An industry's label by its key (free text is shown as written).
pub fn industry(frame: &Frame, key: &str) -> String {
    taxonomy::industry(key).map_or_else(|| key.to_owned(), |i| frame.pick(i.ja, i.en).to_owned())
}

/// Every industry, as `(key, label)` for a select.
pub fn industry_choices(frame: &Frame) -> Vec<(String, String)> {
    taxonomy::industries()
        .iter()
        .map(|i| (i.key.to_owned(), frame.pick(i.ja, i.en).to_owned()))
        .collect()
}

/// Yen with thousands separators: `50,000`.
pub fn yen(amount: u32) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Monthly hours: 「月16〜32時間」.
pub fn hours(frame: &Frame, spec: &NeedInput) -> String {
    frame.msg_with(
        "need.hours",
        &[
            ("min", &spec.hours_per_month.min.to_string()),
            ("max", &spec.hours_per_month.max.to_string()),
        ],
    )
}

/// What the work pays: a monthly range, or pro bono.
pub fn pay(frame: &Frame, spec: &NeedInput) -> String {
    match spec.compensation_jpy {
        Some(range) if !spec.pro_bono || range.max > 0 => frame.msg_with(
            "need.pay.range",
            &[("min", &yen(range.min)), ("max", &yen(range.max))],
        ),
        _ => frame.msg("need.pay.pro_bono").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yen_is_grouped_by_thousands() {
        assert_eq!(yen(0), "0");
        assert_eq!(yen(999), "999");
        assert_eq!(yen(50_000), "50,000");
        assert_eq!(yen(1_234_567), "1,234,567");
    }
}
