//! The demo's regions and organizations: three regions of the alliance, each with its
//! coordinator (地域人事部), and the SMEs and the city that post needs there. The
//! organizations and people are fictional; the places are real.

/// An account the demo creates.
pub struct Account {
    /// The part of the email before `@`.
    pub login: &'static str,
    /// Name.
    pub display_name: &'static str,
}

/// A region (地域) and its coordinator.
pub struct RegionSpec {
    /// Name, e.g. 塩尻市.
    pub name: &'static str,
    /// Prefecture.
    pub prefecture: &'static str,
    /// City.
    pub city: &'static str,
    /// The coordinator of its regional HR department.
    pub coordinator: Account,
}

/// The regions, the first being the one the demo is about.
pub const REGIONS: &[RegionSpec] = &[
    RegionSpec {
        name: "塩尻市",
        prefecture: "長野県",
        city: "塩尻市",
        coordinator: Account {
            login: "coordinator.shiojiri",
            display_name: "百瀬 奈央（塩尻 地域の人事部）",
        },
    },
    RegionSpec {
        name: "上田市",
        prefecture: "長野県",
        city: "上田市",
        coordinator: Account {
            login: "coordinator.ueda",
            display_name: "小宮山 健（上田 地域人事部）",
        },
    },
    RegionSpec {
        name: "南砺市",
        prefecture: "富山県",
        city: "南砺市",
        coordinator: Account {
            login: "coordinator.nanto",
            display_name: "石黒 千春（南砺 地域人事部）",
        },
    },
];

/// An organization and the account that owns it.
pub struct OrganizationSpec {
    /// Key the needs refer to.
    pub key: &'static str,
    /// Its region's name.
    pub region: &'static str,
    /// The owner's account.
    pub owner: Account,
    /// Name.
    pub name: &'static str,
    /// `sme` or `municipality`.
    pub kind: &'static str,
    /// Industry key.
    pub industry: &'static str,
    /// City.
    pub city: &'static str,
    /// Head count.
    pub employees: i32,
    /// Description.
    pub description: &'static str,
}

const fn org(
    key: &'static str,
    region: &'static str,
    owner: (&'static str, &'static str),
    name: &'static str,
    (kind, industry, employees): (&'static str, &'static str, i32),
    description: &'static str,
) -> OrganizationSpec {
    OrganizationSpec {
        key,
        region,
        owner: Account {
            login: owner.0,
            display_name: owner.1,
        },
        name,
        kind,
        industry,
        city: region,
        employees,
        description,
    }
}

/// The organizations posting needs.
pub const ORGANIZATIONS: &[OrganizationSpec] = &[
    org(
        "shiojiri_city",
        "塩尻市",
        ("city.shiojiri", "矢島 聡子（塩尻市 地域共創課）"),
        "塩尻市",
        ("municipality", "public_sector", 700),
        "ワインと木曽漆器のまち。「地域の人事部」として、市内の企業と複業人材をつなぐ取り組みを続けている。",
    ),
    org(
        "urushi",
        "塩尻市",
        ("urushi.asahi", "朝日 弘（漆工房 あさひ）"),
        "木曽平沢 漆工房 あさひ",
        ("sme", "traditional_craft", 9),
        "木曽平沢で三代続く木曽漆器の工房。塗りと加飾を手がけ、百貨店と問屋への卸が中心。",
    ),
    org(
        "kikyo_seiko",
        "塩尻市",
        ("kikyo.seiko", "上條 誠（桔梗ヶ原精工）"),
        "桔梗ヶ原精工",
        ("sme", "manufacturing", 35),
        "精密部品の切削加工。自動車・医療機器向けの小ロット品が得意な町工場。",
    ),
    org(
        "winery",
        "塩尻市",
        ("midoriko.winery", "赤羽 結（みどり湖ワイナリー）"),
        "みどり湖ワイナリー",
        ("sme", "food_and_beverage", 18),
        "桔梗ヶ原のメルローとナイアガラでワインを醸造。畑から瓶詰めまで自社で行う。",
    ),
    org(
        "miso",
        "上田市",
        ("marukichi.miso", "小山 直人（上田みそ醸造 丸吉）"),
        "上田みそ醸造 丸吉",
        ("sme", "food_and_beverage", 22),
        "創業90年の味噌蔵。信州味噌を県内のスーパーと飲食店に卸している。",
    ),
    org(
        "apple_farm",
        "上田市",
        ("sakura.farm", "柳沢 さくら（りんご農園 さくら）"),
        "塩田平 りんご農園 さくら",
        ("sme", "agriculture", 6),
        "塩田平でりんごと桃を育てる家族経営の農園。出荷の大半は農協向け。",
    ),
    org(
        "onsen_ryokan",
        "上田市",
        ("tsukinoyu", "倉沢 恵（旅館 月の湯）"),
        "別所温泉 旅館 月の湯",
        ("sme", "hospitality", 28),
        "「信州の鎌倉」別所温泉の旅館。客室20室、日帰り入浴と地元の食が自慢。",
    ),
    org(
        "logistics",
        "上田市",
        ("ueda.logitech", "滝沢 剛（上田ロジテック）"),
        "上田ロジテック",
        ("sme", "logistics", 60),
        "ドライバーと倉庫スタッフ60名の運送会社。県内の食品・部品の配送を担う。",
    ),
    org(
        "carving",
        "南砺市",
        ("sugiyama.chokoku", "杉山 清（井波彫刻 工房 杉山）"),
        "井波彫刻 工房 杉山",
        ("sme", "traditional_craft", 5),
        "欄間や獅子頭を彫る、職人5名の井波彫刻の工房。",
    ),
    org(
        "gokayama",
        "南砺市",
        ("gokayama.kanko", "中谷 真理（五箇山 ふるさと観光協議会）"),
        "五箇山 ふるさと観光協議会",
        ("sme", "tourism", 4),
        "世界遺産・五箇山の合掌造り集落で、民宿と住民がつくる小さな観光協議会。",
    ),
];
