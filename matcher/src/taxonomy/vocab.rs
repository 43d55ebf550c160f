//! Themes, industries and role labels.

use super::{Industry, RoleLabel, Theme};
use crate::model::Role;

const fn theme(
    key: &'static str,
    ja: &'static str,
    en: &'static str,
    synonyms: &'static [&'static str],
) -> Theme {
    Theme {
        key,
        ja,
        en,
        synonyms,
    }
}

// One row per theme reads as a table.
#[rustfmt::skip]
pub(super) const THEMES: &[Theme] = &[
    theme("dx", "DX・デジタル化", "Digital transformation", &["デジタルトランスフォーメーション", "デジタル化", "digitalization", "digital transformation", "ペーパーレス", "業務効率化"]),
    theme("traditional_craft", "伝統工芸", "Traditional crafts", &["伝統産業", "工芸", "craft", "crafts", "地場産業", "ものづくり文化"]),
    theme("regional_revitalization", "地方創生・地域活性化", "Regional revitalization", &["地方創生", "地域活性化", "地域おこし", "まちおこし", "町おこし", "まちづくり", "regional development", "local revitalization"]),
    theme("tourism", "観光", "Tourism", &["観光振興", "観光まちづくり", "travel", "ツーリズム"]),
    theme("inbound", "インバウンド", "Inbound tourism", &["訪日外国人", "訪日観光", "外国人観光客", "inbound tourism", "訪日客"]),
    theme("agriculture", "農業", "Agriculture", &["農林水産", "一次産業", "第一次産業", "farming", "農林業", "漁業", "林業"]),
    theme("food", "食", "Food", &["食品", "フード", "食文化", "特産品", "6次産業化", "六次産業化"]),
    theme("business_succession", "事業承継", "Business succession", &["後継者", "後継者問題", "事業引継ぎ", "承継", "succession"]),
    theme("hiring", "採用・人材確保", "Hiring and retention", &["人材確保", "人手不足", "採用強化", "recruitment", "人材定着"]),
    theme("women_leadership", "女性活躍", "Women's leadership", &["女性の活躍", "女性リーダー", "女性活躍推進", "women in leadership", "ジェンダー平等"]),
    theme("work_style_reform", "働き方改革", "Work-style reform", &["柔軟な働き方", "テレワーク推進", "workplace reform", "ワークライフバランス"]),
    theme("education", "教育", "Education", &["学び", "リスキリング", "reskilling", "人材育成", "学校"]),
    theme("childcare", "子育て", "Childcare", &["子育て支援", "保育", "parenting", "育児"]),
    theme("healthcare_welfare", "医療・福祉", "Health and welfare", &["福祉", "介護", "医療", "ヘルスケア", "welfare", "healthcare"]),
    theme("sustainability", "サステナビリティ・環境", "Sustainability", &["sdgs", "環境", "脱炭素", "カーボンニュートラル", "サステナブル", "環境保全", "green"]),
    theme("community", "コミュニティ", "Community", &["地域コミュニティ", "コミュニティづくり", "住民参加", "市民協働"]),
    theme("relationship_population", "関係人口", "Relationship population", &["関係人口創出", "ふるさと", "二地域居住", "ワーケーション", "移住", "移住定住", "u・iターン", "uターン", "iターン"]),
    theme("manufacturing", "ものづくり", "Manufacturing", &["製造業", "町工場", "生産現場", "monozukuri"]),
    theme("municipal_reform", "行政改革", "Municipal reform", &["自治体dx", "行政dx", "役所改革", "行財政改革", "public sector reform", "自治体改革"]),
    theme("new_business", "新規事業", "New business", &["新規事業開発", "新事業", "第二創業", "new venture", "事業開発"]),
    theme("export", "海外展開", "Going global", &["海外進出", "輸出", "越境", "global expansion", "海外販路"]),
    theme("sales_channels", "販路開拓", "New sales channels", &["販路拡大", "新規販路", "sales channels", "販路"]),
];

const fn industry(key: &'static str, ja: &'static str, en: &'static str) -> Industry {
    Industry { key, ja, en }
}

pub(super) const INDUSTRIES: &[Industry] = &[
    industry("manufacturing", "製造業", "Manufacturing"),
    industry("retail", "小売業", "Retail"),
    industry("wholesale", "卸売業", "Wholesale"),
    industry("food_and_beverage", "食品・飲料", "Food and beverage"),
    industry("restaurants", "飲食業", "Restaurants"),
    industry("agriculture", "農業", "Agriculture"),
    industry("forestry_fishery", "林業・水産業", "Forestry and fisheries"),
    industry("traditional_craft", "伝統工芸", "Traditional crafts"),
    industry("tourism", "観光業", "Tourism"),
    industry("hospitality", "宿泊業", "Hospitality"),
    industry("construction", "建設業", "Construction"),
    industry("real_estate", "不動産業", "Real estate"),
    industry("logistics", "運輸・物流", "Transport and logistics"),
    industry("it", "IT・ソフトウェア", "IT and software"),
    industry("media", "広告・メディア", "Advertising and media"),
    industry("consulting", "コンサルティング", "Consulting"),
    industry("finance", "金融・保険", "Finance and insurance"),
    industry("healthcare", "医療・福祉", "Healthcare and welfare"),
    industry("education", "教育", "Education"),
    industry("energy", "エネルギー", "Energy"),
    industry(
        "public_sector",
        "自治体・公共",
        "Municipality and public sector",
    ),
    industry("nonprofit", "NPO・非営利", "Non-profit"),
    industry("services", "サービス業", "Services"),
];

const fn role(role: Role, ja: &'static str, en: &'static str) -> RoleLabel {
    RoleLabel { role, ja, en }
}

/// In the order of [`Role::ALL`], so `ROLES[role as usize]` is the role's label.
pub(super) const ROLES: [RoleLabel; Role::ALL.len()] = [
    role(
        Role::Cmo,
        "CMO（マーケティング責任者）",
        "Chief Marketing Officer",
    ),
    role(
        Role::Chro,
        "CHRO（人事責任者）",
        "Chief Human Resources Officer",
    ),
    role(Role::Cfo, "CFO（財務責任者）", "Chief Financial Officer"),
    role(Role::Cto, "CTO（技術責任者）", "Chief Technology Officer"),
    role(Role::Cdo, "CDO（デジタル責任者）", "Chief Digital Officer"),
    role(
        Role::Coo,
        "COO（事業運営責任者）",
        "Chief Operating Officer",
    ),
    role(Role::Cso, "CSO（戦略責任者）", "Chief Strategy Officer"),
    role(Role::Pr, "広報", "Public relations"),
    role(Role::Sales, "営業", "Sales"),
    role(Role::Designer, "デザイナー", "Designer"),
    role(Role::Engineer, "エンジニア", "Engineer"),
    role(Role::Other, "その他", "Other"),
];
