//! Timing on a shared machine: the thread's CPU time (what the work cost, whatever
//! else runs on the cores) beside the wall clock, medians of several runs.
//!
//! The CPU clock is the scheduler's account of the thread, which some kernels
//! advance only at timer ticks (4 ms here): a sample should span many ticks.

use std::time::Instant;

/// One timing, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    /// CPU time of the calling thread.
    pub cpu: f64,
    /// Wall time.
    pub wall: f64,
}

impl Sample {
    /// The time of one of `count` equal parts.
    pub fn per(&self, count: usize) -> Self {
        let count = count.max(1) as f64;
        Self {
            cpu: self.cpu / count,
            wall: self.wall / count,
        }
    }

    /// `{"cpu": …, "wall": …}`.
    pub fn json(&self) -> String {
        format!("{{\"cpu\": {:.3}, \"wall\": {:.3}}}", self.cpu, self.wall)
    }
}

/// The calling thread's CPU time in nanoseconds, from `/proc/thread-self/schedstat`
/// (Linux); `None` elsewhere, and then only wall time is meaningful.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_ascii_whitespace().next()?.parse().ok()
}

/// Runs `work` once and times it.
pub fn time<T>(work: impl FnOnce() -> T) -> (Sample, T) {
    let cpu_start = thread_cpu_ns();
    let wall_start = Instant::now();
    let out = std::hint::black_box(work());
    let wall = wall_start.elapsed().as_secs_f64() * 1e3;
    let cpu = match (cpu_start, thread_cpu_ns()) {
        (Some(start), Some(end)) => end.saturating_sub(start) as f64 / 1e6,
        _ => wall,
    };
    (Sample { cpu, wall }, out)
}

/// The median of each clock (the mean of the middle two for an even count).
pub fn median(samples: &[Sample]) -> Sample {
    fn middle(mut values: Vec<f64>) -> f64 {
        if values.is_empty() {
            return 0.0;
        }
        values.sort_by(f64::total_cmp);
        let half = values.len() / 2;
        if values.len().is_multiple_of(2) {
            (values[half - 1] + values[half]) / 2.0
        } else {
            values[half]
        }
    }
    Sample {
        cpu: middle(samples.iter().map(|s| s.cpu).collect()),
        wall: middle(samples.iter().map(|s| s.wall).collect()),
    }
}

/// The process's peak resident set in bytes (`VmHWM` of `/proc/self/status`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}
