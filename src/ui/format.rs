//! Pure text formatting for the screen: sizes, times, counts, and the one sanitizer that
//! every server-provided name goes through before it reaches the terminal.

use std::borrow::Cow;
use std::fmt::Write;

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Local};
use humansize::{DECIMAL, format_size};

/// Bytes in decimal units with one decimal place: `0 B`, `512 B`, `1.2 MB`.
pub fn size(bytes: u64) -> String {
    format_size(bytes, DECIMAL.decimal_places(1))
}

/// Times in local time instead of UTC: set once at start from the configuration
/// (UTC until then, so tests and scripted runs see the same screens everywhere).
static LOCAL_TIME: AtomicBool = AtomicBool::new(false);

/// Shows times in local time (`true`) or UTC from now on.
pub fn set_local_time(local: bool) {
    LOCAL_TIME.store(local, Ordering::Relaxed);
}

/// The zone times are shown in: `UTC`, or `UTC+01:00` for local time.
pub fn zone_label() -> String {
    if !LOCAL_TIME.load(Ordering::Relaxed) {
        return "UTC".to_owned();
    }
    let offset = Local::now().offset().local_minus_utc();
    if offset == 0 {
        return "UTC".to_owned();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let m = offset.abs() / 60;
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A B2 `uploadTimestamp` (ms since the epoch) as `YYYY-MM-DD HH:MM`, in UTC or local
/// time ([`set_local_time`]); empty for 0 (folders) or a value out of range.
pub fn time(millis: i64) -> String {
    if millis == 0 {
        return String::new();
    }
    let Some(t) = DateTime::from_timestamp_millis(millis) else {
        return String::new();
    };
    if LOCAL_TIME.load(Ordering::Relaxed) {
        t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A count with thousands separators: `50,000`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// True for characters that must not reach the terminal raw: C0 controls, DEL, C1
/// controls (which include CSI), and the bidi overrides/isolates that reorder text.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Fits `s` into `width` terminal cells: unchanged when it fits, else cut with a trailing `…`
/// so that a cut name never passes for a whole one.
pub fn fit(s: &str, width: usize) -> Cow<'_, str> {
    use unicode_truncate::UnicodeTruncateStr as _;
    use unicode_width::UnicodeWidthStr as _;
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    match width.checked_sub(1) {
        Some(room) => Cow::Owned(format!("{}…", s.unicode_truncate(room).0)),
        None => Cow::Borrowed(""),
    }
}

/// Makes untrusted text (file names from the server) safe to draw: each control or bidi
/// character becomes a visible escape like `\u{1b}`. Text without any is borrowed as is.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_decimal_with_one_place() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(999), "999 B");
        assert_eq!(size(1000), "1 kB");
        assert_eq!(size(1_200_000), "1.2 MB");
        assert_eq!(size(4_830_000), "4.8 MB");
        assert_eq!(size(5_000_000_000), "5 GB");
    }

    #[test]
    fn times_are_utc_minutes() {
        // 2026-11-20 14:02:33.123 UTC
        assert_eq!(time(1_795_183_353_123), "2026-11-20 14:02");
        assert_eq!(time(1_704_067_200_123), "2024-01-01 00:00");
        assert_eq!(time(0), "");
        assert_eq!(time(i64::MAX), "");
    }

    #[test]
    fn counts_have_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_204), "1,204");
        assert_eq!(count(50_000), "50,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn sanitize_escapes_controls() {
        assert!(matches!(sanitize("photos/ok.jpg"), Cow::Borrowed(_)));
        assert_eq!(sanitize("héllo 写真.txt"), "héllo 写真.txt");
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(sanitize("tab\there\nnl\r"), "tab\\u{9}here\\u{a}nl\\u{d}");
        assert_eq!(sanitize("nul\0"), "nul\\u{0}");
        assert_eq!(sanitize("del\u{7f}"), "del\\u{7f}");
        assert_eq!(sanitize("csi\u{9b}2J"), "csi\\u{9b}2J");
        assert_eq!(sanitize("c1\u{85}\u{9f}"), "c1\\u{85}\\u{9f}");
        assert_eq!(sanitize("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert!(
            !sanitize("\u{7}\u{8}\u{1b}\u{9b}")
                .chars()
                .any(|c| c.is_control())
        );
    }

    #[test]
    fn fits_names_with_an_ellipsis() {
        assert_eq!(fit("report.txt", 10), "report.txt");
        assert_eq!(fit("report.txt", 7), "report…");
        assert_eq!(fit("日本語/", 5), "日本…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("日本語", 4), "日…");
        assert_eq!(fit("e\u{301}tés", 3), "e\u{301}t…");
    }
}
