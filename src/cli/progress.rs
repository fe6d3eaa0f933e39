//! What `cp` says about a copy, as pure functions of numbers: sizes, counts, durations, the
//! moving-average speed, the ETA, the progress line and the closing summary. No I/O here.

use std::time::Duration;

/// How far back the speed looks.
pub const SPEED_WINDOW: Duration = Duration::from_secs(5);

/// `1,998`.
pub fn count(n: u64) -> String {
    crate::ui::format::count(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Binary units with one decimal, as `ls -h` and rclone show them: `512 B`, `1.0 KiB`,
/// `124.9 MiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    // Rounded to one decimal, 1023.95 KiB shows as 1.0 MiB rather than 1024.0 KiB.
    while value >= 1023.95 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `3.2 s`, `2 min 05 s`, `1 h 02 min`.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        return format!("{secs:.1} s");
    }
    let whole = d.as_secs();
    if whole < 3600 {
        format!("{} min {:02} s", whole / 60, whole % 60)
    } else {
        format!("{} h {:02} min", whole / 3600, whole % 3600 / 60)
    }
}

/// `0:42`, `12:05`, `1:02:03`.
pub fn eta(d: Duration) -> String {
    let s = d.as_secs();
    if s < 3600 {
        format!("{}:{:02}", s / 60, s % 60)
    } else {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    }
}

/// Where a copy stands, for the progress line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// False while some file's size is not known yet (the total would grow).
    pub total_known: bool,
    pub bytes_per_sec: u64,
    /// Files that failed so far.
    pub failed: u64,
}

impl Snapshot {
    /// Time left, only when it means something: every size known, bytes left, and a speed
    /// measured over at least two seconds.
    pub fn eta(&self, measured: Duration) -> Option<Duration> {
        let left = self.bytes_total.checked_sub(self.bytes_done)?;
        if !self.total_known || left == 0 || self.bytes_per_sec == 0 {
            return None;
        }
        if measured < Duration::from_secs(2) {
            return None;
        }
        Some(Duration::from_secs(left.div_ceil(self.bytes_per_sec)))
    }

    /// `12/2,000 files  3.4 MiB/124.9 MiB  39.0 MiB/s  ETA 0:03  1 failed`: the text
    /// beside the bar.
    pub fn line(&self, measured: Duration) -> String {
        let mut line = format!(
            "{}/{} files  {}/{}{}  {}/s",
            count(self.files_done),
            count(self.files_total),
            size(self.bytes_done),
            size(self.bytes_total),
            if self.total_known { "" } else { "+" },
            size(self.bytes_per_sec)
        );
        if let Some(left) = self.eta(measured) {
            line.push_str(&format!("  ETA {}", eta(left)));
        }
        if self.failed > 0 {
            line.push_str(&format!("  {} failed", count(self.failed)));
        }
        line
    }
}

/// What a finished copy did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub copied: u64,
    pub bytes: u64,
    pub skipped: u64,
    pub failed: u64,
    /// Stopped before the end (a signal).
    pub cancelled: u64,
}

/// `copied 1,998 files (124.9 MiB), skipped 2, failed 0 in 3.2 s, 39.0 MiB/s`; the
/// cancelled count only when some were.
pub fn summary(t: &Totals, elapsed: Duration) -> String {
    let files = if t.copied == 1 { "file" } else { "files" };
    let cancelled = if t.cancelled > 0 {
        format!(", cancelled {}", count(t.cancelled))
    } else {
        String::new()
    };
    let secs = elapsed.as_secs_f64();
    let speed = if secs > 0.0 {
        (t.bytes as f64 / secs) as u64
    } else {
        0
    };
    format!(
        "copied {} {files} ({}), skipped {}, failed {}{cancelled} in {}, {}/s",
        count(t.copied),
        size(t.bytes),
        count(t.skipped),
        count(t.failed),
        duration(elapsed),
        size(speed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_counts_and_times() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_998), "1,998");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1024), "1.0 KiB");
        assert_eq!(size(130_968_371), "124.9 MiB");
        assert_eq!(size(1024 * 1024 - 1), "1.0 MiB");
        assert_eq!(size(1 << 30), "1.0 GiB");
        assert_eq!(size(u64::MAX), "16.0 EiB");
        assert_eq!(duration(Duration::from_millis(3_240)), "3.2 s");
        assert_eq!(duration(Duration::from_secs(125)), "2 min 05 s");
        assert_eq!(duration(Duration::from_secs(3_720)), "1 h 02 min");
        assert_eq!(eta(Duration::from_secs(42)), "0:42");
        assert_eq!(eta(Duration::from_secs(3_723)), "1:02:03");
    }

    #[test]
    fn eta_only_when_meaningful() {
        let mut snap = Snapshot {
            files_done: 12,
            files_total: 2_000,
            bytes_done: 10 << 20,
            bytes_total: 50 << 20,
            total_known: true,
            bytes_per_sec: 4 << 20,
            failed: 0,
        };
        let long = Duration::from_secs(3);
        assert_eq!(snap.eta(long), Some(Duration::from_secs(10)));
        assert_eq!(
            snap.line(long),
            "12/2,000 files  10.0 MiB/50.0 MiB  4.0 MiB/s  ETA 0:10"
        );
        assert_eq!(snap.eta(Duration::from_secs(1)), None, "too early to tell");
        snap.total_known = false;
        assert_eq!(snap.eta(long), None, "the total still grows");
        assert_eq!(
            snap.line(long),
            "12/2,000 files  10.0 MiB/50.0 MiB+  4.0 MiB/s"
        );
        snap.total_known = true;
        snap.bytes_per_sec = 0;
        snap.failed = 3;
        assert_eq!(snap.eta(long), None, "stalled");
        assert!(snap.line(long).ends_with("  0 B/s  3 failed"));
    }

    #[test]
    fn summary_line() {
        let t = Totals {
            copied: 1_998,
            bytes: 130_968_371,
            skipped: 2,
            failed: 0,
            cancelled: 0,
        };
        assert_eq!(
            summary(&t, Duration::from_millis(3_200)),
            "copied 1,998 files (124.9 MiB), skipped 2, failed 0 in 3.2 s, 39.0 MiB/s"
        );
        let one = Totals {
            copied: 1,
            bytes: 10,
            cancelled: 4,
            ..Totals::default()
        };
        assert_eq!(
            summary(&one, Duration::ZERO),
            "copied 1 file (10 B), skipped 0, failed 0, cancelled 4 in 0.0 s, 0 B/s"
        );
    }
}
