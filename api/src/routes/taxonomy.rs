//! The taxonomy: skills, themes, roles, industries, prefectures — the vocabulary of needs
//! and profiles, with Japanese and English labels and synonyms.

use std::sync::LazyLock;

use actix_web::{HttpResponse, get, http::header};
use musubi_matcher::taxonomy;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the taxonomy route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_taxonomy);
}

/// A labelled key.
#[derive(Debug, Serialize, ToSchema)]
pub struct Term {
    /// Stable key.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
}

/// A skill.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillTerm {
    /// Stable key.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// The field it belongs to.
    pub field: &'static str,
    /// The broader skill, which earns partial credit.
    pub parent: Option<&'static str>,
    /// Other names that resolve to this key.
    pub synonyms: &'static [&'static str],
}

/// A theme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeTerm {
    /// Stable key.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// Other names that resolve to this key.
    pub synonyms: &'static [&'static str],
}

/// A prefecture.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrefectureTerm {
    /// JIS code, 1–47.
    pub code: u8,
    /// `長野県`.
    pub ja: &'static str,
    /// `Nagano`.
    pub en: &'static str,
    /// The wider region's key, e.g. `koshinetsu`.
    pub wider_region: &'static str,
}

/// Everything at `GET /taxonomy`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Taxonomy {
    /// Skill fields.
    pub fields: Vec<Term>,
    /// Skills.
    pub skills: Vec<SkillTerm>,
    /// Themes.
    pub themes: Vec<ThemeTerm>,
    /// Industries.
    pub industries: Vec<Term>,
    /// Roles (`cmo`, `chro`, …).
    pub roles: Vec<Term>,
    /// Wider regions (甲信越, 関東, …).
    pub wider_regions: Vec<Term>,
    /// The 47 prefectures.
    pub prefectures: Vec<PrefectureTerm>,
}

fn build() -> Taxonomy {
    Taxonomy {
        fields: taxonomy::fields()
            .iter()
            .map(|f| Term {
                key: f.key,
                ja: f.ja,
                en: f.en,
            })
            .collect(),
        skills: taxonomy::skills()
            .iter()
            .map(|s| SkillTerm {
                key: s.key,
                ja: s.ja,
                en: s.en,
                field: s.field,
                parent: s.parent,
                synonyms: s.synonyms,
            })
            .collect(),
        themes: taxonomy::themes()
            .iter()
            .map(|t| ThemeTerm {
                key: t.key,
                ja: t.ja,
                en: t.en,
                synonyms: t.synonyms,
            })
            .collect(),
        industries: taxonomy::industries()
            .iter()
            .map(|i| Term {
                key: i.key,
                ja: i.ja,
                en: i.en,
            })
            .collect(),
        roles: taxonomy::roles()
            .iter()
            .map(|r| Term {
                key: r.role.as_str(),
                ja: r.ja,
                en: r.en,
            })
            .collect(),
        wider_regions: taxonomy::wider_regions()
            .iter()
            .map(|w| Term {
                key: w.key,
                ja: w.ja,
                en: w.en,
            })
            .collect(),
        prefectures: taxonomy::prefectures()
            .iter()
            .map(|p| PrefectureTerm {
                code: p.code,
                ja: p.ja,
                en: p.en,
                wider_region: p.wider_region,
            })
            .collect(),
    }
}

/// Serialised once: the taxonomy is compiled into the binary and never changes.
static BODY: LazyLock<String> =
    LazyLock::new(|| serde_json::to_string(&build()).unwrap_or_default());

/// The vocabulary of needs and profiles.
#[utoipa::path(tag = "taxonomy", responses((status = 200, body = Taxonomy)))]
#[get("/taxonomy")]
#[tracing::instrument(skip_all)]
pub async fn get_taxonomy() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(BODY.as_str())
}
