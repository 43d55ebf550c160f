//! `/region/import`: a coordinator uploads a CSV of professionals the region already
//! knows; each good row is invited by email to make an account (`services::invitations`,
//! as `POST /api/v1/regions/{id}/invitations/import`). The answer is the report, row by
//! row, in the page's language: invited, skipped as a duplicate, or rejected with each
//! cell's problem; a file refused as a whole says why beside the file field and changed
//! nothing. For the region's coordinators; other roles get the 403 page.
//!
//! The upload is `multipart/form-data` (a file input), read by [`crate::web::upload`];
//! its CSRF token is checked before the file is read as CSV. The report is the POST's
//! own answer (it exists only for this upload); sending the same file again invites no
//! one twice, as every row is then a duplicate of a pending invitation.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;

use crate::{
    services::invitations::{
        self, DuplicateOf, ImportReport, Imported, Outcome,
        sheet::{CellProblem, Column, Encoding, FileProblem, MAX_ROWS, RowProblem},
    },
    state::AppState,
    web::{
        caller::PageUser,
        errors::PageError,
        form::{Errors, SelectField},
        frame::{Frame, page},
        upload::Upload,
    },
};

/// A column as the page documents it.
#[derive(Debug)]
struct ColumnDoc {
    header: &'static str,
    label: String,
    required: bool,
}

/// A row of the report.
#[derive(Debug)]
struct ReportRow {
    line: u64,
    name: String,
    email: String,
    /// What became of it, in words (one line a problem).
    result: Vec<String>,
}

/// The report of an upload.
#[derive(Debug)]
struct Report {
    summary: String,
    attention: Vec<ReportRow>,
    invited: Vec<ReportRow>,
}

#[derive(Template)]
#[template(path = "region_import.html")]
struct ImportPage<'a> {
    frame: &'a Frame,
    errors: Errors,
    file_error: Option<String>,
    encoding: SelectField,
    columns: Vec<ColumnDoc>,
    file_hint: String,
    report: Option<Report>,
}

fn column_label(frame: &Frame, column: Column) -> String {
    frame
        .msg(match column {
            Column::Name => "import.column.name",
            Column::Email => "import.column.email",
            Column::Headline => "import.column.headline",
            Column::HoursPerMonth => "import.column.hours_per_month",
            Column::WorkStyle => "import.column.work_style",
            Column::Prefecture => "import.column.prefecture",
            Column::City => "import.column.city",
            Column::Skills => "import.column.skills",
            Column::Bio => "import.column.bio",
        })
        .to_owned()
}

fn problem_text(frame: &Frame, problem: &RowProblem) -> String {
    let key = match problem.problem {
        CellProblem::Missing => "import.problem.missing",
        CellProblem::Invalid => "import.problem.invalid",
        CellProblem::TooLong => "import.problem.too_long",
        CellProblem::OutOfRange => "import.problem.out_of_range",
        CellProblem::UnknownSkill => "import.problem.unknown_skill",
        CellProblem::UnknownPrefecture => "import.problem.unknown_prefecture",
    };
    frame.msg_with(
        key,
        &[
            ("column", &column_label(frame, problem.column)),
            ("value", problem.value.as_deref().unwrap_or_default()),
        ],
    )
}

fn file_problem_text(frame: &Frame, problem: &FileProblem) -> String {
    match problem {
        FileProblem::TooLarge => frame.msg("import.refused.too_large").to_owned(),
        FileProblem::TooManyRows => frame.msg_with(
            "import.refused.too_many_rows",
            &[("rows", &MAX_ROWS.to_string())],
        ),
        FileProblem::Encoding => frame.msg("import.refused.encoding").to_owned(),
        FileProblem::Empty => frame.msg("import.refused.empty").to_owned(),
        FileProblem::Unreadable(line) => {
            frame.msg_with("import.refused.unreadable", &[("line", &line.to_string())])
        }
        FileProblem::MissingColumn(column) => frame.msg_with(
            "import.refused.missing_column",
            &[
                ("column", column.as_str()),
                ("label", &column_label(frame, *column)),
            ],
        ),
        FileProblem::UnknownColumn(name) => {
            frame.msg_with("import.refused.unknown_column", &[("column", name)])
        }
        FileProblem::RepeatedColumn(column) => frame.msg_with(
            "import.refused.repeated_column",
            &[("column", column.as_str())],
        ),
    }
}

fn report(frame: &Frame, done: ImportReport) -> Report {
    let summary = frame.msg_with(
        "import.summary",
        &[
            ("invited", &done.invited().to_string()),
            ("duplicates", &done.duplicates().to_string()),
            ("rejected", &done.rejected().to_string()),
        ],
    );
    let mut attention = Vec::new();
    let mut invited = Vec::new();
    for row in done.rows {
        let (list, result) = match &row.outcome {
            Outcome::Invited => (
                &mut invited,
                vec![frame.msg("import.result.invited").to_owned()],
            ),
            Outcome::Duplicate(of) => (
                &mut attention,
                vec![match of {
                    DuplicateOf::Account => frame.msg("import.duplicate.account").to_owned(),
                    DuplicateOf::PendingInvitation => {
                        frame.msg("import.duplicate.pending_invitation").to_owned()
                    }
                    DuplicateOf::EarlierRow(line) => frame.msg_with(
                        "import.duplicate.earlier_row",
                        &[("line", &line.to_string())],
                    ),
                }],
            ),
            Outcome::Rejected(problems) => (
                &mut attention,
                problems
                    .iter()
                    .map(|problem| problem_text(frame, problem))
                    .collect(),
            ),
        };
        list.push(ReportRow {
            line: row.line,
            name: row.name,
            email: row.email,
            result,
        });
    }
    Report {
        summary,
        attention,
        invited,
    }
}

fn import_page<'a>(
    frame: &'a Frame,
    encoding: &str,
    file_error: Option<String>,
    report: Option<Report>,
) -> ImportPage<'a> {
    let mut errors = Errors::default();
    if let Some(error) = &file_error {
        errors.add("file", error.clone());
    }
    let encoding = SelectField::new(
        "encoding",
        frame.msg("import.encoding"),
        frame.msg("import.encoding.auto"),
        [
            (
                "utf-8".to_owned(),
                frame.msg("import.encoding.utf8").to_owned(),
            ),
            (
                "shift_jis".to_owned(),
                frame.msg("import.encoding.shift_jis").to_owned(),
            ),
        ],
        encoding,
    )
    .hint(frame.msg("import.encoding.hint"));
    ImportPage {
        frame,
        errors,
        file_error,
        encoding,
        columns: Column::ALL
            .into_iter()
            .map(|column| ColumnDoc {
                header: column.as_str(),
                label: column_label(frame, column),
                required: column.required(),
            })
            .collect(),
        file_hint: frame.msg_with("import.file.hint", &[("rows", &MAX_ROWS.to_string())]),
        report,
    }
}

/// The upload form.
#[get("/region/import")]
pub async fn form(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
) -> Result<HttpResponse, PageError> {
    invitations::own_desk(&state.db, &user.caller).await?;
    let frame = Frame::new(&request, Some(&user));
    page(&frame, StatusCode::OK, &import_page(&frame, "", None, None))
}

/// Imports the uploaded file and shows the report (or why the file was refused).
#[post("/region/import")]
pub async fn upload(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    sent: Upload,
) -> Result<HttpResponse, PageError> {
    let frame = Frame::new(&request, Some(&user));
    if sent.too_large {
        // Nothing is read of it, so there is nothing to forge: say what to do.
        invitations::own_desk(&state.db, &user.caller).await?;
        let error = file_problem_text(&frame, &FileProblem::TooLarge);
        return page(
            &frame,
            StatusCode::PAYLOAD_TOO_LARGE,
            &import_page(&frame, "", Some(error), None),
        );
    }
    sent.check_csrf(&request).await?;
    let desk = invitations::own_desk(&state.db, &user.caller).await?;
    let asked = sent.field("encoding").to_owned();
    let Some(encoding) = Encoding::parse(&asked) else {
        return Err(PageError::BadRequest);
    };
    let Some(file) = sent.file.as_ref().filter(|file| !file.bytes.is_empty()) else {
        let error = frame.msg("import.file.missing").to_owned();
        return page(
            &frame,
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_page(&frame, &asked, Some(error), None),
        );
    };
    match invitations::import(
        &state.db,
        &desk,
        &state.settings.public_url,
        &file.bytes,
        encoding,
    )
    .await?
    {
        Imported::Done(done) => {
            let report = report(&frame, done);
            page(
                &frame,
                StatusCode::OK,
                &import_page(&frame, &asked, None, Some(report)),
            )
        }
        Imported::Refused(problem) => {
            let error = file_problem_text(&frame, &problem);
            page(
                &frame,
                StatusCode::UNPROCESSABLE_ENTITY,
                &import_page(&frame, &asked, Some(error), None),
            )
        }
    }
}
