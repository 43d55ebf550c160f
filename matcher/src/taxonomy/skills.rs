//! Skill fields and skills.
//!
//! Each field has one general skill at the root (`marketing`, `hr`, …) with specific
//! skills under it, so a professional with the general skill earns partial credit for
//! a specific one and the other way round. Keys never change once published; labels
//! and synonyms may grow. A synonym must name one skill only (a unit test checks it).

use super::{Field, Skill};

const fn field(key: &'static str, ja: &'static str, en: &'static str) -> Field {
    Field { key, ja, en }
}

pub(super) const FIELDS: &[Field] = &[
    field(
        "marketing",
        "マーケティング・EC",
        "Marketing and e-commerce",
    ),
    field("public_relations", "広報・PR", "Public relations"),
    field("human_resources", "人事・採用", "HR and hiring"),
    field("finance", "財務・経理", "Finance and accounting"),
    field("strategy", "経営・戦略", "Management and strategy"),
    field("digital", "DX・IT", "DX and IT"),
    field("design", "デザイン・クリエイティブ", "Design and creative"),
    field("sales", "営業・販路開拓", "Sales and channels"),
    field("manufacturing", "製造・品質", "Manufacturing and quality"),
    field("tourism", "観光", "Tourism"),
    field("agri_food", "農業・食", "Agriculture and food"),
    field("craft", "伝統工芸", "Traditional crafts"),
    field("succession", "事業承継", "Business succession"),
    field(
        "community",
        "地域・コミュニティ",
        "Community and regional ties",
    ),
];

/// A general skill at the root of its field.
const fn root(
    key: &'static str,
    ja: &'static str,
    en: &'static str,
    field: &'static str,
    synonyms: &'static [&'static str],
) -> Skill {
    Skill {
        key,
        ja,
        en,
        field,
        parent: None,
        synonyms,
    }
}

/// A specific skill under `parent`.
const fn sub(
    key: &'static str,
    ja: &'static str,
    en: &'static str,
    field: &'static str,
    parent: &'static str,
    synonyms: &'static [&'static str],
) -> Skill {
    Skill {
        key,
        ja,
        en,
        field,
        parent: Some(parent),
        synonyms,
    }
}

pub(super) const SKILLS: &[Skill] = &[
    // マーケティング・EC
    root(
        "marketing",
        "マーケティング",
        "Marketing",
        "marketing",
        &["マーケ", "販促", "販売促進"],
    ),
    sub(
        "digital_marketing",
        "デジタルマーケティング",
        "Digital marketing",
        "marketing",
        "marketing",
        &[
            "デジマ",
            "webマーケティング",
            "ウェブマーケティング",
            "online marketing",
            "ネットマーケティング",
        ],
    ),
    sub(
        "sns_marketing",
        "SNSマーケティング",
        "Social media marketing",
        "marketing",
        "digital_marketing",
        &[
            "sns運用",
            "snsマーケ",
            "ソーシャルメディアマーケティング",
            "social media",
            "インスタ運用",
            "instagram運用",
        ],
    ),
    sub(
        "ec",
        "EC・ネット通販",
        "E-commerce",
        "marketing",
        "marketing",
        &[
            "ec運営",
            "ecサイト運営",
            "ネット通販",
            "通販",
            "ネットショップ",
            "オンラインショップ",
            "eコマース",
            "e-commerce",
            "ecommerce",
            "自社ec",
        ],
    ),
    sub(
        "branding",
        "ブランディング",
        "Branding",
        "marketing",
        "marketing",
        &[
            "ブランド戦略",
            "ブランド構築",
            "ブランドづくり",
            "brand strategy",
        ],
    ),
    // 広報・PR
    root(
        "pr",
        "広報・PR",
        "Public relations",
        "public_relations",
        &[
            "広報",
            "パブリックリレーションズ",
            "public relations",
            "広報活動",
        ],
    ),
    // 人事・採用
    root(
        "hr",
        "人事",
        "Human resources",
        "human_resources",
        &["人事全般", "human resources", "人事労務"],
    ),
    sub(
        "hiring",
        "採用",
        "Hiring",
        "human_resources",
        "hr",
        &[
            "採用活動",
            "リクルーティング",
            "recruiting",
            "人材採用",
            "採用支援",
        ],
    ),
    sub(
        "hr_evaluation",
        "人事評価制度",
        "Performance evaluation",
        "human_resources",
        "hr",
        &[
            "評価制度",
            "人事制度",
            "評価制度設計",
            "performance review",
            "人事考課",
        ],
    ),
    // 財務・経理
    root(
        "finance",
        "財務",
        "Finance",
        "finance",
        &["財務全般", "ファイナンス", "コーポレートファイナンス"],
    ),
    sub(
        "accounting",
        "経理・会計",
        "Accounting",
        "finance",
        "finance",
        &["経理", "会計", "簿記", "bookkeeping", "決算"],
    ),
    sub(
        "cost_accounting",
        "原価計算・原価管理",
        "Cost accounting",
        "finance",
        "accounting",
        &["原価計算", "原価管理", "コスト管理", "cost management"],
    ),
    // 経営・戦略
    root(
        "strategy",
        "経営戦略",
        "Business strategy",
        "strategy",
        &["経営企画", "事業戦略", "戦略立案", "corporate strategy"],
    ),
    // DX・IT
    root(
        "dx",
        "DX推進",
        "Digital transformation",
        "digital",
        &[
            "dx",
            "デジタル化推進",
            "デジタルトランスフォーメーション推進",
            "業務デジタル化",
        ],
    ),
    sub(
        "inventory_management",
        "在庫・受発注管理",
        "Inventory and order management",
        "digital",
        "dx",
        &[
            "在庫管理",
            "受発注管理",
            "発注管理",
            "受注管理",
            "inventory control",
            "在庫システム",
        ],
    ),
    // デザイン
    root(
        "design",
        "デザイン",
        "Design",
        "design",
        &["デザイン全般", "クリエイティブ", "creative"],
    ),
    sub(
        "web_design",
        "Webデザイン",
        "Web design",
        "design",
        "design",
        &[
            "ウェブデザイン",
            "ホームページ制作",
            "hp制作",
            "サイト制作",
            "web制作",
            "ウェブサイト制作",
        ],
    ),
    // 営業
    root(
        "sales",
        "営業",
        "Sales",
        "sales",
        &["セールス", "営業活動", "販売"],
    ),
    sub(
        "direct_sales",
        "直販・D2C",
        "Direct-to-consumer sales",
        "sales",
        "sales",
        &[
            "直販",
            "d2c",
            "dtc",
            "産直",
            "直接販売",
            "direct to consumer",
        ],
    ),
    // 製造・品質
    root(
        "production_management",
        "生産管理",
        "Production management",
        "manufacturing",
        &["製造管理", "工場管理", "production control"],
    ),
    // 観光
    root(
        "tourism_planning",
        "観光企画",
        "Tourism planning",
        "tourism",
        &["観光振興", "観光戦略", "観光まちづくり", "tourism strategy"],
    ),
    sub(
        "tourism_product",
        "観光商品開発",
        "Tourism product development",
        "tourism",
        "tourism_planning",
        &[
            "着地型観光",
            "体験コンテンツ",
            "ツアー造成",
            "旅行商品企画",
            "体験プログラム",
        ],
    ),
    sub(
        "inbound_tourism",
        "インバウンド対応",
        "Inbound tourism",
        "tourism",
        "tourism_planning",
        &["インバウンド", "訪日外国人対応", "訪日観光", "inbound"],
    ),
    // 農業・食
    root(
        "agriculture",
        "農業経営",
        "Farm management",
        "agri_food",
        &["農業", "営農", "farming", "farm management"],
    ),
    // 伝統工芸
    root(
        "traditional_craft",
        "伝統工芸の事業化",
        "Craft business development",
        "craft",
        &["伝統工芸", "工芸", "crafts", "craft business"],
    ),
    // 事業承継
    root(
        "business_succession",
        "事業承継",
        "Business succession",
        "succession",
        &["事業承継支援", "後継者育成", "succession planning", "承継"],
    ),
    // 地域・コミュニティ
    root(
        "community_building",
        "コミュニティづくり",
        "Community building",
        "community",
        &[
            "コミュニティ運営",
            "コミュニティマネジメント",
            "community management",
            "地域コミュニティ",
        ],
    ),
    sub(
        "relationship_population",
        "関係人口づくり",
        "Building a relationship population",
        "community",
        "community_building",
        &["関係人口", "関係人口創出", "ファンづくり", "ふるさと納税"],
    ),
];
