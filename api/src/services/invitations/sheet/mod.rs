//! Reading a coordinator's CSV of professionals: the bytes' encoding, the header, and
//! each row as a parsed invitee or the problems of its cells.
//!
//! The file: UTF-8 (with or without a BOM, as Excel writes "CSV UTF-8") or Shift_JIS (as
//! Japanese Excel writes plain "CSV"), detected unless the caller says which. The first
//! record is the header; each column may be named in English or Japanese (see
//! [`Column`]); their order is free. A header missing a required column, naming a column
//! twice or naming one we do not know refuses the whole file, as do bytes in neither
//! encoding, more than [`MAX_BYTES`] or more than [`MAX_ROWS`] rows.

mod cells;

use std::collections::HashMap;

pub use cells::{CellProblem, Invitee, RowProblem, parse_row, parse_skills};

/// The largest file read: 2 MB.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// The most rows (besides the header) a file may have.
pub const MAX_ROWS: usize = 5_000;

/// How the file's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 when the bytes are UTF-8 (a BOM is dropped), else Shift_JIS.
    Auto,
    /// UTF-8, with or without a BOM.
    Utf8,
    /// Shift_JIS (Windows-31J, as Excel writes it).
    ShiftJis,
}

impl Encoding {
    /// `auto`, `utf-8` or `shift_jis` (and their common spellings).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "" | "auto" => Some(Self::Auto),
            "utf_8" | "utf8" => Some(Self::Utf8),
            "shift_jis" | "sjis" | "shiftjis" | "cp932" | "windows_31j" => Some(Self::ShiftJis),
            _ => None,
        }
    }

    /// The name a report gives the encoding used.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Utf8 => "utf-8",
            Self::ShiftJis => "shift_jis",
        }
    }
}

/// A column of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `name` / `氏名`: the person's name (required).
    Name,
    /// `email` / `メール`: their address (required); duplicates are found by it.
    Email,
    /// `headline` / `見出し`: the profile's one line (required).
    Headline,
    /// `hours_per_month` / `月間稼働時間`: 1–320 (required).
    HoursPerMonth,
    /// `work_style` / `働き方`: `remote`, `hybrid` or `onsite` (リモート, ハイブリッド,
    /// 現地) (required).
    WorkStyle,
    /// `prefecture` / `都道府県`: where they live (required).
    Prefecture,
    /// `city` / `市区町村`.
    City,
    /// `skills` / `スキル`: taxonomy keys or names separated by `;` or `、`, each with an
    /// optional level 1–5 after a colon (`digital_marketing:4; EC`).
    Skills,
    /// `bio` / `自己紹介`.
    Bio,
}

impl Column {
    /// Every column, in the documented order.
    pub const ALL: [Self; 9] = [
        Self::Name,
        Self::Email,
        Self::Headline,
        Self::HoursPerMonth,
        Self::WorkStyle,
        Self::Prefecture,
        Self::City,
        Self::Skills,
        Self::Bio,
    ];

    /// The English header name (also the field a JSON report names).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Headline => "headline",
            Self::HoursPerMonth => "hours_per_month",
            Self::WorkStyle => "work_style",
            Self::Prefecture => "prefecture",
            Self::City => "city",
            Self::Skills => "skills",
            Self::Bio => "bio",
        }
    }

    /// Japanese header names accepted for the column.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Name => &["氏名", "名前", "お名前"],
            Self::Email => &["メール", "メールアドレス", "e-mail"],
            Self::Headline => &["見出し", "肩書き", "肩書"],
            Self::HoursPerMonth => &["月間稼働時間", "稼働時間", "月間時間"],
            Self::WorkStyle => &["働き方", "勤務形態"],
            Self::Prefecture => &["都道府県", "居住地"],
            Self::City => &["市区町村"],
            Self::Skills => &["スキル"],
            Self::Bio => &["自己紹介", "経歴"],
        }
    }

    /// Whether the header must name the column.
    pub fn required(self) -> bool {
        !matches!(self, Self::City | Self::Skills | Self::Bio)
    }

    fn from_header(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|column| {
            column.as_str().eq_ignore_ascii_case(text) || column.aliases().contains(&text)
        })
    }
}

/// Why a whole file is refused (nothing of it is imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// More than [`MAX_BYTES`].
    TooLarge,
    /// More than [`MAX_ROWS`] rows.
    TooManyRows,
    /// Neither UTF-8 nor Shift_JIS (or not the encoding asked for).
    Encoding,
    /// No header.
    Empty,
    /// The CSV itself could not be read (at this line).
    Unreadable(u64),
    /// The header lacks a required column.
    MissingColumn(Column),
    /// The header names a column we do not know.
    UnknownColumn(String),
    /// The header names a column twice.
    RepeatedColumn(Column),
}

impl FileProblem {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::TooManyRows => "too_many_rows",
            Self::Encoding => "encoding",
            Self::Empty => "empty",
            Self::Unreadable(_) => "unreadable",
            Self::MissingColumn(_) => "missing_column",
            Self::UnknownColumn(_) => "unknown_column",
            Self::RepeatedColumn(_) => "repeated_column",
        }
    }

    /// The English words for a problem's detail.
    pub fn detail(&self) -> String {
        match self {
            Self::TooLarge => format!("the file is larger than {} MB", MAX_BYTES / 1024 / 1024),
            Self::TooManyRows => format!("the file has more than {MAX_ROWS} rows"),
            Self::Encoding => "the file is neither UTF-8 nor Shift_JIS text".to_owned(),
            Self::Empty => "the file has no header row".to_owned(),
            Self::Unreadable(line) => format!("the CSV cannot be read at line {line}"),
            Self::MissingColumn(column) => {
                format!("the header has no column {:?}", column.as_str())
            }
            Self::UnknownColumn(name) => format!("the header names an unknown column {name:?}"),
            Self::RepeatedColumn(column) => {
                format!("the header names the column {:?} twice", column.as_str())
            }
        }
    }
}

/// A row of the file, by column.
#[derive(Debug, Clone)]
pub struct SheetRow {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    cells: HashMap<Column, String>,
}

impl SheetRow {
    /// The trimmed cell of a column ("" when absent).
    pub fn cell(&self, column: Column) -> &str {
        self.cells.get(&column).map_or("", String::as_str)
    }
}

/// A read file.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The encoding it was read in.
    pub encoding: Encoding,
    /// Its rows, in order.
    pub rows: Vec<SheetRow>,
}

fn decode(bytes: &[u8], encoding: Encoding) -> Result<(String, Encoding), FileProblem> {
    let utf8 = || {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(body).ok().map(str::to_owned)
    };
    let shift_jis = || {
        encoding_rs::SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
    };
    let decoded = match encoding {
        Encoding::Utf8 => utf8().map(|text| (text, Encoding::Utf8)),
        Encoding::ShiftJis => shift_jis().map(|text| (text, Encoding::ShiftJis)),
        Encoding::Auto => utf8()
            .map(|text| (text, Encoding::Utf8))
            .or_else(|| shift_jis().map(|text| (text, Encoding::ShiftJis))),
    };
    let (text, used) = decoded.ok_or(FileProblem::Encoding)?;
    // Text files hold no NULs or other C0 controls but tab and line ends: bytes that
    // decode without one are binary (a spreadsheet saved as .xlsx, say), not a CSV.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(FileProblem::Encoding);
    }
    Ok((text, used))
}

/// Reads a file: its encoding, header and rows. Only the file as a whole is judged here;
/// the cells are [`parse_row`]'s.
pub fn read(bytes: &[u8], encoding: Encoding) -> Result<Sheet, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let (text, used) = decode(bytes, encoding)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(FileProblem::Empty),
        Some(Err(error)) => return Err(unreadable(&error)),
        Some(Ok(header)) => header,
    };
    let mut columns = Vec::with_capacity(header.len());
    for name in &header {
        if name.trim().is_empty() {
            // Excel leaves empty header cells after the last column; they carry nothing.
            columns.push(None);
            continue;
        }
        let column =
            Column::from_header(name).ok_or_else(|| FileProblem::UnknownColumn(name.to_owned()))?;
        if columns.contains(&Some(column)) {
            return Err(FileProblem::RepeatedColumn(column));
        }
        columns.push(Some(column));
    }
    if let Some(missing) = Column::ALL
        .into_iter()
        .find(|column| column.required() && !columns.contains(&Some(*column)))
    {
        return Err(FileProblem::MissingColumn(missing));
    }
    // A row's line, counted from where its first cell starts: the csv crate's own count
    // (and its offset) fall one behind after CRLF line ends, Excel's, which would send
    // people to the wrong row.
    let bytes = text.as_bytes();
    let mut counted = (0_usize, 1_u64);
    let mut line_at = |at: u64| {
        let mut start = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let (from, lines) = counted;
        let more = bytes[from.min(start)..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        counted = (start.max(from), lines + more);
        counted.1
    };
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|error| unreadable(&error))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let cells = columns
            .iter()
            .zip(record.iter())
            .filter_map(|(column, cell)| column.map(|column| (column, cell.trim().to_owned())))
            .collect();
        rows.push(SheetRow {
            line: record.position().map_or(0, |at| line_at(at.byte())),
            cells,
        });
    }
    Ok(Sheet {
        encoding: used,
        rows,
    })
}

fn unreadable(error: &csv::Error) -> FileProblem {
    FileProblem::Unreadable(error.position().map_or(0, csv::Position::line))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "氏名,メール,headline,hours_per_month,働き方,都道府県,市区町村,スキル,自己紹介\n";

    #[test]
    fn each_row_is_reported_at_its_line_in_the_file_with_crlf_line_ends_too() {
        let row = "山田 花子,hanako@example.jp,マーケター,24,リモート,長野,塩尻市,,\r\n";
        let text = format!("{}{row}{row}", HEADER.replace('\n', "\r\n"));
        let sheet = read(text.as_bytes(), Encoding::Auto).unwrap();
        let lines: Vec<u64> = sheet.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn a_bom_and_japanese_headers_are_read_and_a_row_parses() {
        let text = format!(
            "\u{feff}{HEADER}山田 花子,Hanako@Example.JP,マーケター,２４,リモート,長野,塩尻市,\"digital_marketing:4、EC\",\"10年, EC\"\n"
        );
        let sheet = read(text.as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(sheet.encoding, Encoding::Utf8);
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].line, 2);
        let invitee = parse_row(&sheet.rows[0]).unwrap();
        assert_eq!(invitee.email, "hanako@example.jp");
        assert_eq!(invitee.display_name, "山田 花子");
        let profile = invitee.profile.input();
        assert_eq!(profile.hours_per_month, 24);
        assert_eq!(profile.home.prefecture, "長野県");
        assert_eq!(profile.bio, "10年, EC");
        assert_eq!(profile.skills[0].skill, "digital_marketing");
        assert_eq!(profile.skills[0].level, 4);
        assert_eq!(profile.skills.len(), 2);
    }

    #[test]
    fn shift_jis_is_detected() {
        let text = format!("{HEADER}山田 花子,h@example.jp,マーケター,24,remote,長野県,,,\n");
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let sheet = read(&bytes, Encoding::Auto).unwrap();
        assert_eq!(sheet.encoding, Encoding::ShiftJis);
        assert_eq!(parse_row(&sheet.rows[0]).unwrap().display_name, "山田 花子");
        assert_eq!(
            read(&bytes, Encoding::Utf8).unwrap_err(),
            FileProblem::Encoding
        );
    }

    #[test]
    fn a_broken_header_refuses_the_file() {
        let missing = "name,headline,hours_per_month,work_style,prefecture\n";
        assert_eq!(
            read(missing.as_bytes(), Encoding::Auto).unwrap_err(),
            FileProblem::MissingColumn(Column::Email)
        );
        let unknown = "name,email,emial,headline,hours_per_month,work_style,prefecture\n";
        assert_eq!(
            read(unknown.as_bytes(), Encoding::Auto).unwrap_err(),
            FileProblem::UnknownColumn("emial".to_owned())
        );
        let twice = "name,email,メール,headline,hours_per_month,work_style,prefecture\n";
        assert_eq!(
            read(twice.as_bytes(), Encoding::Auto).unwrap_err(),
            FileProblem::RepeatedColumn(Column::Email)
        );
        assert_eq!(read(b"", Encoding::Auto).unwrap_err(), FileProblem::Empty);
        assert_eq!(
            read(b"\x00\x01PK\x03\x04", Encoding::Auto).unwrap_err(),
            FileProblem::Encoding
        );
    }
}
