//! The taxonomy's own invariants and lookups.

use std::collections::{HashMap, HashSet};

use super::*;

#[test]
fn skill_keys_are_unique_snake_case_and_ids_round_trip() {
    let mut seen = HashSet::new();
    for (id, skill) in (0u16..).zip(skills()) {
        assert!(seen.insert(skill.key), "duplicate skill key {}", skill.key);
        assert!(
            skill
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{} is not snake_case",
            skill.key
        );
        assert_eq!(skill_id(skill.key), Some(id));
        assert_eq!(super::skill(skill.key).map(|s| s.key), Some(skill.key));
        assert_eq!(skill_by_id(id).map(|s| s.key), Some(skill.key));
    }
    assert_eq!(skill_count(), skills().len());
    assert_eq!(skill_id("no_such_skill"), None);
    assert!(skill_by_id(u16::try_from(skill_count()).unwrap()).is_none());
}

#[test]
fn no_spelling_names_two_skills() {
    let mut owner: HashMap<String, &str> = HashMap::new();
    for skill in skills() {
        let labels = [skill.key, skill.ja, skill.en];
        for label in labels.iter().chain(skill.synonyms) {
            let form = lookup_form(label);
            assert!(!form.is_empty(), "{} has an empty spelling", skill.key);
            if let Some(previous) = owner.insert(form.clone(), skill.key) {
                assert_eq!(
                    previous, skill.key,
                    "{label:?} ({form}) names both {previous} and {}",
                    skill.key
                );
            }
            assert_eq!(
                resolve_skill(label).map(|s| s.key),
                Some(skill.key),
                "{label}"
            );
        }
    }
}

#[test]
fn every_parent_exists_in_the_same_field_without_cycles() {
    for skill in skills() {
        assert!(
            field(skill.field).is_some(),
            "{}: unknown field {}",
            skill.key,
            skill.field
        );
        let mut depth = 0;
        let mut current = *skill;
        while let Some(parent_key) = current.parent {
            let parent = skill_by_key_or_panic(parent_key);
            assert_eq!(parent.field, skill.field, "{} crosses fields", skill.key);
            depth += 1;
            assert!(depth < MAX_DEPTH, "{} is too deep or in a cycle", skill.key);
            current = parent;
        }
    }
}

fn skill_by_key_or_panic(key: &str) -> Skill {
    *skill(key).unwrap_or_else(|| panic!("unknown parent {key}"))
}

#[test]
fn there_are_enough_skills_for_regional_needs() {
    assert!(skill_count() >= 120, "only {} skills", skill_count());
    assert!(skill_count() <= usize::from(u16::MAX));
}

#[test]
fn ancestors_and_children_walk_the_tree() {
    let ancestors: Vec<_> = skill_ancestors("sns_marketing").map(|s| s.key).collect();
    assert_eq!(ancestors, ["digital_marketing", "marketing"]);
    assert_eq!(skill_ancestors("marketing").count(), 0);
    assert_eq!(skill_ancestors("no_such_skill").count(), 0);
    let children: Vec<_> = skill_children("accounting").map(|s| s.key).collect();
    assert!(children.contains(&"cost_accounting"), "{children:?}");
    assert!(
        children
            .iter()
            .all(|&key| skill(key).and_then(|s| s.parent) == Some("accounting"))
    );
}

#[test]
fn every_field_is_used_and_has_one_root() {
    assert_eq!(fields().len(), 14);
    for field in fields() {
        let roots = skills()
            .iter()
            .filter(|s| s.field == field.key && s.parent.is_none())
            .count();
        assert!(roots >= 1, "field {} has no root skill", field.key);
    }
    let keys: HashSet<_> = fields().iter().map(|f| f.key).collect();
    assert_eq!(keys.len(), fields().len());
}

#[test]
fn the_required_skills_exist() {
    for key in [
        "digital_marketing",
        "ec",
        "sns_marketing",
        "pr",
        "hiring",
        "hr_evaluation",
        "accounting",
        "cost_accounting",
        "business_succession",
        "web_design",
        "dx",
        "inventory_management",
        "tourism_product",
        "inbound_tourism",
        "branding",
        "direct_sales",
    ] {
        assert!(skill(key).is_some(), "missing skill {key}");
    }
}

#[test]
fn resolution_ignores_width_case_spaces_and_separators() {
    for text in [
        "マーケ",
        "marketing",
        "マーケティング",
        "ＭＡＲＫＥＴＩＮＧ",
        " Marketing ",
    ] {
        assert_eq!(
            resolve_skill(text).map(|s| s.key),
            Some("marketing"),
            "{text}"
        );
    }
    assert_eq!(resolve_skill("ﾏｰｹ").map(|s| s.key), Some("marketing"));
    assert_eq!(resolve_skill("EC運営").map(|s| s.key), Some("ec"));
    assert_eq!(resolve_skill("ＥＣ運営").map(|s| s.key), Some("ec"));
    assert_eq!(
        resolve_skill("Digital Marketing").map(|s| s.key),
        Some("digital_marketing")
    );
    assert_eq!(resolve_skill("広報").map(|s| s.key), Some("pr"));
    assert_eq!(resolve_skill("採用").map(|s| s.key), Some("hiring"));
    assert_eq!(
        resolve_skill("ＳＮＳ運用").map(|s| s.key),
        Some("sns_marketing")
    );
    assert_eq!(
        resolve_skill("デジタル・マーケティング").map(|s| s.key),
        Some("digital_marketing")
    );
    assert_eq!(
        resolve_skill("ｲﾝﾊﾞｳﾝﾄﾞ").map(|s| s.key),
        Some("inbound_tourism")
    );
    assert_eq!(resolve_skill("M&A").map(|s| s.key), Some("m_and_a"));
    assert_eq!(
        resolve_skill("原価計算").map(|s| s.key),
        Some("cost_accounting")
    );
    assert_eq!(resolve_skill("宇宙開発"), None);
    assert_eq!(resolve_skill(""), None);
}

#[test]
fn skill_relations_read_the_tree() {
    assert_eq!(skill_relation("ec", "ec"), SkillRelation::Same);
    assert_eq!(skill_relation("ec", "EC運営"), SkillRelation::Same);
    assert_eq!(
        skill_relation("digital_marketing", "marketing"),
        SkillRelation::Parent
    );
    assert_eq!(
        skill_relation("sns_marketing", "marketing"),
        SkillRelation::Parent
    );
    assert_eq!(
        skill_relation("marketing", "sns_marketing"),
        SkillRelation::Child
    );
    assert_eq!(skill_relation("ec", "branding"), SkillRelation::Sibling);
    assert_eq!(skill_relation("ec", "accounting"), SkillRelation::Unrelated);
    assert_eq!(
        skill_relation("marketing", "finance"),
        SkillRelation::Unrelated
    );
    assert_eq!(
        skill_relation("ec", "no_such_skill"),
        SkillRelation::Unrelated
    );
    assert_eq!(
        skill_relation("no_such_skill", "no_such_skill"),
        SkillRelation::Same
    );
}

#[test]
fn themes_and_industries_resolve_without_clashes() {
    let mut owner: HashMap<String, &str> = HashMap::new();
    for theme in themes() {
        let labels = [theme.key, theme.ja, theme.en];
        for label in labels.iter().chain(theme.synonyms) {
            if let Some(previous) = owner.insert(lookup_form(label), theme.key) {
                assert_eq!(previous, theme.key, "{label:?} names two themes");
            }
            assert_eq!(resolve_theme(label).map(|t| t.key), Some(theme.key));
        }
    }
    assert!(themes().len() >= 20);
    assert_eq!(
        resolve_industry("IT・ソフトウェア").map(|i| i.key),
        Some("it")
    );
    assert_eq!(
        resolve_industry("Ｒｅｔａｉｌ").map(|i| i.key),
        Some("retail")
    );
    assert!(industries().len() >= 20);
    let keys: HashSet<_> = industries().iter().map(|i| i.key).collect();
    assert_eq!(keys.len(), industries().len());
    assert_eq!(
        resolve_theme("関係人口").map(|t| t.key),
        Some("relationship_population")
    );
    assert_eq!(
        resolve_industry("製造業").map(|i| i.key),
        Some("manufacturing")
    );
    assert_eq!(industry("retail").map(|i| i.ja), Some("小売業"));
}

#[test]
fn every_role_has_labels_in_declaration_order() {
    assert_eq!(roles().len(), Role::ALL.len());
    for (label, &role) in roles().iter().zip(Role::ALL) {
        assert_eq!(label.role, role);
        assert_eq!(role_label(role).role, role);
    }
    assert_eq!(role_label(Role::Cmo).ja, "CMO（マーケティング責任者）");
    assert_eq!(role_label(Role::Other).ja, "その他");
}

#[test]
fn there_are_47_prefectures_in_code_order_with_known_regions() {
    assert_eq!(prefectures().len(), 47);
    for (code, prefecture) in (1u8..).zip(prefectures()) {
        assert_eq!(prefecture.code, code);
        assert_eq!(prefecture_by_code(code), Some(prefecture));
        assert!(wider_region(prefecture.wider_region).is_some());
        assert!(prefecture.ja.starts_with(prefecture.short));
        for name in [prefecture.ja, prefecture.short, prefecture.en] {
            assert_eq!(
                super::prefecture(name).map(|p| p.code),
                Some(code),
                "{name}"
            );
        }
    }
    assert_eq!(prefecture_by_code(0), None);
    assert_eq!(prefecture_by_code(48), None);
    for region in wider_regions() {
        assert!(prefectures().iter().any(|p| p.wider_region == region.key));
    }
}

#[test]
fn prefectures_resolve_in_any_usual_spelling() {
    for name in [
        "長野県",
        "長野",
        "Nagano",
        "nagano",
        "NAGANO",
        "Ｎａｇａｎｏ",
        "Nagano-ken",
        "Nagano Prefecture",
        " 長野県 ",
    ] {
        assert_eq!(prefecture(name).map(|p| p.code), Some(20), "{name}");
    }
    assert_eq!(prefecture("Tōkyō").map(|p| p.code), Some(13));
    assert_eq!(prefecture("Tokyo-to").map(|p| p.code), Some(13));
    assert_eq!(prefecture("Kyoto").map(|p| p.code), Some(26));
    assert_eq!(prefecture("Hyougo").map(|p| p.code), Some(28));
    assert_eq!(prefecture("Hokkaidō").map(|p| p.code), Some(1));
    assert_eq!(prefecture("Tōkyō-to").map(|p| p.code), Some(13));
    assert_eq!(prefecture("Ōsaka-fu").map(|p| p.code), Some(27));
    assert_eq!(prefecture("京都").map(|p| p.code), Some(26));
    assert_eq!(prefecture("東京").map(|p| p.code), Some(13));
    assert_eq!(prefecture("塩尻市"), None);
    assert_eq!(prefecture(""), None);
}

#[test]
fn wider_regions_group_prefectures_as_regional_work_does() {
    assert!(same_wider_region("長野県", "新潟県"));
    assert!(same_wider_region("Yamanashi", "長野"));
    assert!(same_wider_region("富山県", "福井"));
    assert!(same_wider_region("静岡県", "三重県"));
    assert!(same_wider_region("沖縄県", "福岡県"));
    assert!(same_wider_region("東京都", "東京"));
    assert!(!same_wider_region("長野県", "富山県"));
    assert!(!same_wider_region("長野県", "東京都"));
    assert!(!same_wider_region("長野県", "どこか"));
    assert_eq!(wider_regions().len(), 10);
}

#[test]
fn the_catalog_serializes_with_every_list() {
    let catalog = catalog();
    assert_eq!(catalog.skills.len(), skill_count());
    assert_eq!(catalog.prefectures.len(), 47);
    assert_eq!(catalog.roles.len(), Role::ALL.len());
}
