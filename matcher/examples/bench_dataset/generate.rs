//! Synthetic professionals and needs for the ranking benchmarks, the same from the
//! same seed.
//!
//! Shared by the `bench_dataset` example (which times the index and writes the rows
//! for PostgreSQL), the `ranking` criterion bench and the `evaluate` example, so all
//! of them see the same kind of data:
//!
//! - a professional belongs to one of the taxonomy's skill fields (marketing, HR,
//!   finance, crafts…, the popular ones more often) and has two to six skills,
//!   mostly from that field, at levels 1–5; roles and themes follow the field;
//! - they live mostly in and around Tokyo, with ties (hometown, family, lived…) to
//!   prefectures and a few named cities (塩尻市 among them);
//! - their motivation is two or three Japanese sentences built from a few hundred
//!   phrases (places, things, verbs, their skills' labels), their headline names an
//!   industry and a role, so the text has a long-tailed vocabulary of a few thousand
//!   bigrams;
//! - hours, pay, visits, slots and engagements take a handful of values each, so
//!   equal scores (ties) are common.
//!
//! Profile `i` depends only on the seed and `i`, so a million can be streamed into an
//! index without ever holding them all.

use chrono::NaiveDate;
use musubi_matcher::model::*;
use musubi_matcher::taxonomy;

/// A small, fast, seedable generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The generator for item `i` of stream `seed`.
    pub fn for_item(seed: u64, i: u64) -> Self {
        let mut rng = Self(seed ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next();
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    /// True with probability `percent / 100`.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// An item of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn with the given relative weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut at = self.below(total.max(1) as usize) as u32;
        for (i, &weight) in weights.iter().enumerate() {
            if at < weight {
                return i;
            }
            at -= weight;
        }
        weights.len() - 1
    }
}

/// Relative popularity of the taxonomy's fields among professionals, in the order of
/// [`taxonomy::fields`].
const FIELD_WEIGHTS: [u32; 14] = [24, 8, 12, 8, 10, 14, 8, 8, 5, 4, 3, 2, 2, 4];

/// Roles that go with each field (same order).
const FIELD_ROLES: [&[Role]; 14] = [
    &[Role::Cmo, Role::Other],
    &[Role::Pr, Role::Cmo],
    &[Role::Chro, Role::Other],
    &[Role::Cfo, Role::Coo],
    &[Role::Coo, Role::Cso, Role::Other],
    &[Role::Cto, Role::Cdo, Role::Engineer],
    &[Role::Designer, Role::Cmo],
    &[Role::Sales, Role::Cso],
    &[Role::Coo, Role::Engineer],
    &[Role::Cmo, Role::Other],
    &[Role::Other, Role::Cmo],
    &[Role::Designer, Role::Other],
    &[Role::Cfo, Role::Coo],
    &[Role::Other, Role::Pr],
];

/// Themes that go with each field (same order).
const FIELD_THEMES: [&[&str]; 14] = [
    &[
        "sales_channels",
        "regional_revitalization",
        "new_business",
        "export",
    ],
    &[
        "regional_revitalization",
        "relationship_population",
        "community",
    ],
    &[
        "hiring",
        "work_style_reform",
        "women_leadership",
        "education",
    ],
    &["business_succession", "new_business", "municipal_reform"],
    &[
        "new_business",
        "business_succession",
        "regional_revitalization",
    ],
    &["dx", "municipal_reform", "work_style_reform"],
    &["traditional_craft", "sales_channels", "tourism"],
    &["sales_channels", "export", "new_business"],
    &["manufacturing", "dx", "sustainability"],
    &["tourism", "inbound", "relationship_population"],
    &["agriculture", "food", "sustainability"],
    &["traditional_craft", "export", "manufacturing"],
    &["business_succession", "manufacturing"],
    &[
        "community",
        "relationship_population",
        "childcare",
        "education",
    ],
];

/// Where professionals live (prefecture, city), with weights: mostly the Tokyo area.
const HOMES: [(&str, &str, u32); 16] = [
    ("東京都", "世田谷区", 12),
    ("東京都", "渋谷区", 8),
    ("東京都", "杉並区", 7),
    ("東京都", "練馬区", 6),
    ("東京都", "港区", 5),
    ("東京都", "", 7),
    ("神奈川県", "横浜市", 9),
    ("神奈川県", "川崎市", 5),
    ("埼玉県", "さいたま市", 6),
    ("千葉県", "船橋市", 4),
    ("大阪府", "大阪市", 7),
    ("愛知県", "名古屋市", 5),
    ("福岡県", "福岡市", 4),
    ("長野県", "松本市", 2),
    ("長野県", "塩尻市", 1),
    ("北海道", "札幌市", 2),
];

/// Cities that ties name (the rest name only a prefecture).
const TIE_CITIES: [(&str, &str); 12] = [
    ("長野県", "塩尻市"),
    ("長野県", "松本市"),
    ("長野県", "長野市"),
    ("新潟県", "新潟市"),
    ("山梨県", "甲府市"),
    ("石川県", "金沢市"),
    ("富山県", "高岡市"),
    ("静岡県", "浜松市"),
    ("岐阜県", "高山市"),
    ("宮城県", "仙台市"),
    ("高知県", "高知市"),
    ("熊本県", "熊本市"),
];

const PLACE_WORDS: [&str; 24] = [
    "塩尻",
    "松本",
    "木曽",
    "長野",
    "信州",
    "金沢",
    "新潟",
    "高山",
    "仙台",
    "高知",
    "熊本",
    "甲府",
    "浜松",
    "奈良",
    "京都",
    "鎌倉",
    "函館",
    "尾道",
    "瀬戸内",
    "北陸",
    "東北",
    "九州",
    "山陰",
    "離島",
];
const ORIGINS: [&str; 8] = [
    "生まれ育った",
    "学生時代を過ごした",
    "家族が暮らす",
    "何度も訪れた",
    "いつか住みたい",
    "祖父母の住む",
    "転勤で暮らした",
    "",
];
const THINGS: [&str; 48] = [
    "伝統工芸",
    "漆器",
    "木曽漆器",
    "陶磁器",
    "和紙",
    "織物",
    "ワイン",
    "日本酒",
    "味噌",
    "農産物",
    "果樹園",
    "ぶどう",
    "りんご",
    "温泉地",
    "宿泊施設",
    "商店街",
    "観光資源",
    "地場産業",
    "町工場",
    "中小企業",
    "地方の会社",
    "老舗",
    "家業",
    "スタートアップ",
    "自治体",
    "市役所",
    "NPO",
    "地域の学校",
    "子育て世代",
    "高齢者福祉",
    "移住者",
    "若者",
    "特産品",
    "ECサイト",
    "採用活動",
    "人事制度",
    "財務",
    "業務システム",
    "ブランド",
    "デザイン",
    "SNS",
    "インバウンド",
    "シティプロモーション",
    "関係人口",
    "事業承継",
    "新規事業",
    "ものづくり",
    "まちづくり",
];
const VERBS: [&str; 24] = [
    "を全国に発信したい",
    "を次の世代につなぎたい",
    "の販路を広げたい",
    "を支援したい",
    "に関わりたい",
    "の魅力を伝えたい",
    "を盛り上げたい",
    "の課題を一緒に解決したい",
    "に恩返しがしたい",
    "のDXを進めたい",
    "の仕組みを整えたい",
    "のブランド化に挑戦したい",
    "を海外に届けたい",
    "で新しい挑戦をしたい",
    "の経営者と伴走したい",
    "を元気にしたい",
    "の価値を高めたい",
    "の人手不足を解消したい",
    "を守りたい",
    "の未来をつくりたい",
    "に貢献したい",
    "を応援したい",
    "の働き方を変えたい",
    "と長く関わりたい",
];
const SKILL_LEADS: [&str; 6] = [
    "の経験を活かして",
    "の知見で",
    "の専門性を武器に",
    "を通じて",
    "で培った力で",
    "のスキルで",
];
const WEEKEND: [&str; 6] = [
    "週末を中心に",
    "平日の夜に",
    "リモートで",
    "月に数回",
    "本業の傍らで",
    "",
];
const CAREERS: [&str; 12] = [
    "元大手メーカーの",
    "IT企業の",
    "外資系企業の",
    "広告代理店の",
    "コンサルティング会社の",
    "ベンチャー企業の",
    "金融機関の",
    "商社の",
    "独立した",
    "フリーランスの",
    "地方銀行出身の",
    "自治体出身の",
];

/// A professional: see the module documentation.
pub fn profile(seed: u64, i: u64) -> Profile {
    let mut rng = Rng::for_item(seed, i);
    let fields = taxonomy::fields();
    let field = rng.weighted(&FIELD_WEIGHTS).min(fields.len() - 1);
    let field_skills: Vec<&taxonomy::Skill> = taxonomy::skills()
        .iter()
        .filter(|skill| skill.field == fields[field].key)
        .collect();
    let all_skills = taxonomy::skills();

    let count = 2 + rng.below(5);
    let mut skills: Vec<SkillLevel> = Vec::with_capacity(count);
    for _ in 0..count {
        let skill = if rng.chance(80) && !field_skills.is_empty() {
            *rng.pick(&field_skills)
        } else {
            rng.pick(all_skills)
        };
        if skills.iter().any(|held| held.skill == skill.key) {
            continue;
        }
        skills.push(SkillLevel {
            skill: skill.key.into(),
            level: [1, 2, 2, 3, 3, 3, 4, 4, 5][rng.below(9)],
            years: rng.below(15) as u8,
        });
    }

    let roles: Vec<RoleExperience> = (0..rng.weighted(&[35, 45, 20]))
        .map(|_| RoleExperience {
            role: if rng.chance(80) {
                *rng.pick(FIELD_ROLES[field])
            } else {
                *rng.pick(Role::ALL)
            },
            years: 1 + rng.below(8) as u8,
        })
        .collect();

    let industries = taxonomy::industries();
    let industry_keys: Vec<String> = (0..1 + rng.below(2))
        .map(|_| rng.pick(industries).key.to_owned())
        .collect();

    let theme_count = rng.weighted(&[8, 35, 35, 22]);
    let mut themes: Vec<String> = Vec::new();
    for _ in 0..theme_count {
        let key = if rng.chance(70) {
            *rng.pick(FIELD_THEMES[field])
        } else {
            rng.pick(taxonomy::themes()).key
        };
        if !themes.iter().any(|t| t == key) {
            themes.push(key.to_owned());
        }
    }

    let (prefecture, city, _) = HOMES[rng.weighted(&HOMES.map(|(_, _, w)| w))];
    let mut ties = Vec::new();
    for _ in 0..rng.weighted(&[40, 35, 18, 7]) {
        let place = if rng.chance(40) {
            let (prefecture, city) = *rng.pick(&TIE_CITIES);
            Place {
                prefecture: prefecture.into(),
                city: city.into(),
            }
        } else {
            Place {
                prefecture: rng.pick(taxonomy::prefectures()).ja.into(),
                city: String::new(),
            }
        };
        ties.push(Tie {
            place,
            kind: *rng.pick(TieKind::ALL),
        });
    }
    let past_engagements = if rng.chance(8) {
        let (prefecture, city) = *rng.pick(&TIE_CITIES);
        vec![Place {
            prefecture: prefecture.into(),
            city: city.into(),
        }]
    } else {
        Vec::new()
    };

    let motivation = motivation(&mut rng, &skills);
    let career = *rng.pick(&CAREERS);
    let role_word = roles.first().map_or_else(
        || taxonomy::skill(&skills[0].skill).map_or("専門家", |skill| skill.ja),
        |held| taxonomy::role_label(held.role).ja,
    );
    let headline = format!(
        "{career}{role_word}。{}で{}年",
        rng.pick(industries).ja,
        3 + rng.below(20)
    );

    let work_style = WorkStyle::ALL[rng.weighted(&[50, 35, 15])];
    let mut meeting_slots: Vec<MeetingSlot> = Vec::new();
    for (slot, percent) in [
        (MeetingSlot::WeekdayDay, 25),
        (MeetingSlot::WeekdayEvening, 70),
        (MeetingSlot::Weekend, 60),
    ] {
        if rng.chance(percent) {
            meeting_slots.push(slot);
        }
    }
    let max_engagements = 1 + rng.weighted(&[50, 35, 15]) as u8;
    Profile {
        id: u128::from(i) + 1,
        active: rng.chance(97),
        headline,
        bio: String::new(),
        motivation,
        skills,
        roles,
        industries: industry_keys,
        themes,
        style: Style::ALL[rng.weighted(&[40, 20, 40])],
        hours_per_month: [4, 8, 8, 12, 16, 16, 20, 24, 24, 32, 40, 48][rng.below(12)],
        available_from: rng.chance(15).then(|| {
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
                + chrono::Duration::days(rng.below(150) as i64)
        }),
        max_engagements,
        active_engagements: rng.below(usize::from(max_engagements) + 1) as u8,
        work_style,
        max_onsite_visits_per_month: match work_style {
            WorkStyle::Remote => rng.weighted(&[70, 25, 5]) as u8,
            _ => rng.below(5) as u8,
        },
        home: Place {
            prefecture: prefecture.into(),
            city: city.into(),
        },
        ties,
        past_engagements,
        meeting_slots,
        min_compensation_jpy: [
            0, 0, 20_000, 30_000, 30_000, 50_000, 50_000, 80_000, 100_000, 150_000,
        ][rng.below(10)],
        pro_bono_ok: rng.chance(25),
    }
}

fn motivation(rng: &mut Rng, skills: &[SkillLevel]) -> String {
    let mut text = String::with_capacity(160);
    let sentences = 2 + usize::from(rng.chance(35));
    for n in 0..sentences {
        if n == 0 && rng.chance(60) {
            text.push_str(rng.pick::<&str>(&ORIGINS));
            text.push_str(rng.pick::<&str>(&PLACE_WORDS));
            text.push('の');
        } else if rng.chance(50) {
            let skill = taxonomy::skill(&rng.pick(skills).skill).map_or("仕事", |s| s.ja);
            text.push_str(skill);
            text.push_str(rng.pick::<&str>(&SKILL_LEADS));
        } else {
            text.push_str(rng.pick::<&str>(&WEEKEND));
        }
        text.push_str(rng.pick::<&str>(&THINGS));
        text.push_str(rng.pick::<&str>(&VERBS));
        text.push('。');
    }
    text
}

fn skill(key: &str, min_level: u8, must: bool) -> SkillRequirement {
    SkillRequirement {
        skill: key.into(),
        min_level,
        must,
    }
}

/// Sixteen needs of the kind Shiojiri's coordinators write: the city's CMO post
/// first (remote, 16–32 hours a month, ¥50k–100k), then SMEs' and towns' posts.
pub fn needs() -> Vec<Need> {
    let base = Need {
        id: 0,
        place: Place {
            prefecture: "長野県".into(),
            city: "塩尻市".into(),
        },
        industry: "public_sector".into(),
        title: String::new(),
        description: String::new(),
        goal: String::new(),
        role: Role::Cmo,
        style: Style::Either,
        skills: Vec::new(),
        themes: Vec::new(),
        hours_min: 16,
        hours_max: 32,
        duration_months: 6,
        work_style: WorkStyle::Remote,
        onsite_visits_per_month: 0,
        meeting_slots: vec![MeetingSlot::WeekdayEvening, MeetingSlot::Weekend],
        compensation_min_jpy: 50_000,
        compensation_max_jpy: 100_000,
        pro_bono: false,
        headcount: 1,
        apply_by: NaiveDate::from_ymd_opt(2027, 1, 31),
    };
    let mut needs = vec![
        Need {
            title: "塩尻市CMO（マーケティング責任者）".into(),
            description: "塩尻市の魅力を全国に発信するシティプロモーションを統括し、関係人口を増やすための戦略をつくります。SNSとWebを使った発信の仕組みを整えたい方を募集します".into(),
            goal: "関係人口を1年で倍増".into(),
            skills: vec![skill("digital_marketing", 3, true), skill("city_promotion", 2, false), skill("branding", 2, false)],
            themes: vec!["regional_revitalization".into(), "relationship_population".into()],
            headcount: 2,
            ..base.clone()
        },
        Need {
            title: "塩尻市CHRO（人事戦略責任者）".into(),
            description: "市役所の採用と人材育成を見直し、多様な働き方ができる組織をつくります".into(),
            goal: "若手職員の採用倍率を2倍に".into(),
            role: Role::Chro,
            skills: vec![skill("hiring", 3, true), skill("hr_evaluation", 2, false), skill("organization_development", 2, false)],
            themes: vec!["hiring".into(), "work_style_reform".into(), "municipal_reform".into()],
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
            industry: "traditional_craft".into(),
            title: "木曽漆器のECサイト立ち上げ".into(),
            description: "漆器の新しい販路としてECサイトを立ち上げ、伝統工芸の魅力を全国と海外に届けたい。商品撮影とSNS運用も一緒に考えてください".into(),
            goal: "自社ECで月商100万円".into(),
            role: Role::Cmo,
            style: Style::HandsOn,
            skills: vec![skill("ec_site_building", 3, true), skill("sns_marketing", 2, false)],
            themes: vec!["traditional_craft".into(), "sales_channels".into(), "export".into()],
            hours_min: 8,
            hours_max: 24,
            compensation_min_jpy: 30_000,
            compensation_max_jpy: 80_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "松本市".into() },
            industry: "manufacturing".into(),
            title: "精密部品メーカーのDX推進".into(),
            description: "紙とExcelの生産管理をクラウドに移し、現場のデータを経営に活かしたい。月2回は工場に来ていただけると助かります".into(),
            goal: "受注から出荷までのリードタイムを3割短縮".into(),
            role: Role::Cdo,
            style: Style::HandsOn,
            skills: vec![skill("dx", 3, true), skill("factory_iot", 2, false), skill("data_analysis", 2, false)],
            themes: vec!["dx".into(), "manufacturing".into()],
            work_style: WorkStyle::Hybrid,
            onsite_visits_per_month: 2,
            compensation_min_jpy: 80_000,
            compensation_max_jpy: 150_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
            industry: "food_and_beverage".into(),
            title: "ワイナリーのブランドづくり".into(),
            description: "桔梗ヶ原のワインを首都圏の飲食店に届けるブランド戦略と営業の仕組みをつくります".into(),
            goal: "首都圏の取引先を20軒に".into(),
            skills: vec![skill("branding", 3, true), skill("b2b_sales", 2, false)],
            themes: vec!["food".into(), "sales_channels".into(), "agriculture".into()],
            compensation_min_jpy: 50_000,
            compensation_max_jpy: 80_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "新潟県".into(), city: "新潟市".into() },
            industry: "retail".into(),
            title: "老舗の事業承継サポート".into(),
            description: "三代目への事業承継に向けて、財務の見える化と後継者の経営計画づくりを伴走してください".into(),
            goal: "承継計画と3か年の事業計画".into(),
            role: Role::Cfo,
            style: Style::Advisory,
            skills: vec![skill("succession_planning", 3, true), skill("cash_flow", 2, true)],
            themes: vec!["business_succession".into()],
            hours_min: 8,
            hours_max: 16,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "".into() },
            industry: "tourism".into(),
            title: "インバウンド向け体験ツアーの企画".into(),
            description: "訪日外国人に向けて、農泊と伝統工芸の体験を組み合わせたツアーを企画し、海外に発信します".into(),
            goal: "年間1,000人の訪日客".into(),
            role: Role::Other,
            skills: vec![skill("inbound_tourism", 3, true), skill("tourism_product", 2, false)],
            themes: vec!["inbound".into(), "tourism".into()],
            work_style: WorkStyle::Hybrid,
            onsite_visits_per_month: 1,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
            industry: "nonprofit".into(),
            title: "子育て支援NPOの広報（プロボノ）".into(),
            description: "子育て世代に活動を届けるための広報とSNS発信を、週末に一緒に考えてくださる方".into(),
            goal: "会員を半年で倍に".into(),
            role: Role::Pr,
            skills: vec![skill("pr", 2, true), skill("sns_marketing", 2, false)],
            themes: vec!["childcare".into(), "community".into()],
            hours_min: 4,
            hours_max: 8,
            compensation_min_jpy: 0,
            compensation_max_jpy: 0,
            pro_bono: true,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "石川県".into(), city: "金沢市".into() },
            industry: "traditional_craft".into(),
            title: "金箔工房の海外展開".into(),
            description: "欧米のバイヤーに向けて越境ECと展示会出展の戦略をつくり、輸出の仕組みを整えたい".into(),
            goal: "海外売上比率を2割に".into(),
            role: Role::Cso,
            skills: vec![skill("cross_border_ec", 3, true), skill("export_sales", 2, false)],
            themes: vec!["export".into(), "traditional_craft".into()],
            compensation_min_jpy: 60_000,
            compensation_max_jpy: 120_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "山梨県".into(), city: "甲府市".into() },
            industry: "it".into(),
            title: "地域IT企業のCTO候補".into(),
            description: "自治体向けシステムの開発体制を立て直し、若手エンジニアを育てる技術責任者".into(),
            goal: "開発プロセスの標準化と2名の育成".into(),
            role: Role::Cto,
            style: Style::HandsOn,
            skills: vec![skill("software_development", 4, true), skill("it_infrastructure", 2, false)],
            themes: vec!["dx".into(), "municipal_reform".into()],
            hours_min: 24,
            hours_max: 40,
            compensation_min_jpy: 100_000,
            compensation_max_jpy: 200_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
            industry: "agriculture".into(),
            title: "農産物のブランド化と直販".into(),
            description: "ぶどうとりんごの農園が、6次産業化と直販で農産物の価値を高めたい".into(),
            goal: "直販比率を3割に".into(),
            role: Role::Other,
            skills: vec![skill("agri_branding", 3, true), skill("ec", 2, false)],
            themes: vec!["agriculture".into(), "food".into()],
            compensation_min_jpy: 30_000,
            compensation_max_jpy: 60_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "長野市".into() },
            industry: "healthcare".into(),
            title: "介護事業所の採用と定着".into(),
            description: "人手不足の介護現場で採用広報と職員の定着の仕組みをつくります".into(),
            goal: "離職率を半分に".into(),
            role: Role::Chro,
            skills: vec![skill("employer_branding", 3, true), skill("retention", 2, false)],
            themes: vec!["hiring".into(), "healthcare_welfare".into()],
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "新潟県".into(), city: "".into() },
            industry: "manufacturing".into(),
            title: "町工場の品質管理の仕組みづくり".into(),
            description: "月に一度工場で現場を見ていただき、品質管理と改善活動の仕組みを整えたい".into(),
            goal: "不良率を半減".into(),
            role: Role::Coo,
            style: Style::HandsOn,
            skills: vec![skill("quality_control", 3, true), skill("lean_manufacturing", 2, false)],
            themes: vec!["manufacturing".into()],
            work_style: WorkStyle::Onsite,
            onsite_visits_per_month: 1,
            compensation_min_jpy: 50_000,
            compensation_max_jpy: 100_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
            industry: "public_sector".into(),
            title: "関係人口プロジェクトのコーディネーター".into(),
            description: "都市部の複業人材と地域をつなぐコミュニティを運営し、関係人口を増やします".into(),
            goal: "地域と関わる人を年100人".into(),
            role: Role::Other,
            skills: vec![skill("community_building", 2, true), skill("online_community", 2, false)],
            themes: vec!["relationship_population".into(), "community".into(), "regional_revitalization".into()],
            hours_min: 8,
            hours_max: 16,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "岐阜県".into(), city: "高山市".into() },
            industry: "hospitality".into(),
            title: "旅館のWeb集客".into(),
            description: "自社サイトからの予約を増やすため、SEOとWeb広告を見直したい".into(),
            goal: "直予約比率を4割に".into(),
            skills: vec![skill("seo", 3, true), skill("web_advertising", 3, false), skill("web_analytics", 2, false)],
            themes: vec!["tourism".into(), "dx".into()],
            compensation_min_jpy: 40_000,
            compensation_max_jpy: 80_000,
            ..base.clone()
        },
        Need {
            place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
            industry: "manufacturing".into(),
            title: "中小企業の財務の見える化".into(),
            description: "月次決算を早め、資金繰りの見通しを経営者と一緒に立てるCFO".into(),
            goal: "月次決算を10営業日以内に".into(),
            role: Role::Cfo,
            style: Style::Advisory,
            skills: vec![skill("management_accounting", 3, true), skill("cash_flow", 2, false)],
            themes: vec!["business_succession".into(), "new_business".into()],
            hours_min: 8,
            hours_max: 16,
            ..base
        },
    ];
    for (i, need) in needs.iter_mut().enumerate() {
        need.id = i as u128 + 1;
    }
    needs
}
