//! The benchmark's rows for PostgreSQL, so the same formula can run as one SQL query
//! over the same data (`bench/matcher/top50.sql`).
//!
//! `export <dir>` writes, in PostgreSQL's `COPY … FROM` text format:
//!
//! - `profiles.tsv`: one row per profile with the columns the formula reads — flags,
//!   hours, start date, fee, visits and engagements, home prefecture, theme mask,
//!   years per role, industries, skills as taxonomy ids and levels, places (kind,
//!   prefecture, city: home, ties, earlier engagements) and the text as its terms
//!   and their counts (tokenised as the matcher tokenises: CJK bigrams, Latin words);
//! - `need.tsv`: the Shiojiri CMO post as one row of numbers (weights, hours, budget,
//!   themes, role, place, the text's average length and scale…);
//! - `need_skills.tsv`: for each asked skill, every taxonomy skill that earns credit
//!   for it (the same skill 1, a more specific one 0.7, a more general one 0.5, a
//!   sibling 0.3), with the requirement's weight and level;
//! - `need_terms.tsv`: the need's text terms with their idf, chosen as the matcher
//!   chooses them (the 32 most distinctive whose document frequencies fit in the
//!   number of profiles);
//! - `musubi_top50.tsv`: the matcher's own top 50, `id score`, for the comparison.
//!
//! Everything here uses the crate's public API only, so it states the formula a
//! second time, outside the engine — which is the point of the comparison.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use musubi_matcher::index::{ProfileIndex, RankRequest};
use musubi_matcher::model::{MeetingSlot, Need, Place, Profile, Role, TieKind, WorkStyle};
use musubi_matcher::taxonomy::{self, SkillRelation};
use musubi_matcher::text;
use musubi_matcher::weights::Weights;

use crate::{K, SEED, build, generate, today};

/// BM25 constants and the query size, as the matcher's `bm25` module fixes them.
const K1: f64 = 1.2;
const QUERY_TERMS: usize = 32;

pub fn export(dir: &str, n: usize) -> Result<(), String> {
    let io = |error: std::io::Error| format!("writing to {dir}: {error}");
    std::fs::create_dir_all(dir).map_err(io)?;
    let index = build(n);
    let need = generate::needs().swap_remove(0);
    let file = |name: &str| {
        std::fs::File::create(format!("{dir}/{name}"))
            .map(BufWriter::new)
            .map_err(io)
    };

    let mut out = file("profiles.tsv")?;
    for i in 0..n as u64 {
        profile_row(&generate::profile(SEED, i), &mut out).map_err(io)?;
    }
    out.flush().map_err(io)?;

    let terms = need_terms(&need, &index);
    let mut out = file("need_terms.tsv")?;
    for (term, idf) in &terms {
        writeln!(out, "{}\t{idf:.9}", escape(term)).map_err(io)?;
    }
    out.flush().map_err(io)?;
    let ceiling: f64 = terms.iter().map(|(_, idf)| idf * (K1 + 1.0)).sum();

    let mut out = file("need_skills.tsv")?;
    for (r, asked) in need.skills.iter().enumerate() {
        let Some(key) = taxonomy::skill(&asked.skill)
            .or_else(|| taxonomy::resolve_skill(&asked.skill))
            .map(|skill| skill.key)
        else {
            continue;
        };
        for (id, candidate) in taxonomy::skills().iter().enumerate() {
            let credit = match taxonomy::skill_relation(key, candidate.key) {
                SkillRelation::Same => 1.0,
                SkillRelation::Child => 0.7,
                SkillRelation::Parent => 0.5,
                SkillRelation::Sibling => 0.3,
                SkillRelation::Unrelated => continue,
            };
            writeln!(
                out,
                "{r}\t{id}\t{credit}\t{}\t{}",
                asked.min_level.max(1),
                if asked.must { 3 } else { 1 }
            )
            .map_err(io)?;
        }
    }
    out.flush().map_err(io)?;

    let mut out = file("need.tsv")?;
    need_row(&need, &index, ceiling, &mut out).map_err(io)?;
    out.flush().map_err(io)?;

    let ranked = index.rank(&need, &RankRequest::new(K, today()));
    let mut out = file("musubi_top50.tsv")?;
    for candidate in &ranked {
        writeln!(out, "{}\t{:.4}", candidate.profile_id, candidate.score).map_err(io)?;
    }
    out.flush().map_err(io)?;
    eprintln!("bench_dataset: {n} profiles and the need written to {dir}");
    Ok(())
}

/// The need's profile-query terms and their idf, as `TextQuery` chooses them.
fn need_terms(need: &Need, index: &ProfileIndex) -> Vec<(String, f64)> {
    let corpus = index.corpus();
    let docs = corpus.docs();
    let mut tokens = Vec::new();
    for part in [&need.title, &need.description, &need.goal] {
        tokens.extend(text::tokenize(part));
    }
    let mut distinct: Vec<String> = Vec::new();
    for token in tokens {
        if !distinct.contains(&token) {
            distinct.push(token);
        }
    }
    let mut terms: Vec<(String, u32, f32)> = distinct
        .into_iter()
        .map(|term| {
            let df = corpus.document_frequency(&term);
            let idf = (1.0 + (docs as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
            (term, df, idf)
        })
        .collect();
    terms.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut budget = u64::from(docs.max(1));
    let mut chosen = Vec::new();
    for (term, df, idf) in terms {
        if chosen.len() == QUERY_TERMS {
            break;
        }
        if df == 0 {
            continue;
        }
        let Some(left) = budget.checked_sub(u64::from(df)) else {
            break;
        };
        budget = left;
        chosen.push((term, f64::from(idf)));
    }
    chosen
}

fn need_row(
    need: &Need,
    index: &ProfileIndex,
    ceiling: f64,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let w = Weights::default().as_array();
    let prefecture = taxonomy::prefecture(&need.place.prefecture);
    let wider: Vec<String> = prefecture
        .map(|own| {
            taxonomy::prefectures()
                .iter()
                .filter(|other| other.wider_region == own.wider_region && other.code != own.code)
                .map(|other| other.code.to_string())
                .collect()
        })
        .unwrap_or_default();
    let requirement_weight: u32 = need.skills.iter().map(|s| if s.must { 3 } else { 1 }).sum();
    let visits_asked = need.onsite_visits_per_month > 0 || need.work_style == WorkStyle::Onsite;
    writeln!(
        out,
        "{}",
        [
            w.iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join("\t"),
            (!need.skills.is_empty()).to_string(),
            if requirement_weight == 0 {
                "0".to_owned()
            } else {
                (1.0 / f64::from(requirement_weight)).to_string()
            },
            themes(&need.themes).to_string(),
            need.themes.len().to_string(),
            (role_index(need.role) + 1).to_string(),
            industry_form(&need.industry),
            (need.style as u8).to_string(),
            need.hours_min.to_string(),
            need.apply_by.unwrap_or_else(today).to_string(),
            slots(&need.meeting_slots).to_string(),
            prefecture.map_or(0, |p| p.code).to_string(),
            escape(&taxonomy::lookup_form(&need.place.city)),
            format!("{{{}}}", wider.join(",")),
            (need.work_style as u8).to_string(),
            need.onsite_visits_per_month.to_string(),
            visits_asked.to_string(),
            need.compensation_min_jpy.to_string(),
            need.compensation_max_jpy
                .max(need.compensation_min_jpy)
                .to_string(),
            need.pro_bono.to_string(),
            has_text(need).to_string(),
            f64::from(index.corpus().average_len()).to_string(),
            if ceiling > 0.0 {
                (1.0 / ceiling).to_string()
            } else {
                "0".to_owned()
            },
        ]
        .join("\t")
    )
}

fn profile_row(profile: &Profile, out: &mut impl Write) -> std::io::Result<()> {
    let mut role_years = [0u8; 12];
    for held in &profile.roles {
        let slot = &mut role_years[role_index(held.role)];
        *slot = (*slot).max(held.years.min(15));
    }
    let skills: Vec<(u16, u8)> = profile
        .skills
        .iter()
        .filter_map(|held| Some((skill_id(&held.skill)?, held.level.min(7))))
        .collect();
    let mut industries: Vec<String> = Vec::new();
    for industry in &profile.industries {
        let form = industry_form(industry);
        if !form.is_empty() && !industries.contains(&form) {
            industries.push(form);
        }
    }
    // Home, then ties, then earlier engagements; a place whose prefecture is unknown
    // is left out, as the matcher leaves it out.
    let mut places: Vec<(u8, u8, String)> = Vec::new();
    let mut push = |kind: u8, place: &Place| {
        if let Some(prefecture) = taxonomy::prefecture(&place.prefecture) {
            places.push((kind, prefecture.code, taxonomy::lookup_form(&place.city)));
        }
    };
    push(1, &profile.home);
    for tie in &profile.ties {
        push(tie_kind(tie.kind), &tie.place);
    }
    for place in &profile.past_engagements {
        push(8, place);
    }
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut length = 0u32;
    for part in [&profile.motivation, &profile.headline] {
        for token in text::tokenize(part) {
            length += 1;
            match counts.get_mut(&token) {
                Some(count) => *count += 1,
                None => {
                    counts.insert(token.clone(), 1);
                    order.push(token);
                }
            }
        }
    }
    let mut line = String::with_capacity(1024);
    let _ = write!(
        line,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t",
        profile.id,
        profile.active,
        profile.pro_bono_ok,
        profile.style as u8,
        profile.work_style as u8,
        slots(&profile.meeting_slots),
        profile.hours_per_month,
        profile
            .available_from
            .map_or("\\N".to_owned(), |date| date.to_string()),
        profile.max_engagements,
        profile.active_engagements,
        profile.max_onsite_visits_per_month,
        profile.min_compensation_jpy,
        taxonomy::prefecture(&profile.home.prefecture).map_or(0, |p| p.code),
        themes(&profile.themes),
    );
    let numbers = |values: &mut dyn Iterator<Item = String>| {
        format!("{{{}}}", values.collect::<Vec<_>>().join(","))
    };
    let texts = |values: &mut dyn Iterator<Item = &String>| {
        format!(
            "{{{}}}",
            values
                .map(|value| format!("\"{}\"", element(value)))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let columns = [
        numbers(&mut role_years.iter().map(u8::to_string)),
        texts(&mut industries.iter()),
        numbers(&mut skills.iter().map(|(id, _)| id.to_string())),
        numbers(&mut skills.iter().map(|(_, level)| level.to_string())),
        numbers(&mut places.iter().map(|(kind, _, _)| kind.to_string())),
        numbers(&mut places.iter().map(|(_, code, _)| code.to_string())),
        texts(&mut places.iter().map(|(_, _, city)| city)),
        texts(&mut order.iter()),
        numbers(
            &mut order
                .iter()
                .map(|term| counts.get(term).copied().unwrap_or(0).to_string()),
        ),
        length.min(u32::from(u16::MAX)).to_string(),
    ];
    line.push_str(&columns.join("\t"));
    writeln!(out, "{line}")
}

/// Escapes text for a `COPY` text-format field.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\t' => out.push_str(r"\t"),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a quoted array element inside a `COPY` text-format field: the
/// array's own escapes (`\"`, `\\`), then COPY's.
fn element(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    escape(&quoted)
}

fn has_text(need: &Need) -> bool {
    [&need.title, &need.description, &need.goal]
        .iter()
        .any(|part| !text::tokenize(part).is_empty())
}

/// The skill's position in [`taxonomy::skills`], the id `need_skills.tsv` gives it.
fn skill_id(name: &str) -> Option<u16> {
    let skill = taxonomy::resolve_skill(name)?;
    let position = taxonomy::skills().iter().position(|s| s.key == skill.key)?;
    u16::try_from(position).ok()
}

fn role_index(role: Role) -> usize {
    Role::ALL.iter().position(|&r| r == role).unwrap_or(0)
}

fn tie_kind(kind: TieKind) -> u8 {
    // Home is 1, earlier engagements 8: ties are 2–7 in `TieKind::ALL` order.
    2 + TieKind::ALL.iter().position(|&k| k == kind).unwrap_or(0) as u8
}

fn slots(slots: &[MeetingSlot]) -> u8 {
    slots.iter().fold(0, |mask, &slot| mask | 1 << (slot as u8))
}

fn themes(keys: &[String]) -> u32 {
    keys.iter()
        .filter_map(|key| {
            let theme = taxonomy::theme(key).or_else(|| taxonomy::resolve_theme(key))?;
            taxonomy::themes().iter().position(|t| t.key == theme.key)
        })
        .filter(|&position| position < 32)
        .fold(0, |mask, position| mask | 1 << position)
}

fn industry_form(name: &str) -> String {
    taxonomy::resolve_industry(name)
        .map(|industry| industry.key.to_owned())
        .unwrap_or_else(|| taxonomy::lookup_form(name))
}
