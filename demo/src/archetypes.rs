//! The kinds of professional regional SMEs and cities look for, and what each kind
//! writes about themselves: the archetypes the demo's generated professionals are drawn
//! from. Skill, industry and theme keys are the taxonomy's (`GET /taxonomy`).

use musubi_api::domain::enums::Role;

/// A kind of professional: what they write about themselves and what they know.
pub struct Archetype {
    /// A short key, for tests and for picking applicants.
    pub key: &'static str,
    /// How common, relative to the others.
    pub weight: u32,
    /// One-line headlines to choose from.
    pub headlines: &'static [&'static str],
    /// Skills they are strong in (2–3 are taken, level 3–5).
    pub core: &'static [&'static str],
    /// Skills they also have (1–3 are taken, level 1–3).
    pub extra: &'static [&'static str],
    /// Roles they have held.
    pub roles: &'static [Role],
    /// Industry keys of their experience.
    pub industries: &'static [&'static str],
    /// Theme keys they care about.
    pub themes: &'static [&'static str],
}

/// The kinds of professional regional SMEs and cities look for.
// One archetype per block, one list per line, reads as a table.
#[rustfmt::skip]
pub const ARCHETYPES: &[Archetype] = &[
    Archetype {
        key: "marketer",
        weight: 14,
        headlines: &[
            "消費財メーカーのデジタルマーケター。平日夜と週末に地方企業を支援",
            "Web広告とSNS運用が専門のマーケター",
            "EC事業会社でマーケティングを10年。地方の販路づくりに関心",
        ],
        core: &["digital_marketing", "sns_marketing", "web_advertising", "content_marketing", "marketing_strategy"],
        extra: &["branding", "web_analytics", "ec", "crm", "seo", "market_research", "city_promotion"],
        roles: &[Role::Cmo, Role::Pr, Role::Sales],
        industries: &["manufacturing", "retail", "media", "it", "food_and_beverage"],
        themes: &["regional_revitalization", "sales_channels", "relationship_population", "traditional_craft", "food"],
    },
    Archetype {
        key: "pr",
        weight: 9,
        headlines: &[
            "広告代理店出身の広報・PRプランナー",
            "自治体のシティプロモーションに関わってきた編集者",
            "スタートアップの広報責任者。ストーリーで伝えるのが得意",
        ],
        core: &["pr_strategy", "press_relations", "city_promotion", "copywriting", "editing"],
        extra: &["sns_marketing", "content_marketing", "event_planning", "video_production", "branding"],
        roles: &[Role::Pr, Role::Cmo],
        industries: &["media", "public_sector", "it", "services"],
        themes: &["regional_revitalization", "relationship_population", "community", "tourism"],
    },
    Archetype {
        key: "ec",
        weight: 8,
        headlines: &[
            "ECサイトの立ち上げを数多く支援してきたECコンサルタント",
            "モール出店と自社ECの運営責任者",
            "越境ECで工芸品を海外に届けてきたEC担当",
        ],
        core: &["ec", "ec_site_building", "marketplace", "web_analytics", "digital_marketing"],
        extra: &["cross_border_ec", "photography", "crm", "email_marketing", "sns_marketing", "direct_sales"],
        roles: &[Role::Cmo, Role::Sales],
        industries: &["retail", "it", "traditional_craft", "food_and_beverage", "wholesale"],
        themes: &["sales_channels", "traditional_craft", "dx", "export", "food"],
    },
    Archetype {
        key: "hr",
        weight: 9,
        headlines: &[
            "IT企業の人事責任者。評価制度と組織づくりが専門",
            "社労士資格を持つ人事コンサルタント",
            "製造業で人事を15年。採用から労務まで",
        ],
        core: &["hr_evaluation", "compensation_design", "organization_development", "training", "labor_management"],
        extra: &["hiring", "retention", "flexible_work", "diversity", "mid_career_hiring"],
        roles: &[Role::Chro],
        industries: &["it", "manufacturing", "services", "consulting", "healthcare"],
        themes: &["hiring", "work_style_reform", "women_leadership", "education"],
    },
    Archetype {
        key: "recruiter",
        weight: 6,
        headlines: &[
            "新卒採用と採用広報を担当する人事",
            "人材会社出身の採用コンサルタント",
            "採用ブランディングのディレクター",
        ],
        core: &["hiring", "new_graduate_hiring", "mid_career_hiring", "employer_branding"],
        extra: &["copywriting", "sns_marketing", "retention", "video_production", "training"],
        roles: &[Role::Chro, Role::Pr],
        industries: &["services", "it", "media", "education"],
        themes: &["hiring", "education", "relationship_population", "work_style_reform"],
    },
    Archetype {
        key: "finance",
        weight: 8,
        headlines: &[
            "製造業の経理課長。原価計算と管理会計が専門",
            "公認会計士。中小企業の経営数字の見える化を支援",
            "スタートアップのCFO経験者",
        ],
        core: &["accounting", "cost_accounting", "management_accounting", "budgeting", "cash_flow"],
        extra: &["cloud_accounting", "tax", "fundraising", "subsidies", "kpi_management", "production_management"],
        roles: &[Role::Cfo],
        industries: &["manufacturing", "finance", "consulting", "it"],
        themes: &["manufacturing", "business_succession", "dx", "new_business"],
    },
    Archetype {
        key: "dx",
        weight: 10,
        headlines: &[
            "業務システム導入のPM。紙の業務をなくすのが好き",
            "ノーコードで業務アプリをつくる社内SE",
            "SIer出身のDXコンサルタント",
        ],
        core: &["system_implementation", "nocode", "inventory_management", "rpa", "it_strategy", "operations_improvement"],
        extra: &["data_analysis", "cloud_accounting", "project_management", "digital_literacy_training", "cashless", "it_security"],
        roles: &[Role::Cdo, Role::Cto, Role::Engineer, Role::Coo],
        industries: &["it", "consulting", "manufacturing", "logistics", "wholesale"],
        themes: &["dx", "manufacturing", "work_style_reform"],
    },
    Archetype {
        key: "gov_dx",
        weight: 5,
        headlines: &[
            "元市役所職員のデジタル推進担当",
            "自治体DXを支援するコンサルタント",
            "行政手続きの電子化に携わるエンジニア",
        ],
        core: &["gov_dx", "rpa", "nocode", "policy_planning", "digital_literacy_training"],
        extra: &["project_management", "public_private_partnership", "data_analysis", "facilitation", "ui_ux_design"],
        roles: &[Role::Cdo, Role::Other],
        industries: &["public_sector", "it", "consulting"],
        themes: &["municipal_reform", "dx", "community"],
    },
    Archetype {
        key: "engineer",
        weight: 6,
        headlines: &[
            "Webエンジニア。週末に地域のサイト制作を手伝う",
            "クラウド基盤のエンジニア",
            "アプリ開発のフリーランス",
        ],
        core: &["software_development", "web_development", "it_infrastructure", "mobile_app"],
        extra: &["ui_ux_design", "data_analysis", "ai", "it_security", "nocode"],
        roles: &[Role::Engineer, Role::Cto],
        industries: &["it", "media"],
        themes: &["dx", "education", "community"],
    },
    Archetype {
        key: "designer",
        weight: 8,
        headlines: &[
            "ブランドデザイナー。ロゴとパッケージが得意",
            "Webデザイナー兼フォトグラファー",
            "UI/UXデザイナー。地方の商品の見せ方を磨きたい",
        ],
        core: &["graphic_design", "logo_design", "package_design", "web_design", "ui_ux_design", "photography"],
        extra: &["branding", "illustration", "video_production", "product_design", "space_design"],
        roles: &[Role::Designer],
        industries: &["media", "retail", "traditional_craft", "it"],
        themes: &["traditional_craft", "food", "tourism", "regional_revitalization"],
    },
    Archetype {
        key: "manufacturing",
        weight: 6,
        headlines: &[
            "自動車部品メーカーの生産管理。カイゼンが専門",
            "品質保証の責任者を務めたエンジニア",
            "工場IoTの導入を進める技術者",
        ],
        core: &["production_management", "quality_control", "lean_manufacturing", "factory_iot", "procurement"],
        extra: &["cost_accounting", "supply_chain", "iso_certification", "safety_management", "product_development"],
        roles: &[Role::Coo, Role::Engineer],
        industries: &["manufacturing", "logistics"],
        themes: &["manufacturing", "dx", "business_succession"],
    },
    Archetype {
        key: "tourism",
        weight: 7,
        headlines: &[
            "旅行会社で訪日旅行を企画。インバウンドが専門",
            "DMOで観光地経営に関わった企画職",
            "通訳案内士。多言語の観光案内をつくる",
        ],
        core: &["tourism_product", "inbound_tourism", "tourism_promotion", "dmo_management", "multilingual_support"],
        extra: &["ota_management", "green_tourism", "tour_guiding", "accommodation_management", "workation", "event_planning"],
        roles: &[Role::Cmo, Role::Other, Role::Sales],
        industries: &["tourism", "hospitality", "media"],
        themes: &["tourism", "inbound", "regional_revitalization", "relationship_population"],
    },
    Archetype {
        key: "agri",
        weight: 6,
        headlines: &[
            "食品メーカーの商品開発。6次産業化を支援",
            "農産物のブランディングと直販を支援するマーケター",
            "元JA職員。農家の販路づくりに詳しい",
        ],
        core: &["agri_branding", "sixth_industrialization", "direct_sales", "food_product_development"],
        extra: &["furusato_nozei", "sns_marketing", "ec", "food_labeling", "package_design", "smart_agriculture"],
        roles: &[Role::Sales, Role::Cmo, Role::Other],
        industries: &["agriculture", "food_and_beverage", "retail"],
        themes: &["agriculture", "food", "sales_channels", "regional_revitalization"],
    },
    Archetype {
        key: "succession",
        weight: 5,
        headlines: &[
            "金融機関で事業承継とM&Aを担当",
            "中小企業診断士。後継者育成の伴走が専門",
            "ファミリービジネスの二代目経営者",
        ],
        core: &["succession_planning", "m_and_a", "valuation", "family_business", "business_planning"],
        extra: &["second_founding", "business_turnaround", "pmi", "fundraising", "organization_development"],
        roles: &[Role::Cso, Role::Cfo, Role::Other],
        industries: &["finance", "consulting", "manufacturing"],
        themes: &["business_succession", "traditional_craft", "new_business", "manufacturing"],
    },
    Archetype {
        key: "strategy",
        weight: 6,
        headlines: &[
            "戦略コンサルタント。新規事業と事業計画づくり",
            "事業会社の経営企画。KPI設計が得意",
            "プロジェクトマネージャー。地方企業の業務改善を支援",
        ],
        core: &["business_planning", "new_business", "kpi_management", "operations_improvement", "project_management"],
        extra: &["market_research", "subsidies", "public_private_partnership", "sustainability_strategy", "data_analysis"],
        roles: &[Role::Cso, Role::Coo],
        industries: &["consulting", "it", "finance", "manufacturing"],
        themes: &["new_business", "regional_revitalization", "dx", "sustainability"],
    },
    Archetype {
        key: "sales",
        weight: 6,
        headlines: &[
            "食品卸の営業責任者。百貨店バイヤーとの商談が得意",
            "展示会と商談会で販路を開いてきた営業",
            "海外営業。工芸品の輸出に関わった経験あり",
        ],
        core: &["channel_development", "wholesale", "trade_shows", "direct_sales", "sales_management"],
        extra: &["export_sales", "inside_sales", "customer_success", "furusato_nozei", "retail_store"],
        roles: &[Role::Sales, Role::Cso],
        industries: &["wholesale", "retail", "food_and_beverage", "manufacturing"],
        themes: &["sales_channels", "export", "food", "traditional_craft"],
    },
    Archetype {
        key: "craft",
        weight: 4,
        headlines: &[
            "工芸品のプロデューサー。産地と百貨店をつなぐ",
            "漆と木工の商品企画に携わるデザイナー",
            "オープンファクトリーの企画運営",
        ],
        core: &["craft_product_development", "craft_branding", "craft_export", "open_factory"],
        extra: &["lacquerware", "woodwork", "product_planning", "package_design", "artisan_training", "cross_border_ec"],
        roles: &[Role::Designer, Role::Cmo, Role::Other],
        industries: &["traditional_craft", "retail", "media"],
        themes: &["traditional_craft", "export", "tourism", "sales_channels"],
    },
    Archetype {
        key: "community",
        weight: 5,
        headlines: &[
            "まちづくり会社のコーディネーター。関係人口づくりが専門",
            "イベント企画とファシリテーションが得意",
            "移住相談の窓口を担当してきたNPO職員",
        ],
        core: &["relationship_population", "local_coordination", "event_planning", "facilitation", "migration_support"],
        extra: &["online_community", "citizen_participation", "town_planning", "coworking_management", "education_collaboration", "vacant_house_utilization"],
        roles: &[Role::Other, Role::Pr],
        industries: &["nonprofit", "public_sector", "services", "education"],
        themes: &["relationship_population", "community", "regional_revitalization", "education", "childcare"],
    },
];
