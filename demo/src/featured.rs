//! The hand-written professionals: the people a newcomer logs in as, who apply to the
//! city's CMO post and the lacquerware maker's EC launch, with their proposals (提案).

use super::people::{DemoProfessional, email, skill_level};
use musubi_api::domain::{
    enums::{MeetingSlot, Role, Style, TieKind, WorkStyle},
    profile::{Place, ProfileInput, RoleExperience, Tie},
};

/// An application of a hand-written professional: their number and their proposal.
pub struct FeaturedApplication {
    /// The professional (1-based, as in [`email`]).
    pub professional: usize,
    /// The need's key (see [`super::needs::NEEDS`]).
    pub need: &'static str,
    /// The proposal.
    pub message: &'static str,
}

/// Who applies to what, and with which words.
pub const APPLICATIONS: &[FeaturedApplication] = &[
    FeaturedApplication {
        professional: 1,
        need: "city_cmo",
        message: "塩尻市出身で、いまは東京の食品メーカーでデジタルマーケティングを担当しています。ふるさと納税とSNSの発信を一つの年間計画にまとめ、最初の3か月でKPIと運用ルールを職員の皆さんと一緒につくることを提案します。平日夜と週末に毎月24時間ほど関われます。",
    },
    FeaturedApplication {
        professional: 3,
        need: "city_cmo",
        message: "広告代理店で自治体のプロモーションを5年担当しました。上田に家族が住んでおり、信州の魅力を外から見た視点で言葉にできます。市の発信を「誰に・何を」で整理し、メディアに取り上げられる話題づくりを職員の皆さんと進めます。",
    },
    FeaturedApplication {
        professional: 4,
        need: "city_cmo",
        message: "学生時代を松本で過ごし、塩尻にはワインを飲みによく通いました。Web広告とSNSの運用が専門です。移住イベントとふるさと納税の広告を小さく試し、数字で効果を確かめながら予算配分を決める進め方を提案します。",
    },
    FeaturedApplication {
        professional: 2,
        need: "urushi_ec",
        message: "ECの立ち上げを20件以上支援してきました。最初の1か月で商品を日常使いのお椀と箸に絞り、撮影と説明文を整えて小さく公開、3か月目から広告とSNSで月商を伸ばす計画を提案します。工房には月1回伺い、職人さんの言葉を商品ページに載せたいです。",
    },
    FeaturedApplication {
        professional: 5,
        need: "urushi_ec",
        message: "漆器や陶磁器の商品撮影を多く手がけてきました。漆の艶と手ざわりが伝わる写真と、使う場面が浮かぶ商品ページをつくります。工房での撮影日を月1回いただければ、3か月で主要20商品のページを揃えられます。",
    },
    FeaturedApplication {
        professional: 6,
        need: "urushi_ec",
        message: "楽天とAmazonで食品と雑貨の店舗を運営してきました。自社ECとあわせてモールにも出店し、ギフト需要の高い時期に合わせた販売計画をつくることを提案します。安曇野出身なので、信州の工芸を全国に届ける仕事に関わりたいです。",
    },
];

struct Featured {
    name: &'static str,
    headline: &'static str,
    bio: &'static str,
    motivation: &'static str,
    skills: &'static [(&'static str, u8, u8)],
    roles: &'static [(Role, u8)],
    industries: &'static [&'static str],
    themes: &'static [&'static str],
    style: Style,
    hours: u16,
    work_style: WorkStyle,
    visits: u8,
    home: (&'static str, &'static str),
    ties: &'static [(&'static str, &'static str, TieKind)],
    slots: &'static [MeetingSlot],
    min_compensation: u32,
    pro_bono_ok: bool,
    max_engagements: u8,
}

const EVENINGS_AND_WEEKENDS: &[MeetingSlot] = &[MeetingSlot::WeekdayEvening, MeetingSlot::Weekend];

const FEATURED: &[Featured] = &[
    Featured {
        name: "宮坂 美咲",
        headline: "食品メーカーのデジタルマーケター。地元・塩尻のシティプロモーションに関わりたい",
        bio: "食品メーカーで10年、ブランドサイトとSNSの運用、ECの立ち上げを3回経験。",
        motivation: "生まれ育った塩尻の魅力を、関係人口を増やす形で全国に伝えたい。ワインや漆器のように、まだ知られていない地域の良さを発信するシティプロモーションに、canよりwantで挑戦したい。",
        skills: &[
            ("digital_marketing", 4, 10),
            ("sns_marketing", 4, 8),
            ("city_promotion", 3, 2),
            ("pr_strategy", 3, 4),
            ("web_analytics", 3, 5),
        ],
        roles: &[(Role::Cmo, 2), (Role::Pr, 3)],
        industries: &["food_and_beverage", "manufacturing"],
        themes: &["regional_revitalization", "relationship_population", "food"],
        style: Style::Either,
        hours: 24,
        work_style: WorkStyle::Remote,
        visits: 1,
        home: ("東京都", "世田谷区"),
        ties: &[("長野県", "塩尻市", TieKind::Hometown)],
        slots: EVENINGS_AND_WEEKENDS,
        min_compensation: 30_000,
        pro_bono_ok: true,
        max_engagements: 1,
    },
    Featured {
        name: "高橋 健太",
        headline: "ECサイトの立ち上げを20件以上支援してきたECコンサルタント",
        bio: "EC支援会社で8年。工芸品・食品の自社EC立ち上げとモール出店を担当。",
        motivation: "伝統工芸の作り手が、問屋だけに頼らず自分たちでお客さまに届けられるようにしたい。木曽漆器の産地を旅行で訪れて以来、漆器の販路づくりに関わりたいと思っている。",
        skills: &[
            ("ec_site_building", 5, 8),
            ("ec", 4, 8),
            ("digital_marketing", 4, 6),
            ("marketplace", 4, 5),
            ("photography", 2, 3),
            ("cross_border_ec", 3, 2),
        ],
        roles: &[(Role::Cmo, 1), (Role::Sales, 3)],
        industries: &["retail", "traditional_craft"],
        themes: &["traditional_craft", "sales_channels", "dx"],
        style: Style::HandsOn,
        hours: 24,
        work_style: WorkStyle::Hybrid,
        visits: 1,
        home: ("神奈川県", "横浜市"),
        ties: &[("長野県", "塩尻市", TieKind::Visited)],
        slots: EVENINGS_AND_WEEKENDS,
        min_compensation: 40_000,
        pro_bono_ok: false,
        max_engagements: 2,
    },
    Featured {
        name: "丸山 直子",
        headline: "広告代理店出身の広報・PRプランナー。自治体の発信を支援",
        bio: "広告代理店で12年、うち5年は自治体のプロモーションを担当。",
        motivation: "家族が暮らす信州の魅力を、外から見た視点で言葉にしたい。関係人口を増やすシティプロモーションに関わりたい。",
        skills: &[
            ("pr_strategy", 5, 12),
            ("press_relations", 4, 10),
            ("city_promotion", 4, 5),
            ("copywriting", 4, 10),
            ("sns_marketing", 3, 4),
        ],
        roles: &[(Role::Pr, 8), (Role::Cmo, 1)],
        industries: &["media", "public_sector"],
        themes: &[
            "regional_revitalization",
            "relationship_population",
            "community",
        ],
        style: Style::Either,
        hours: 20,
        work_style: WorkStyle::Remote,
        visits: 0,
        home: ("東京都", "杉並区"),
        ties: &[
            ("長野県", "上田市", TieKind::Family),
            ("長野県", "", TieKind::Lived),
        ],
        slots: EVENINGS_AND_WEEKENDS,
        min_compensation: 50_000,
        pro_bono_ok: false,
        max_engagements: 1,
    },
    Featured {
        name: "小林 翔",
        headline: "Web広告とSNS運用が専門のマーケター",
        bio: "Web広告の運用代理店で7年。自治体の移住プロモーションの広告運用も経験。",
        motivation: "学生時代を過ごした松本と、関係人口としてもう一度つながりたい。数字で確かめながら地域の発信を強くしたい。",
        skills: &[
            ("web_advertising", 4, 7),
            ("digital_marketing", 4, 7),
            ("sns_marketing", 3, 5),
            ("content_marketing", 3, 3),
        ],
        roles: &[],
        industries: &["it", "retail"],
        themes: &["regional_revitalization", "tourism"],
        style: Style::HandsOn,
        hours: 16,
        work_style: WorkStyle::Remote,
        visits: 0,
        home: ("大阪府", "大阪市"),
        ties: &[("長野県", "松本市", TieKind::Lived)],
        slots: EVENINGS_AND_WEEKENDS,
        min_compensation: 20_000,
        pro_bono_ok: true,
        max_engagements: 1,
    },
    Featured {
        name: "中村 彩",
        headline: "Webデザイナー兼フォトグラファー。工芸品の撮影が得意",
        bio: "デザイン事務所を経て独立。器や漆器の商品撮影とECサイトのデザインを手がける。",
        motivation: "伝統工芸の技と美しさが伝わる写真で、作り手の新しい販路を開きたい。塩尻の漆器の取り組みに関心があります。",
        skills: &[
            ("photography", 5, 10),
            ("web_design", 4, 8),
            ("graphic_design", 3, 8),
            ("branding", 3, 4),
            ("ec_site_building", 2, 2),
        ],
        roles: &[(Role::Designer, 6)],
        industries: &["media", "traditional_craft"],
        themes: &["traditional_craft", "sales_channels"],
        style: Style::HandsOn,
        hours: 16,
        work_style: WorkStyle::Hybrid,
        visits: 2,
        home: ("東京都", "三鷹市"),
        ties: &[("長野県", "塩尻市", TieKind::Interest)],
        slots: &[MeetingSlot::Weekend, MeetingSlot::WeekdayEvening],
        min_compensation: 30_000,
        pro_bono_ok: false,
        max_engagements: 2,
    },
    Featured {
        name: "石井 亮",
        headline: "モール出店と自社ECの運営責任者",
        bio: "食品と雑貨の小売企業で、楽天・Amazon店舗と自社ECの運営を8年。",
        motivation: "生まれ育った安曇野のある信州の工芸と食を、全国のお客さまに届けたい。",
        skills: &[
            ("marketplace", 4, 8),
            ("ec", 4, 8),
            ("crm", 3, 5),
            ("email_marketing", 3, 5),
            ("web_analytics", 3, 4),
        ],
        roles: &[(Role::Sales, 2)],
        industries: &["retail", "food_and_beverage"],
        themes: &["sales_channels", "food", "traditional_craft"],
        style: Style::Either,
        hours: 12,
        work_style: WorkStyle::Remote,
        visits: 1,
        home: ("埼玉県", "さいたま市"),
        ties: &[("長野県", "安曇野市", TieKind::Hometown)],
        slots: &[MeetingSlot::WeekdayEvening],
        min_compensation: 30_000,
        pro_bono_ok: false,
        max_engagements: 1,
    },
];

/// The hand-written professionals, numbered from 1.
pub fn professionals() -> Vec<DemoProfessional> {
    FEATURED
        .iter()
        .enumerate()
        .map(|(i, person)| DemoProfessional {
            email: email(i + 1),
            display_name: person.name.to_owned(),
            archetype: "featured",
            profile: ProfileInput {
                headline: person.headline.to_owned(),
                bio: person.bio.to_owned(),
                motivation: person.motivation.to_owned(),
                skills: person
                    .skills
                    .iter()
                    .map(|(skill, level, years)| skill_level(skill, *level, *years))
                    .collect(),
                roles: person
                    .roles
                    .iter()
                    .map(|(role, years)| RoleExperience {
                        role: *role,
                        years: *years,
                    })
                    .collect(),
                industries: person.industries.iter().map(|s| (*s).to_owned()).collect(),
                themes: person.themes.iter().map(|s| (*s).to_owned()).collect(),
                style: person.style,
                hours_per_month: person.hours,
                available_from: None,
                max_engagements: person.max_engagements,
                work_style: person.work_style,
                max_onsite_visits_per_month: person.visits,
                home: Place {
                    prefecture: person.home.0.to_owned(),
                    city: person.home.1.to_owned(),
                },
                ties: person
                    .ties
                    .iter()
                    .map(|(prefecture, city, kind)| Tie {
                        prefecture: (*prefecture).to_owned(),
                        city: (*city).to_owned(),
                        kind: *kind,
                    })
                    .collect(),
                meeting_slots: person.slots.to_vec(),
                min_compensation_jpy: person.min_compensation,
                pro_bono_ok: person.pro_bono_ok,
                active: true,
            },
        })
        .collect()
}
