//! The monthly funnel as a grouped bar chart, laid out here and drawn by
//! `region_report.html` as inline SVG: one group of five bars a month (needs,
//! applications, introductions, meetings, contracts), a value axis with round ticks,
//! month labels and a legend. Only presentation attributes (`fill=`), never `style=`:
//! the Content-Security-Policy allows no inline styles. Each colour has at least 4.5:1
//! contrast on white, more than the 3:1 WCAG AA asks of graphics.

use crate::repo::reports::MonthCounts;

/// One series of the chart.
#[derive(Debug)]
pub struct Series {
    /// The message key of its name.
    pub key: &'static str,
    /// Its colour.
    pub fill: &'static str,
    /// Its figure in a month.
    pub value: fn(&MonthCounts) -> u64,
}

/// The series, in the order of the funnel.
pub static SERIES: [Series; 5] = [
    Series {
        key: "report.series.needs",
        fill: "#1f3a68", // 11.3:1
        value: |m| m.needs,
    },
    Series {
        key: "report.series.applications",
        fill: "#9a6700", // 4.9:1
        value: |m| m.applications,
    },
    Series {
        key: "report.series.introductions",
        fill: "#1b7a4a", // 5.3:1
        value: |m| m.introductions,
    },
    Series {
        key: "report.series.meetings",
        fill: "#7b3fa0", // 6.9:1
        value: |m| m.meetings,
    },
    Series {
        key: "report.series.contracts",
        fill: "#a8321c", // 6.7:1
        value: |m| m.contracts,
    },
];

const LEFT: u32 = 48;
const RIGHT: u32 = 16;
const TOP: u32 = 48;
const PLOT_HEIGHT: u32 = 220;
const BOTTOM: u32 = 36;
const BAR: u32 = 12;
const GAP: u32 = 20;
const MIN_WIDTH: u32 = 640;
const LEGEND_ITEM: u32 = 120;

/// One bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Colour.
    pub fill: &'static str,
    /// "2026-12 · Applications: 5", its tooltip.
    pub title: String,
}

/// The bars of one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `YYYY-MM`.
    pub month: String,
    /// Where the month label's centre is.
    pub label_x: u32,
    /// The bars, in the order of [`SERIES`].
    pub bars: Vec<Bar>,
}

/// A line of the value axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Its height.
    pub y: u32,
    /// Its value.
    pub label: String,
}

/// A legend entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendItem {
    /// Swatch's left edge.
    pub x: u32,
    /// Colour.
    pub fill: &'static str,
    /// The series' name.
    pub label: String,
}

/// The whole chart, in SVG user units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Width of the `viewBox`.
    pub width: u32,
    /// Height of the `viewBox`.
    pub height: u32,
    /// Left edge of the plot.
    pub plot_left: u32,
    /// Right edge of the plot.
    pub plot_right: u32,
    /// The zero line.
    pub baseline: u32,
    /// Where month labels sit.
    pub label_y: u32,
    /// Value axis lines, from zero up.
    pub ticks: Vec<Tick>,
    /// One group a month.
    pub groups: Vec<Group>,
    /// The series' colours and names.
    pub legend: Vec<LegendItem>,
}

/// A round step for about four ticks up to `max` (1, 2 or 5 times a power of ten).
fn step_for(max: u64) -> u64 {
    let mut power = 1u64;
    loop {
        for step in [power, power * 2, power * 5] {
            if max.div_ceil(step) <= 4 {
                return step;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Lays out `months`, naming the series with `name` (their message key → text).
pub fn layout(months: &[MonthCounts], name: impl Fn(&str) -> String) -> Chart {
    let max = months
        .iter()
        .flat_map(|month| SERIES.iter().map(move |series| (series.value)(month)))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = step_for(max);
    let top_value = max.div_ceil(step) * step;
    // Each month gets a slot: at least five narrow bars and a gap; a few months share
    // the minimum width, with wider bars (up to twice as wide) centred in their slots.
    let series_count = u32::try_from(SERIES.len()).unwrap_or(5);
    let narrowest = BAR * series_count + GAP;
    let count = u32::try_from(months.len())
        .unwrap_or(u32::MAX / narrowest)
        .max(1);
    let slot = ((MIN_WIDTH - LEFT - RIGHT) / count).max(narrowest);
    let bar = ((slot - GAP) / series_count).clamp(BAR, 2 * BAR);
    let width = (LEFT + count.saturating_mul(slot) + RIGHT).max(MIN_WIDTH);
    let baseline = TOP + PLOT_HEIGHT;
    let height_of = |value: u64| -> u32 {
        let scaled = u128::from(value) * u128::from(PLOT_HEIGHT) / u128::from(top_value);
        u32::try_from(scaled).unwrap_or(PLOT_HEIGHT)
    };
    let ticks = (0..=top_value / step)
        .map(|n| Tick {
            y: baseline - height_of(n * step),
            label: (n * step).to_string(),
        })
        .collect();
    let names: Vec<String> = SERIES.iter().map(|series| name(series.key)).collect();
    let mut groups = Vec::with_capacity(months.len());
    let mut start = LEFT;
    for month in months {
        let mut bars = Vec::with_capacity(SERIES.len());
        let mut x = start + (slot - bar * series_count) / 2;
        for (series, label) in SERIES.iter().zip(&names) {
            let value = (series.value)(month);
            let height = height_of(value);
            bars.push(Bar {
                x,
                y: baseline - height,
                width: bar,
                height,
                fill: series.fill,
                title: format!("{} · {label}: {value}", month.month),
            });
            x += bar;
        }
        groups.push(Group {
            month: month.month.clone(),
            label_x: start + slot / 2,
            bars,
        });
        start += slot;
    }
    let legend = SERIES
        .iter()
        .zip(names)
        .zip(0u32..)
        .map(|((series, label), n)| LegendItem {
            x: LEFT + n * LEGEND_ITEM,
            fill: series.fill,
            label,
        })
        .collect();
    Chart {
        width,
        height: baseline + BOTTOM,
        plot_left: LEFT,
        plot_right: width - RIGHT,
        baseline,
        label_y: baseline + 22,
        ticks,
        groups,
        legend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(month: &str, needs: u64, applications: u64) -> MonthCounts {
        MonthCounts {
            month: month.to_owned(),
            needs,
            applications,
            introductions: 2,
            meetings: 1,
            contracts: 0,
        }
    }

    #[test]
    fn ticks_are_round_and_reach_the_largest_value() {
        assert_eq!(step_for(1), 1);
        assert_eq!(step_for(4), 1);
        assert_eq!(step_for(7), 2);
        assert_eq!(step_for(18), 5);
        assert_eq!(step_for(95), 50);
        assert_eq!(step_for(1234), 500);
    }

    #[test]
    fn each_month_is_a_group_of_five_bars_scaled_to_the_axis() {
        let chart = layout(
            &[month("2026-11", 4, 8), month("2026-12", 1, 0)],
            str::to_owned,
        );
        assert_eq!(chart.groups.len(), 2);
        assert!(chart.groups.iter().all(|group| group.bars.len() == 5));
        let ticks: Vec<&str> = chart.ticks.iter().map(|tick| tick.label.as_str()).collect();
        assert_eq!(ticks, ["0", "2", "4", "6", "8"]);
        // The largest value fills the plot; half of it, half the plot; zero, nothing.
        let november = &chart.groups[0].bars;
        assert_eq!(november[1].height, PLOT_HEIGHT);
        assert_eq!(november[0].height, PLOT_HEIGHT / 2);
        assert_eq!(chart.groups[1].bars[1].height, 0);
        assert_eq!(november[0].y + november[0].height, chart.baseline);
        assert_eq!(november[1].title, "2026-11 · report.series.applications: 8");
        // Groups do not overlap and stay inside the plot; two months share its width
        // with wider bars.
        let last = chart.groups[1].bars.last().unwrap();
        assert!(chart.groups[1].bars[0].x > november[4].x + november[4].width);
        assert!(last.x + last.width <= chart.plot_right);
        assert_eq!(chart.width, MIN_WIDTH);
        assert_eq!(november[0].width, 2 * BAR);
        assert_eq!(chart.legend.len(), 5);
    }

    #[test]
    fn many_months_widen_the_chart() {
        let months: Vec<MonthCounts> = (1..=24).map(|n| month(&format!("m{n}"), n, n)).collect();
        let chart = layout(&months, str::to_owned);
        let last = chart.groups[23].bars.last().unwrap();
        assert!(chart.width > MIN_WIDTH);
        assert!(last.x + last.width <= chart.plot_right);
        assert!(chart.groups.iter().all(|group| group.bars[0].width == BAR));
    }
}
