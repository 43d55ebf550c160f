//! Wider regions (地方) and the 47 prefectures (JIS X 0401 order).
//!
//! The grouping is the one regional HR work uses rather than the eight-region school
//! map: 山梨・長野・新潟 are 甲信越, 富山・石川・福井 are 北陸, 岐阜・静岡・愛知・三重
//! are 東海, and 沖縄 is with 九州.

use super::{Prefecture, WiderRegion};

const fn region(key: &'static str, ja: &'static str, en: &'static str) -> WiderRegion {
    WiderRegion { key, ja, en }
}

pub(super) const WIDER_REGIONS: &[WiderRegion] = &[
    region("hokkaido", "北海道", "Hokkaido"),
    region("tohoku", "東北", "Tohoku"),
    region("kanto", "関東", "Kanto"),
    region("koshinetsu", "甲信越", "Koshinetsu"),
    region("hokuriku", "北陸", "Hokuriku"),
    region("tokai", "東海", "Tokai"),
    region("kinki", "近畿", "Kinki"),
    region("chugoku", "中国", "Chugoku"),
    region("shikoku", "四国", "Shikoku"),
    region("kyushu_okinawa", "九州・沖縄", "Kyushu and Okinawa"),
];

const fn pref(
    code: u8,
    ja: &'static str,
    short: &'static str,
    en: &'static str,
    wider_region: &'static str,
) -> Prefecture {
    Prefecture {
        code,
        ja,
        short,
        en,
        wider_region,
    }
}

pub(super) const PREFECTURES: &[Prefecture] = &[
    pref(1, "北海道", "北海道", "Hokkaido", "hokkaido"),
    pref(2, "青森県", "青森", "Aomori", "tohoku"),
    pref(3, "岩手県", "岩手", "Iwate", "tohoku"),
    pref(4, "宮城県", "宮城", "Miyagi", "tohoku"),
    pref(5, "秋田県", "秋田", "Akita", "tohoku"),
    pref(6, "山形県", "山形", "Yamagata", "tohoku"),
    pref(7, "福島県", "福島", "Fukushima", "tohoku"),
    pref(8, "茨城県", "茨城", "Ibaraki", "kanto"),
    pref(9, "栃木県", "栃木", "Tochigi", "kanto"),
    pref(10, "群馬県", "群馬", "Gunma", "kanto"),
    pref(11, "埼玉県", "埼玉", "Saitama", "kanto"),
    pref(12, "千葉県", "千葉", "Chiba", "kanto"),
    pref(13, "東京都", "東京", "Tokyo", "kanto"),
    pref(14, "神奈川県", "神奈川", "Kanagawa", "kanto"),
    pref(15, "新潟県", "新潟", "Niigata", "koshinetsu"),
    pref(16, "富山県", "富山", "Toyama", "hokuriku"),
    pref(17, "石川県", "石川", "Ishikawa", "hokuriku"),
    pref(18, "福井県", "福井", "Fukui", "hokuriku"),
    pref(19, "山梨県", "山梨", "Yamanashi", "koshinetsu"),
    pref(20, "長野県", "長野", "Nagano", "koshinetsu"),
    pref(21, "岐阜県", "岐阜", "Gifu", "tokai"),
    pref(22, "静岡県", "静岡", "Shizuoka", "tokai"),
    pref(23, "愛知県", "愛知", "Aichi", "tokai"),
    pref(24, "三重県", "三重", "Mie", "tokai"),
    pref(25, "滋賀県", "滋賀", "Shiga", "kinki"),
    pref(26, "京都府", "京都", "Kyoto", "kinki"),
    pref(27, "大阪府", "大阪", "Osaka", "kinki"),
    pref(28, "兵庫県", "兵庫", "Hyogo", "kinki"),
    pref(29, "奈良県", "奈良", "Nara", "kinki"),
    pref(30, "和歌山県", "和歌山", "Wakayama", "kinki"),
    pref(31, "鳥取県", "鳥取", "Tottori", "chugoku"),
    pref(32, "島根県", "島根", "Shimane", "chugoku"),
    pref(33, "岡山県", "岡山", "Okayama", "chugoku"),
    pref(34, "広島県", "広島", "Hiroshima", "chugoku"),
    pref(35, "山口県", "山口", "Yamaguchi", "chugoku"),
    pref(36, "徳島県", "徳島", "Tokushima", "shikoku"),
    pref(37, "香川県", "香川", "Kagawa", "shikoku"),
    pref(38, "愛媛県", "愛媛", "Ehime", "shikoku"),
    pref(39, "高知県", "高知", "Kochi", "shikoku"),
    pref(40, "福岡県", "福岡", "Fukuoka", "kyushu_okinawa"),
    pref(41, "佐賀県", "佐賀", "Saga", "kyushu_okinawa"),
    pref(42, "長崎県", "長崎", "Nagasaki", "kyushu_okinawa"),
    pref(43, "熊本県", "熊本", "Kumamoto", "kyushu_okinawa"),
    pref(44, "大分県", "大分", "Oita", "kyushu_okinawa"),
    pref(45, "宮崎県", "宮崎", "Miyazaki", "kyushu_okinawa"),
    pref(46, "鹿児島県", "鹿児島", "Kagoshima", "kyushu_okinawa"),
    pref(47, "沖縄県", "沖縄", "Okinawa", "kyushu_okinawa"),
];
