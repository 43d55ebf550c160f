//! The needs (募集) the demo's SMEs and city post: the kinds regional firms really
//! post (DOMAIN.md), each a written spec (仕様書) with Japanese title, description and
//! goal, and skills and themes from the taxonomy. Some are pro bono; some ask for one or
//! two on-site visits a month.

use musubi_api::domain::{
    enums::{MeetingSlot, Role, Style, WorkStyle},
    need::{HoursRange, MoneyRange, NeedInput, SkillRequirement},
};

/// A need an organization posts.
pub struct NeedSpec {
    /// Key, for the demo's own references.
    pub key: &'static str,
    /// The organization's key.
    pub organization: &'static str,
    /// Title.
    pub title: &'static str,
    /// Description.
    pub description: &'static str,
    /// Goal.
    pub goal: &'static str,
    /// Role.
    pub role: Role,
    /// Style.
    pub style: Style,
    /// `(skill, min_level, must)`.
    pub skills: &'static [(&'static str, u8, bool)],
    /// Theme keys.
    pub themes: &'static [&'static str],
    /// Hours a month.
    pub hours: (u16, u16),
    /// Months.
    pub duration_months: u16,
    /// Where.
    pub work_style: WorkStyle,
    /// On-site visits a month.
    pub visits: u8,
    /// Meeting slots.
    pub slots: &'static [MeetingSlot],
    /// Budget, or `None` for pro bono.
    pub budget: Option<(u32, u32)>,
}

impl NeedSpec {
    /// The need as an SME would `POST /needs` it (not yet validated).
    pub fn input(&self) -> NeedInput {
        NeedInput {
            title: self.title.to_owned(),
            description: self.description.to_owned(),
            goal: self.goal.to_owned(),
            role: self.role,
            style: self.style,
            skills: self
                .skills
                .iter()
                .map(|(skill, min_level, must)| SkillRequirement {
                    skill: (*skill).to_owned(),
                    min_level: *min_level,
                    must: *must,
                })
                .collect(),
            themes: self.themes.iter().map(|s| (*s).to_owned()).collect(),
            hours_per_month: HoursRange {
                min: self.hours.0,
                max: self.hours.1,
            },
            duration_months: self.duration_months,
            work_style: self.work_style,
            onsite_visits_per_month: self.visits,
            meeting_slots: self.slots.to_vec(),
            compensation_jpy: self.budget.map(|(min, max)| MoneyRange { min, max }),
            pro_bono: self.budget.is_none(),
            headcount: 1,
            apply_by: None,
        }
    }
}

const EVENING_WEEKEND: &[MeetingSlot] = &[MeetingSlot::WeekdayEvening, MeetingSlot::Weekend];

/// The city's CMO post: the need whose candidates the demo prints.
pub const CITY_CMO: &str = "city_cmo";
/// The lacquerware maker's EC launch.
pub const URUSHI_EC: &str = "urushi_ec";
/// The city's CHRO post: the one the coordinator scouts for.
pub const CITY_CHRO: &str = "city_chro";

/// Every need of the demo.
pub const NEEDS: &[NeedSpec] = &[
    NeedSpec {
        key: CITY_CMO,
        organization: "shiojiri_city",
        title: "塩尻市 シティプロモーション CMO（マーケティング責任者）",
        description: "ワインと木曽漆器、そして「地域の人事部」の取り組みで知られる塩尻市の魅力を、市外・県外の人に届けるシティプロモーションの責任者を募集します。SNS・Web・ふるさと納税・移住イベントなど、いまは課ごとにばらばらな発信を一つの戦略にまとめ、職員と一緒に実行まで伴走していただきます。月4日以内・フルリモート、任期は年度末まで（更新あり）。打ち合わせは平日夜か週末のオンラインで調整します。",
        goal: "関係人口を増やし、ふるさと納税の寄附件数と市のイベント参加者を前年比150%に。発信の年間計画とKPIを、職員が自走できる形で残す。",
        role: Role::Cmo,
        style: Style::HandsOn,
        skills: &[
            ("city_promotion", 3, true),
            ("digital_marketing", 3, true),
            ("pr_strategy", 2, false),
            ("sns_marketing", 2, false),
        ],
        themes: &["regional_revitalization", "relationship_population"],
        hours: (16, 32),
        duration_months: 6,
        work_style: WorkStyle::Remote,
        visits: 0,
        slots: EVENING_WEEKEND,
        budget: Some((50_000, 100_000)),
    },
    NeedSpec {
        key: CITY_CHRO,
        organization: "shiojiri_city",
        title: "塩尻市 CHRO（人事戦略責任者）— 職員の育成と多様な働き方",
        description: "市役所の人材育成方針と、複業・テレワークを含む多様な働き方の制度づくりを担う人事戦略の責任者を募集します。若手職員の育成計画、評価面談の仕組み、庁内の組織開発ワークショップの設計を、人事課と一緒に進めていただきます。月4日以内・フルリモート、任期は年度末まで。",
        goal: "職員の育成計画と評価面談の運用ルールを整え、若手職員の離職を減らす。複業人材と協働する庁内ルールを明文化する。",
        role: Role::Chro,
        style: Style::Either,
        skills: &[
            ("organization_development", 3, true),
            ("training", 3, true),
            ("hr_evaluation", 2, false),
            ("flexible_work", 2, false),
        ],
        themes: &["work_style_reform", "municipal_reform", "hiring"],
        hours: (16, 32),
        duration_months: 6,
        work_style: WorkStyle::Remote,
        visits: 0,
        slots: EVENING_WEEKEND,
        budget: Some((50_000, 100_000)),
    },
    NeedSpec {
        key: "city_dx",
        organization: "shiojiri_city",
        title: "市役所の定型業務DX（申請受付と庁内手続きの電子化）",
        description: "紙とExcelで回っている申請受付や庁内の定型手続きを棚卸しし、ノーコードツールやRPAで電子化する取り組みを、情報政策課と一緒に進めてくださる方を募集します。月1回は市役所で現場の職員にヒアリングしていただきます。",
        goal: "半年で5業務を電子化し、職員の手作業を月100時間減らす。職員向けの使い方講座を2回開く。",
        role: Role::Cdo,
        style: Style::HandsOn,
        skills: &[
            ("gov_dx", 3, true),
            ("rpa", 2, false),
            ("nocode", 2, false),
            ("digital_literacy_training", 2, false),
        ],
        themes: &["dx", "municipal_reform"],
        hours: (16, 24),
        duration_months: 6,
        work_style: WorkStyle::Hybrid,
        visits: 1,
        slots: &[MeetingSlot::WeekdayDay, MeetingSlot::WeekdayEvening],
        budget: Some((40_000, 80_000)),
    },
    NeedSpec {
        key: URUSHI_EC,
        organization: "urushi",
        title: "木曽漆器のECサイト立ち上げとオンライン販売（CMO）",
        description: "木曽平沢で三代続く漆器工房です。これまでは百貨店と問屋への卸が中心で、自社の直販はほとんどありません。自社ECサイトの立ち上げ、商品写真と説明文の整備、SNSでの発信まで、職人と一緒に形にしてくださる方を募集します。工房見学を兼ねて月1回の来訪をお願いしたいです。",
        goal: "6か月で自社ECの月商100万円。お椀や箸など日常使いの商品から、海外のお客さまにも届ける土台をつくる。",
        role: Role::Cmo,
        style: Style::HandsOn,
        skills: &[
            ("ec_site_building", 3, true),
            ("digital_marketing", 3, true),
            ("sns_marketing", 2, false),
            ("photography", 2, false),
        ],
        themes: &["traditional_craft", "sales_channels", "dx"],
        hours: (16, 32),
        duration_months: 6,
        work_style: WorkStyle::Hybrid,
        visits: 1,
        slots: EVENING_WEEKEND,
        budget: Some((30_000, 80_000)),
    },
    NeedSpec {
        key: "factory_cost",
        organization: "kikyo_seiko",
        title: "小さな工場の原価計算と製品別採算の見える化（CFO）",
        description: "社員35名の精密部品加工の工場です。見積もりは長年の勘に頼っており、どの製品が儲かっているのか分かりません。製品別の原価計算の仕組みづくりと、月次で採算を見る会議の立ち上げを手伝ってくださる方を募集します。現場を見ていただくため、月2回程度の来訪をお願いします。",
        goal: "主要20製品の原価を把握し、見積もりの根拠を社内で説明できる状態にする。赤字製品の価格改定につなげる。",
        role: Role::Cfo,
        style: Style::Either,
        skills: &[
            ("cost_accounting", 3, true),
            ("management_accounting", 3, true),
            ("production_management", 2, false),
            ("cloud_accounting", 2, false),
        ],
        themes: &["manufacturing", "dx"],
        hours: (16, 24),
        duration_months: 4,
        work_style: WorkStyle::Hybrid,
        visits: 2,
        slots: EVENING_WEEKEND,
        budget: Some((50_000, 80_000)),
    },
    NeedSpec {
        key: "winery_story",
        organization: "winery",
        title: "新卒採用の採用ストーリーづくり — ワイナリーで働く魅力を言葉に",
        description: "桔梗ヶ原のぶどうでワインを醸造する社員18名のワイナリーです。毎年1〜2名の新卒を採用したいのですが、求人票では畑と醸造の仕事の面白さが伝わりません。社員インタビューをもとに採用ストーリーをつくり、採用サイトとSNSで発信するところまで伴走してくださる方を募集します。",
        goal: "採用ページと社員インタビュー記事5本を公開し、来年度の新卒応募を10名以上にする。",
        role: Role::Pr,
        style: Style::HandsOn,
        skills: &[
            ("employer_branding", 3, true),
            ("new_graduate_hiring", 2, false),
            ("copywriting", 2, false),
            ("video_production", 1, false),
        ],
        themes: &["hiring", "food", "agriculture"],
        hours: (8, 16),
        duration_months: 3,
        work_style: WorkStyle::Remote,
        visits: 0,
        slots: EVENING_WEEKEND,
        budget: Some((30_000, 50_000)),
    },
    NeedSpec {
        key: "miso_inventory",
        organization: "miso",
        title: "在庫・受発注管理を紙とFAXから卒業したい",
        description: "創業90年の味噌蔵です。受注はFAXと電話、在庫は手書きの台帳で、繁忙期には欠品と二重出荷が起きています。クラウドやノーコードのツールで受発注と在庫を一つにまとめる仕組みを、事務スタッフと一緒に選び、導入し、定着させてくださる方を募集します。月1回、蔵での打ち合わせをお願いします。",
        goal: "4か月で受発注と在庫を一つの仕組みに移し、欠品と二重出荷をなくす。事務作業を月40時間減らす。",
        role: Role::Cdo,
        style: Style::HandsOn,
        skills: &[
            ("inventory_management", 3, true),
            ("nocode", 3, false),
            ("system_implementation", 2, false),
            ("operations_improvement", 2, false),
        ],
        themes: &["dx", "food"],
        hours: (16, 32),
        duration_months: 4,
        work_style: WorkStyle::Hybrid,
        visits: 1,
        slots: EVENING_WEEKEND,
        budget: Some((30_000, 60_000)),
    },
    NeedSpec {
        key: "apple_direct",
        organization: "apple_farm",
        title: "りんご農園の直販とブランドづくり",
        description: "塩田平でりんごと桃を育てる家族経営の農園です。出荷の大半は農協向けで、価格を自分たちで決められません。ふるさと納税や自社ECでの直販、贈答用のブランドづくり、SNSでの発信を一緒に考えてくださる方を募集します。収穫期には一度、畑に来ていただけると嬉しいです。",
        goal: "直販の売上比率を1年で10%から30%へ。贈答用の商品ラインとパッケージを整える。",
        role: Role::Sales,
        style: Style::Either,
        skills: &[
            ("agri_branding", 3, true),
            ("direct_sales", 3, false),
            ("sns_marketing", 2, false),
            ("furusato_nozei", 2, false),
        ],
        themes: &["agriculture", "food", "sales_channels"],
        hours: (8, 16),
        duration_months: 6,
        work_style: WorkStyle::Hybrid,
        visits: 1,
        slots: EVENING_WEEKEND,
        budget: Some((20_000, 40_000)),
    },
    NeedSpec {
        key: "onsen_inbound",
        organization: "onsen_ryokan",
        title: "別所温泉の体験型観光商品づくりとインバウンド受け入れ",
        description: "「信州の鎌倉」と呼ばれる別所温泉の旅館です。国宝の八角三重塔や古刹めぐり、地元の農家と組んだ体験を、海外のお客さまにも選ばれる観光商品にしたいと考えています。商品企画、多言語の案内、予約サイトでの販売まで一緒に進めてくださる方を募集します。月2回程度、現地での打ち合わせをお願いします。",
        goal: "体験型の観光商品を3本つくって予約サイトで販売し、外国人宿泊者を前年の2倍にする。",
        role: Role::Cmo,
        style: Style::HandsOn,
        skills: &[
            ("tourism_product", 3, true),
            ("inbound_tourism", 3, true),
            ("multilingual_support", 2, false),
            ("ota_management", 2, false),
        ],
        themes: &["tourism", "inbound"],
        hours: (16, 32),
        duration_months: 6,
        work_style: WorkStyle::Hybrid,
        visits: 2,
        slots: EVENING_WEEKEND,
        budget: Some((40_000, 80_000)),
    },
    NeedSpec {
        key: "logistics_chro",
        organization: "logistics",
        title: "採用計画と人事評価制度づくり（社員60名の運送会社 CHRO）",
        description: "ドライバーと倉庫スタッフ60名の運送会社です。人手不足が続くなか、採用は場当たり的で、評価は社長の頭の中にしかありません。3年の採用計画と、社員が納得できる評価・等級制度を一緒につくってくださる人事責任者を募集します。打ち合わせはオンライン中心です。",
        goal: "半年で評価制度と等級表を整え、全社員との評価面談を一巡させる。ドライバーの採用計画を年度ごとの数字に落とす。",
        role: Role::Chro,
        style: Style::Either,
        skills: &[
            ("hr_evaluation", 3, true),
            ("compensation_design", 3, true),
            ("hiring", 2, false),
            ("retention", 2, false),
        ],
        themes: &["hiring", "work_style_reform"],
        hours: (16, 32),
        duration_months: 6,
        work_style: WorkStyle::Remote,
        visits: 0,
        slots: EVENING_WEEKEND,
        budget: Some((50_000, 100_000)),
    },
    NeedSpec {
        key: "carving_succession",
        organization: "carving",
        title: "井波彫刻工房の事業承継計画づくり（プロボノ）",
        description: "欄間や獅子頭を彫る、職人5名の彫刻工房です。親方は70代で、弟子の一人に工房を引き継ぎたいと考えていますが、何から手をつければよいか分かりません。承継の段取り、技の継承の計画、取引先への伝え方を整理する相談相手を、プロボノで募集します。月1〜2回のオンライン面談を想定しています。",
        goal: "1年で事業承継計画書をまとめ、後継者と親方が合意した承継のスケジュールをつくる。",
        role: Role::Cso,
        style: Style::Advisory,
        skills: &[
            ("succession_planning", 3, true),
            ("family_business", 2, false),
            ("artisan_training", 2, false),
            ("business_planning", 2, false),
        ],
        themes: &["business_succession", "traditional_craft"],
        hours: (8, 16),
        duration_months: 6,
        work_style: WorkStyle::Remote,
        visits: 0,
        slots: EVENING_WEEKEND,
        budget: None,
    },
    NeedSpec {
        key: "gokayama_web",
        organization: "gokayama",
        title: "五箇山の合掌造り集落を伝えるウェブサイトとSNS運用（プロボノ）",
        description: "世界遺産・五箇山の合掌造り集落で、民宿や地元の人たちがつくる小さな観光協議会です。ウェブサイトは10年前のまま、SNSは担当者が不在です。集落の暮らしと四季を伝えるサイトの作り直しと、住民が続けられるSNS運用の仕組みづくりを、プロボノで手伝ってくださる方を募集します。",
        goal: "3か月でサイトを作り直し、住民3名が交代で続けられるSNS運用の手順を残す。",
        role: Role::Pr,
        style: Style::HandsOn,
        skills: &[
            ("sns_marketing", 3, true),
            ("web_design", 2, false),
            ("tourism_promotion", 2, false),
            ("photography", 2, false),
        ],
        themes: &["tourism", "relationship_population", "community"],
        hours: (8, 16),
        duration_months: 3,
        work_style: WorkStyle::Remote,
        visits: 0,
        slots: EVENING_WEEKEND,
        budget: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organizations::{ORGANIZATIONS, REGIONS};

    #[test]
    fn every_need_is_valid_and_belongs_to_an_organization_of_a_region() {
        for need in NEEDS {
            let validated = need.input().parse();
            assert!(validated.is_ok(), "{}: {:?}", need.key, validated.err());
            let organization = ORGANIZATIONS
                .iter()
                .find(|org| org.key == need.organization)
                .unwrap();
            assert!(REGIONS.iter().any(|r| r.name == organization.region));
        }
        for organization in ORGANIZATIONS {
            assert!(musubi_matcher::taxonomy::industry(organization.industry).is_some());
        }
    }

    #[test]
    fn some_needs_are_pro_bono_and_some_ask_for_visits() {
        assert!(NEEDS.iter().filter(|n| n.budget.is_none()).count() >= 2);
        assert!(NEEDS.iter().filter(|n| n.visits >= 1).count() >= 3);
    }
}
