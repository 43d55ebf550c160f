//! The pools the demo's professionals are drawn from: names, where people live, the
//! places of the alliance they are tied to, and the words they use for what they want.
//! Every person is fictional; the places are real.

use musubi_api::domain::enums::TieKind;

/// Family names, common ones first, with a few typical of Nagano and Toyama.
#[rustfmt::skip]
pub const FAMILY_NAMES: &[&str] = &[
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
    "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "山崎", "森", "池田", "橋本", "阿部",
    "石川", "山下", "中島", "石井", "小川", "前田", "岡田", "長谷川", "藤田", "後藤", "近藤", "村上",
    "遠藤", "青木", "坂本", "斉藤", "福田", "太田", "西村", "藤井", "金子", "岡本", "藤原", "中野",
    "三浦", "原田", "丸山", "宮坂", "百瀬", "上條", "小松", "北村", "柳沢", "竹内", "高田", "野村",
    "荒井", "酒井", "五十嵐", "島田", "宮下", "河合",
];

/// Given names.
#[rustfmt::skip]
pub const GIVEN_NAMES: &[&str] = &[
    "大輔", "翔太", "健太", "拓也", "直樹", "美咲", "陽子", "彩", "真由美", "恵", "亮", "智子",
    "由美", "裕子", "誠", "剛", "聡", "麻衣", "千尋", "結衣", "葵", "蓮", "悠人", "遥",
    "和也", "康平", "奈々", "綾", "舞", "沙織", "理恵", "香織", "浩二", "隆", "修", "純一",
    "真司", "早紀", "友美", "翼", "大樹", "優花", "美穂", "哲也", "恭子", "航", "颯", "紗希",
    "達也", "晴香", "慎一", "亜希子", "海斗", "菜摘", "孝之", "紀子",
];

/// Where professionals live, weighted: mostly the Tokyo area and Osaka, some in the
/// alliance's own prefectures.
#[rustfmt::skip]
pub const HOMES: &[(u32, (&str, &[&str]))] = &[
    (38, ("東京都", &["世田谷区", "杉並区", "練馬区", "目黒区", "品川区", "江東区", "中野区", "大田区", "三鷹市", "武蔵野市", "調布市", "八王子市"])),
    (15, ("神奈川県", &["横浜市", "川崎市", "鎌倉市", "藤沢市", "相模原市"])),
    (9, ("埼玉県", &["さいたま市", "川口市", "所沢市", "越谷市"])),
    (7, ("千葉県", &["千葉市", "船橋市", "柏市", "浦安市"])),
    (9, ("大阪府", &["大阪市", "豊中市", "吹田市", "堺市"])),
    (5, ("愛知県", &["名古屋市", "豊田市", "岡崎市"])),
    (2, ("京都府", &["京都市"])),
    (2, ("兵庫県", &["神戸市", "西宮市"])),
    (2, ("福岡県", &["福岡市"])),
    (6, ("長野県", &["長野市", "松本市", "塩尻市", "上田市", "安曇野市"])),
    (4, ("富山県", &["富山市", "高岡市", "南砺市", "砺波市"])),
];

/// The alliance's places a professional may be tied to, weighted: the demo cities
/// themselves and their neighbours (an empty city is a tie to the prefecture).
#[rustfmt::skip]
pub const TIE_PLACES: &[(u32, (&str, &str))] = &[
    (20, ("長野県", "塩尻市")), (8, ("長野県", "松本市")), (4, ("長野県", "安曇野市")),
    (12, ("長野県", "上田市")), (5, ("長野県", "長野市")), (6, ("長野県", "")),
    (10, ("富山県", "南砺市")), (5, ("富山県", "富山市")), (4, ("富山県", "砺波市")),
    (3, ("富山県", "")),
];

/// Other places people feel tied to (a second tie, outside the alliance).
pub const OTHER_TIES: &[(&str, &str)] = &[
    ("北海道", "札幌市"),
    ("新潟県", "長岡市"),
    ("石川県", "金沢市"),
    ("岐阜県", "高山市"),
    ("静岡県", "浜松市"),
    ("福岡県", "福岡市"),
    ("沖縄県", "那覇市"),
    ("宮城県", "仙台市"),
];

/// How people are tied to a place, weighted.
pub const TIE_KINDS: &[(u32, TieKind)] = &[
    (25, TieKind::Hometown),
    (15, TieKind::Family),
    (15, TieKind::Lived),
    (10, TieKind::Worked),
    (20, TieKind::Visited),
    (15, TieKind::Interest),
];

/// The first sentence of a motivation, from a tie (`{}` is the place).
pub fn tie_sentence(kind: TieKind, place: &str) -> String {
    match kind {
        TieKind::Hometown => format!("生まれ育った{place}に、本業で培った経験で恩返ししたい。"),
        TieKind::Family => {
            format!("{place}の実家に帰るたび、地元の会社の人手不足を感じています。")
        }
        TieKind::Lived => {
            format!("学生時代を過ごした{place}と、関係人口としてもう一度つながりたい。")
        }
        TieKind::Worked => format!("以前{place}で働いた縁を、今度は複業で活かしたい。"),
        TieKind::Visited => format!("旅行で何度も訪れた{place}のファンです。"),
        TieKind::Interest => {
            format!("{place}の地域の人事部の取り組みに共感し、関わり方を探しています。")
        }
    }
}

/// What someone wants to work on, by theme key (canよりwant).
pub fn want_sentence(theme: &str) -> &'static str {
    match theme {
        "regional_revitalization" => {
            "地域の魅力を全国に伝えるシティプロモーションや地域活性化に関わりたい。"
        }
        "relationship_population" => {
            "関係人口として、ひとつの地域と長く付き合える関わり方をしたい。"
        }
        "traditional_craft" => "伝統工芸の技を次の世代につなぎ、新しい販路を開きたい。",
        "dx" => "紙とExcelの業務をデジタル化して、現場に時間を生み出したい。",
        "tourism" => "観光で地域にお金と人が回る仕組みをつくりたい。",
        "inbound" => "海外からのお客さまに、地域の本当の良さを届けたい。",
        "agriculture" => "農家の直販とブランドづくりを応援したい。",
        "food" => "地域の食の魅力を商品にして、全国に届けたい。",
        "business_succession" => "後継者不足で消えてしまう会社や技を残したい。",
        "hiring" => "小さな会社の採用と人づくりを支えたい。",
        "work_style_reform" => "多様な働き方で、人が辞めない組織をつくりたい。",
        "women_leadership" => "女性が長く活躍できる職場づくりに関わりたい。",
        "education" => "地域の学びと人材育成に関わりたい。",
        "childcare" => "子育て世代が暮らしやすい地域づくりに関わりたい。",
        "municipal_reform" => "行政の仕事を、住民の目線で変えていきたい。",
        "manufacturing" => "町工場の現場改善と数字の見える化を手伝いたい。",
        "new_business" => "地方の中小企業の新規事業を一緒に立ち上げたい。",
        "export" => "地域の商品を海外に届ける手伝いをしたい。",
        "sales_channels" => "良いものをつくる会社の販路開拓を支えたい。",
        "community" => "住民どうしがつながるコミュニティづくりに関わりたい。",
        "sustainability" => "環境と経済が両立する地域の仕組みをつくりたい。",
        _ => "地方の中小企業の力になりたい。",
    }
}

/// How people close their motivation.
pub const CLOSINGS: &[&str] = &[
    "canよりwantで選んだテーマです。",
    "平日夜と週末なら、継続して関われます。",
    "まずは3か月、小さく始めてみたいです。",
    "子育てと両立しながら、オンライン中心で関わりたいです。",
    "本業では得られない、経営に近い距離での仕事に挑戦したい。",
    "いずれは二地域居住も考えています。",
    "地元に恩返しできる形を探しています。",
    "",
];

/// A sentence of experience for a bio.
pub const BIO_EXTRAS: &[&str] = &[
    "自治体との協働プロジェクトを2件経験。",
    "スタートアップで新規事業の立ち上げを経験。",
    "副業で地方企業の支援を1年続けています。",
    "チームのマネジメント経験は5年。",
    "海外駐在の経験があり、英語での商談も可能。",
    "中小企業診断士の勉強中。",
    "",
];
