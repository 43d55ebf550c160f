//! The coordinator's spreadsheets: the region's needs, applications and matches, and the
//! monthly report, as CSV files Excel opens.
//!
//! - UTF-8 with a byte-order mark by default: without it Japanese Excel reads UTF-8 as
//!   Shift_JIS and shows mojibake. `shift_jis` (Windows-31J, the WHATWG encoder) on
//!   request, for older tools; JIS characters Windows writes at other code points (the
//!   wave dash `〜`, `—`, `‖`, `¢`, `£`, `¬`) are written in their Windows forms, and a
//!   character Shift_JIS cannot hold at all (an emoji, an accented letter) becomes `?`,
//!   as Windows' own conversion does, and is counted in the log.
//! - Written by the `csv` crate: fields with commas, quotes or line breaks are quoted,
//!   lines end in CRLF (RFC 4180).
//! - Formula injection neutralised: a cell beginning with `=`, `+`, `-`, `@`, a tab or a
//!   carriage return (or their full-width forms `＝＋－＠`) gets a leading `'`, so a
//!   spreadsheet shows it as text instead of running it.
//! - Headers are fixed English snake_case (the same for the page and the API), times are
//!   `YYYY-MM-DD HH:MM` in Asia/Tokyo, statuses their API names.
//!
//! CSV *import* (invitations) is another module's; this one only writes.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{Result, applications, matches::Parties, reports::RegionReport};
use crate::{
    access::{self, Action, Actor},
    domain::{ids::RegionId, matching::MatchStatus, meeting::MeetingStatus},
    repo::{self, reports::MonthCounts},
};

/// Which list of the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// Every need, open and closed.
    Needs,
    /// Every application to the region's needs.
    Applications,
    /// Every match of the region.
    Matches,
}

impl ExportKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Needs, Self::Applications, Self::Matches];

    /// Its name in paths and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Needs => "needs",
            Self::Applications => "applications",
            Self::Matches => "matches",
        }
    }

    /// Parses a name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// The bytes a file is written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 with a byte-order mark.
    #[default]
    Utf8Bom,
    /// Shift_JIS (Windows-31J); what it cannot hold becomes `?`.
    ShiftJis,
}

impl Encoding {
    /// `utf-8` or `shift_jis` (as `?encoding=` names them).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Self::Utf8Bom),
            "shift_jis" | "shift-jis" | "sjis" => Some(Self::ShiftJis),
            _ => None,
        }
    }

    /// The `charset` of the file's content type.
    pub fn charset(self) -> &'static str {
        match self {
            Self::Utf8Bom => "utf-8",
            Self::ShiftJis => "shift_jis",
        }
    }
}

/// A sheet: a header row and rows of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub headers: &'static [&'static str],
    /// The rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

/// The columns of the needs export.
pub const NEEDS_COLUMNS: &[&str] = &[
    "id",
    "title",
    "organization",
    "status",
    "role",
    "headcount",
    "hours_per_month",
    "work_style",
    "posted_at",
    "applicants",
];

/// The columns of the applications export.
pub const APPLICATIONS_COLUMNS: &[&str] = &[
    "id",
    "need_id",
    "need_title",
    "professional",
    "status",
    "submitted_at",
];

/// The columns of the matches export.
pub const MATCHES_COLUMNS: &[&str] = &[
    "id",
    "need_id",
    "need_title",
    "professional",
    "status",
    "origin",
    "created_at",
    "meeting_at",
    "outcome",
];

/// The columns of the monthly report.
pub const REPORT_COLUMNS: &[&str] = &[
    "month",
    "needs",
    "applications",
    "introductions",
    "meetings",
    "contracts",
];

/// `YYYY-MM-DD HH:MM` in Asia/Tokyo.
fn tokyo(at: DateTime<Utc>) -> String {
    crate::email::in_tokyo(at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Today in Asia/Tokyo, for file names.
pub fn tokyo_today(now: DateTime<Utc>) -> NaiveDate {
    crate::email::in_tokyo(now).date()
}

/// One list of region `id`, for its coordinators: 403 for other roles, 404 for a
/// coordinator of another region.
#[tracing::instrument(skip_all, fields(region_id = %id, kind = kind.as_str()))]
pub async fn region(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: RegionId,
    kind: ExportKind,
) -> Result<Table> {
    access::decide(Some(actor), Action::CoordinateRegion(id.into())).check()?;
    let region_id = Uuid::from(id);
    match kind {
        ExportKind::Needs => needs(db, region_id).await,
        ExportKind::Applications => applications(db, actor, region_id).await,
        ExportKind::Matches => matches(db, region_id).await,
    }
}

async fn needs(db: &impl ConnectionTrait, region_id: Uuid) -> Result<Table> {
    let needs = repo::needs::in_region(db, region_id).await?;
    let organizations = repo::needs::organizations_of(db, &needs).await?;
    let counts = repo::needs::applicant_counts(db, region_id).await?;
    let rows = needs
        .iter()
        .map(|need| {
            vec![
                need.id.to_string(),
                need.title.clone(),
                organizations
                    .get(&need.organization_id)
                    .map(|organization| organization.name.clone())
                    .unwrap_or_default(),
                need.status.clone(),
                need.role.clone(),
                need.headcount.to_string(),
                format!("{}-{}", need.hours_min, need.hours_max),
                need.work_style.clone(),
                tokyo(need.created_at),
                counts
                    .get(&need.id)
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
            ]
        })
        .collect();
    Ok(Table {
        headers: NEEDS_COLUMNS,
        rows,
    })
}

async fn applications(db: &impl ConnectionTrait, actor: &Actor, region_id: Uuid) -> Result<Table> {
    let rows = repo::applications::of_region(db, region_id).await?;
    // Coordinators see applicants by name; `details` asks the policy all the same.
    let rows = applications::details(db, actor, rows)
        .await?
        .into_iter()
        .map(|detail| {
            let row = detail.application;
            vec![
                row.id.to_string(),
                row.need_id.to_string(),
                detail.need_title,
                detail.applicant_name.unwrap_or(detail.applicant_display),
                row.status,
                tokyo(row.created_at),
            ]
        })
        .collect();
    Ok(Table {
        headers: APPLICATIONS_COLUMNS,
        rows,
    })
}

async fn matches(db: &impl ConnectionTrait, region_id: Uuid) -> Result<Table> {
    let found = repo::matches::of_region(db, region_id).await?;
    let parties = Parties::of_matches(db, &found).await?;
    let ids: Vec<Uuid> = found.iter().map(|row| row.id).collect();
    let meetings = repo::matches::shown_meetings(db, &ids).await?;
    let mut rows = Vec::with_capacity(found.len());
    for (row, parties) in found.iter().zip(parties) {
        let meeting_at = meetings
            .get(&row.id)
            .filter(|meeting| meeting.status != MeetingStatus::Cancelled.as_str())
            .map(|meeting| tokyo(meeting.starts_at))
            .unwrap_or_default();
        let outcome = match row.status()? {
            status @ (MatchStatus::Contracted | MatchStatus::Declined) => status.as_str(),
            _ => "",
        };
        rows.push(vec![
            row.id.to_string(),
            row.need_id.to_string(),
            parties.need.title.clone(),
            parties.professional.display_name.clone(),
            row.status.clone(),
            row.origin.clone(),
            tokyo(row.created_at),
            meeting_at,
            outcome.to_owned(),
        ]);
    }
    Ok(Table {
        headers: MATCHES_COLUMNS,
        rows,
    })
}

/// The monthly report as a sheet: one row a month, oldest first, then `total`.
pub fn report(report: &RegionReport) -> Table {
    let row = |month: &MonthCounts| {
        vec![
            month.month.clone(),
            month.needs.to_string(),
            month.applications.to_string(),
            month.introductions.to_string(),
            month.meetings.to_string(),
            month.contracts.to_string(),
        ]
    };
    Table {
        headers: REPORT_COLUMNS,
        rows: report
            .months
            .iter()
            .chain(std::iter::once(&report.total))
            .map(row)
            .collect(),
    }
}

/// A CSV file ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    /// `musubi-needs-2026-12-04.csv`.
    pub file_name: String,
    /// The bytes, in `encoding`.
    pub bytes: Vec<u8>,
    /// How they are encoded.
    pub encoding: Encoding,
    /// Characters the encoding could not hold, written as `?`.
    pub replaced: usize,
}

impl CsvFile {
    /// `text/csv; charset=…`.
    pub fn content_type(&self) -> String {
        format!("text/csv; charset={}", self.encoding.charset())
    }

    /// `attachment` with the file name, plain and as RFC 5987 `filename*`.
    pub fn content_disposition(&self) -> String {
        let encoded: String = form_urlencoded::byte_serialize(self.file_name.as_bytes()).collect();
        format!(
            "attachment; filename=\"{}\"; filename*=UTF-8''{}",
            self.file_name.replace(['"', '\\'], "_"),
            encoded.replace('+', "%20")
        )
    }
}

/// A cell as a spreadsheet may read it without running it: a leading `'` before what
/// would start a formula.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Writes a sheet as `musubi-{name}-{date}.csv` in `encoding`.
pub fn csv_file(
    table: &Table,
    name: &str,
    date: NaiveDate,
    encoding: Encoding,
) -> anyhow::Result<CsvFile> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(table.headers)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|cell| neutralised(cell).into_owned()))?;
    }
    let text = String::from_utf8(writer.into_inner().map_err(|error| error.into_error())?)?;
    let (bytes, replaced) = match encoding {
        Encoding::Utf8Bom => {
            let mut bytes = Vec::with_capacity(text.len() + 3);
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
            bytes.extend_from_slice(text.as_bytes());
            (bytes, 0)
        }
        Encoding::ShiftJis => shift_jis(&text),
    };
    if replaced > 0 {
        tracing::info!(
            replaced,
            "characters Shift_JIS cannot hold were written as ?"
        );
    }
    Ok(CsvFile {
        file_name: format!("musubi-{name}-{}.csv", date.format("%Y-%m-%d")),
        bytes,
        encoding,
        replaced,
    })
}

/// The Windows-31J form of characters that JIS X 0208 text (as macOS and many
/// Japanese tools write it) uses where Windows has another code point: the same glyph to
/// a reader of the file, so `10時〜18時` keeps its wave dash.
fn windows_form(character: char) -> Option<char> {
    Some(match character {
        '\u{301C}' => '\u{FF5E}', // 〜 WAVE DASH → ～ FULLWIDTH TILDE
        '\u{2014}' => '\u{2015}', // — EM DASH → ― HORIZONTAL BAR
        '\u{2016}' => '\u{2225}', // ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
        '\u{00A2}' => '\u{FFE0}', // ¢ → ￠
        '\u{00A3}' => '\u{FFE1}', // £ → ￡
        '\u{00AC}' => '\u{FFE2}', // ¬ → ￢
        '\u{00A0}' => ' ',        // no-break space → space
        _ => return None,
    })
}

/// `text` in Shift_JIS, with `?` for each character it cannot hold (after trying the
/// character's Windows form), and how many those were. (`encoding_rs` alone would write
/// them as HTML character references.)
fn shift_jis(text: &str) -> (Vec<u8>, usize) {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    if !unmappable {
        return (bytes.into_owned(), 0);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut replaced = 0;
    let mut buffer = [0u8; 4];
    for character in text.chars() {
        let character = windows_form(character).unwrap_or(character);
        let (bytes, _, unmappable) =
            encoding_rs::SHIFT_JIS.encode(character.encode_utf8(&mut buffer));
        if unmappable {
            out.push(b'?');
            replaced += 1;
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    (out, replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(cells: &[&str]) -> Table {
        Table {
            headers: &["a", "b"],
            rows: vec![cells.iter().map(|cell| (*cell).to_owned()).collect()],
        }
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    #[test]
    fn formula_starters_get_a_leading_quote_and_other_text_does_not() {
        for cell in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1",
        ] {
            assert_eq!(neutralised(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["CMO", "1", "", "a=b", "'quoted", "塩尻"] {
            assert_eq!(neutralised(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn utf8_files_start_with_a_bom_and_quote_japanese_with_commas() {
        let file = csv_file(
            &sheet(&["CMO（マーケティング責任者）, \"週2\"", "=1"]),
            "needs",
            date(),
            Encoding::Utf8Bom,
        )
        .unwrap();
        assert_eq!(file.file_name, "musubi-needs-2026-12-04.csv");
        assert!(file.bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = std::str::from_utf8(&file.bytes[3..]).unwrap();
        assert_eq!(
            text,
            "a,b\r\n\"CMO（マーケティング責任者）, \"\"週2\"\"\",'=1\r\n"
        );
    }

    #[test]
    fn shift_jis_writes_what_it_can_hold_and_a_question_mark_for_the_rest() {
        let file = csv_file(
            &sheet(&["塩尻の髙橋①、10時〜18時", "絵文字😀—é"]),
            "x",
            date(),
            Encoding::ShiftJis,
        )
        .unwrap();
        assert_eq!(file.replaced, 2);
        let (text, _, malformed) = encoding_rs::SHIFT_JIS.decode(&file.bytes);
        assert!(!malformed);
        // The wave dash and the em dash are written in their Windows forms.
        assert_eq!(text, "a,b\r\n塩尻の髙橋①、10時～18時,絵文字?―?\r\n");
        assert_eq!(file.content_type(), "text/csv; charset=shift_jis");
    }

    #[test]
    fn the_disposition_names_the_file_twice() {
        let file = csv_file(&sheet(&["1", "2"]), "report", date(), Encoding::Utf8Bom).unwrap();
        assert_eq!(
            file.content_disposition(),
            "attachment; filename=\"musubi-report-2026-12-04.csv\"; filename*=UTF-8''musubi-report-2026-12-04.csv"
        );
    }

    #[test]
    fn the_report_sheet_has_a_row_a_month_and_the_total() {
        let month = MonthCounts {
            month: "2026-12".to_owned(),
            needs: 3,
            applications: 5,
            introductions: 2,
            meetings: 1,
            contracts: 1,
        };
        let total = MonthCounts {
            month: "total".to_owned(),
            ..month.clone()
        };
        let table = report(&RegionReport {
            region_id: Uuid::nil(),
            months: vec![month],
            total,
            reply_speed: Default::default(),
            engagements: Default::default(),
        });
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0], ["2026-12", "3", "5", "2", "1", "1"]);
        assert_eq!(table.rows[1][0], "total");
    }
}
