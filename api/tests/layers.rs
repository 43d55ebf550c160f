//! The layers point one way (`../shared/STYLE.md`): the doors (JSON routes, pages,
//! start-up) over the services, the services over the policy and the stores (access,
//! repo, ranking, email, auth), those over the ground (domain, entities, database,
//! config).
//!
//! This test reads every file of `api/src`, finds each module it names through
//! `crate::…` (grouped `use crate::{…}` included), and fails when a file names a module
//! of a layer above its own. With every reference pointing down or sideways, no file is
//! in an import cycle with a file of another layer; and nothing below the doors names
//! the application state or a request. (The command line and the demo loader are
//! crates of their own, `cli/` and `demo/`, outside the library.)

#![expect(
    clippy::expect_used,
    reason = "a test that cannot read the sources must stop loudly"
)]

use std::{
    fs,
    path::{Path, PathBuf},
};

const DOORS: u8 = 4;
const SERVICES: u8 = 3;
const POLICY_AND_STORES: u8 = 2;
const GROUND: u8 = 1;

/// The layer of a file or directory, by its path under `api/src`.
fn layer_of(path: &str) -> u8 {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|prefix| path.starts_with(prefix));
    if starts(&[
        "routes",
        "web",
        "demo",
        "startup.rs",
        "cli.rs",
        "main.rs",
        "lib.rs",
        "state.rs",
        "error.rs",
        "extract.rs",
        "idempotency.rs",
        "security_headers.rs",
        "telemetry.rs",
        "auth/extractor.rs",
    ]) {
        DOORS
    } else if starts(&["services"]) {
        SERVICES
    } else if starts(&["access", "repo", "ranking", "email", "auth", "scoring.rs"]) {
        POLICY_AND_STORES
    } else {
        GROUND
    }
}

/// The file or directory a module path names (`auth::extractor::X` → `auth/extractor.rs`).
fn target_of(root: &Path, path: &[&str]) -> Option<String> {
    for take in (1..=path.len().min(3)).rev() {
        let joined = path[..take].join("/");
        for candidate in [format!("{joined}.rs"), joined.clone()] {
            if root.join(&candidate).exists() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Every module path named through `crate::` in a piece of code, with grouped imports
/// (`use crate::{a::b, c::{d, e}}`) expanded one level deep.
fn named_paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1usize;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        items.push(std::mem::take(&mut item));
                        continue;
                    }
                    _ => {}
                }
                if depth == 1 {
                    item.push(c);
                }
            }
            items.push(item);
            found.extend(items.iter().map(|item| segments(item)));
        } else {
            found.push(segments(rest));
        }
    }
    found.retain(|path| !path.is_empty());
    found
}

fn segments(text: &str) -> Vec<String> {
    text.trim()
        .split("::")
        .map(str::trim)
        .take_while(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("api/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push(path);
        }
    }
}

/// The code of a file without its comments and its `#[cfg(test)]` tail (tests may
/// build what they check from any layer).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_import_points_down_or_sideways() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 50, "found only {} files", files.len());
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&root)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let own = layer_of(&relative);
        let code = code_of(&fs::read_to_string(file).expect("a readable source file"));
        for path in named_paths(&code) {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let Some(target) = target_of(&root, &path) else {
                continue;
            };
            if layer_of(&target) > own {
                wrong.push(format!(
                    "{relative} (layer {own}) names crate::{} in {target} (layer {})",
                    path.join("::"),
                    layer_of(&target)
                ));
            }
        }
        if own < DOORS {
            for door_type in ["AppState", "HttpRequest", "HttpResponse"] {
                if code.contains(door_type) {
                    wrong.push(format!("{relative} (layer {own}) names {door_type}"));
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "{} references point up a layer:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_reader_of_imports_sees_grouped_and_nested_paths() {
    let code = "use crate::{access::Actor, repo::{self, page::Page}, services};\nlet x = crate::routes::needs::view();";
    let paths: Vec<String> = named_paths(code)
        .iter()
        .map(|path| path.join("::"))
        .collect();
    assert_eq!(
        paths,
        ["access::Actor", "repo", "services", "routes::needs"]
    );
    assert_eq!(layer_of("routes/needs.rs"), DOORS);
    assert_eq!(layer_of("auth/extractor.rs"), DOORS);
    assert_eq!(layer_of("auth/password.rs"), POLICY_AND_STORES);
    assert_eq!(layer_of("domain/need.rs"), GROUND);
}
