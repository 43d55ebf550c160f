//! The formatter reasons are written with: [`text!`] puts each piece of a reason
//! straight into a string sized up front, and [`Piece`] says how each kind of piece
//! (text, numbers, dates, yen, joined labels) is written — as `{}` would write it.

use std::fmt::{self, Write as _};

use chrono::{Datelike, NaiveDate};

/// A reason's string from its pieces, each written straight in (see [`Piece`]):
/// `text!("稼働: 月", hours, "時間")`. What `format!` would write, without parsing
/// a template and padding each argument, which is most of a reason's cost.
macro_rules! text {
    ($($piece:expr),+ $(,)?) => {{
        use $crate::factors::reasons::format::Piece;
        let mut text = String::with_capacity(0 $( + Piece::size(&$piece) )+);
        $( Piece::put(&$piece, &mut text); )+
        text
    }};
}
pub(super) use text;

/// A part of a reason's string.
pub(super) trait Piece {
    /// Appends it as `{}` would write it.
    fn put(&self, out: &mut String);

    /// About how many bytes it writes, for sizing the string up front.
    fn size(&self) -> usize {
        16
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }

    fn size(&self) -> usize {
        (**self).size()
    }
}

impl Piece for str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }

    fn size(&self) -> usize {
        self.len()
    }
}

impl Piece for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }

    fn size(&self) -> usize {
        self.len()
    }
}

/// Pieces written one after the other (a lead several reasons share).
impl<A: Piece, B: Piece, C: Piece> Piece for (A, B, C) {
    fn put(&self, out: &mut String) {
        self.0.put(out);
        self.1.put(out);
        self.2.put(out);
    }

    fn size(&self) -> usize {
        self.0.size() + self.1.size() + self.2.size()
    }
}

/// Appends `n` in decimal.
fn put_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in digits[..len].iter().rev() {
        out.push(char::from(digit));
    }
}

macro_rules! unsigned_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                put_decimal(out, *self as u64);
            }
        }
    )*};
}
unsigned_pieces!(u8, u16, u32, u64, usize);

macro_rules! signed_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                put_decimal(out, u64::from(self.unsigned_abs()));
            }
        }
    )*};
}
signed_pieces!(i32, i64);

/// Pieces written through their `Display`.
macro_rules! display_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                // Writing to a `String` cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_pieces!(f32);

impl Piece for NaiveDate {
    /// `2027-01-31`, as the date's `Display` writes it.
    fn put(&self, out: &mut String) {
        let year = self.year();
        if !(1000..=9999).contains(&year) {
            let _ = write!(out, "{self}");
            return;
        }
        put_decimal(out, year.unsigned_abs().into());
        for part in [self.month(), self.day()] {
            out.push('-');
            if part < 10 {
                out.push('0');
            }
            put_decimal(out, part.into());
        }
    }
}

impl Piece for Yen {
    fn put(&self, out: &mut String) {
        let amount = self.amount;
        if !self.japanese {
            out.push('¥');
            put_grouped(out, amount);
        } else if amount >= 10_000 && amount.is_multiple_of(10_000) {
            put_decimal(out, (amount / 10_000).into());
            out.push_str("万円");
        } else {
            put_grouped(out, amount);
            out.push('円');
        }
    }
}

impl<T: fmt::Display> Piece for Joined<'_, T> {
    fn put(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

/// A number with a fixed count of decimals, as `{:.2}` writes it.
pub(super) struct Fixed(pub(super) f32, pub(super) usize);

impl Piece for Fixed {
    fn put(&self, out: &mut String) {
        let _ = write!(out, "{:.*}", self.1, self.0);
    }
}

/// Labels joined by a separator, written straight into a reason.
pub(super) struct Joined<'a, T>(pub(super) &'a [T], pub(super) &'static str);

impl<T: fmt::Display> fmt::Display for Joined<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

/// `50000` → `5万円`, `32500` → `32,500円`.
pub(super) fn yen_ja(amount: u32) -> Yen {
    Yen {
        amount,
        japanese: true,
    }
}

/// `50000` → `¥50,000`.
pub(super) fn yen_en(amount: u32) -> Yen {
    Yen {
        amount,
        japanese: false,
    }
}

/// An amount of yen as a reason writes it (see [`yen_ja`] and [`yen_en`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Yen {
    amount: u32,
    japanese: bool,
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.put(&mut text);
        f.write_str(&text)
    }
}

/// Appends `n` with its digits in groups of three (`1,234,567`).
fn put_grouped(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        if i + 1 < len && (i + 1).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(digits[i]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_writes_what_format_writes() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let label = String::from("塩尻");
        assert_eq!(
            text!("月", 0u8, "〜", 255u8, "時間", &label),
            format!("月{}〜{}時間{label}", 0u8, 255u8)
        );
        assert_eq!(
            text!(u32::MAX, " ", -42i32, " ", i64::MIN, " ", 1_000_000usize),
            format!("{} {} {} {}", u32::MAX, -42i32, i64::MIN, 1_000_000usize)
        );
        assert_eq!(
            text!(
                date,
                " ",
                Fixed(0.125, 2),
                " ",
                Fixed(0.75, 1),
                " ",
                50.0f32
            ),
            format!("{date} {:.2} {:.1} {}", 0.125f32, 0.75f32, 50.0f32)
        );
        assert_eq!(
            text!(yen_ja(50_000), " ", Joined(&["a", "b"], "、")),
            "5万円 a、b"
        );
        let early = NaiveDate::from_ymd_opt(2027, 3, 5).unwrap();
        let ancient = NaiveDate::from_ymd_opt(987, 12, 25).unwrap();
        assert_eq!(text!(early, " ", ancient), "2027-03-05 0987-12-25");
        assert_eq!(text!(early), early.to_string());
    }

    #[test]
    fn yen_reads_naturally() {
        assert_eq!(yen_ja(50_000).to_string(), "5万円");
        assert_eq!(yen_ja(100_000).to_string(), "10万円");
        assert_eq!(yen_ja(32_500).to_string(), "32,500円");
        assert_eq!(yen_ja(0).to_string(), "0円");
        assert_eq!(yen_en(1_234_567).to_string(), "¥1,234,567");
        assert_eq!(yen_en(999).to_string(), "¥999");
        assert_eq!(yen_en(1_000).to_string(), "¥1,000");
        assert_eq!(yen_en(u32::MAX).to_string(), "¥4,294,967,295");
    }
}
