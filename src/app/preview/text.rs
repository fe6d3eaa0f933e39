//! Bytes to text for the preview: the encoding (UTF-8, UTF-16 with a byte-order mark,
//! else Latin-1 when the bytes look like text), and text to safe spans: control and
//! direction characters escaped (`\x1b`, `\u{202e}`), tabs expanded, `\r\n` ends kept as
//! line ends. Nothing here reaches the terminal raw.

use std::fmt::Write as _;

use super::{Line, Span, Tone};

/// Columns between tab stops.
pub const TAB: usize = 4;

/// How the bytes were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Latin1,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Latin1 => "Latin-1",
        }
    }
}

/// The bytes as text, or None for binary content. `cut`: the bytes stop before the file's
/// end (a character split at the end is dropped, not an error).
pub fn decode(data: &[u8], cut: bool) -> Option<(String, Encoding)> {
    if let Some(rest) = data.strip_prefix(&[0xFF, 0xFE]) {
        return Some((utf16(rest, u16::from_le_bytes), Encoding::Utf16Le));
    }
    if let Some(rest) = data.strip_prefix(&[0xFE, 0xFF]) {
        return Some((utf16(rest, u16::from_be_bytes), Encoding::Utf16Be));
    }
    let body = data.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(data);
    match std::str::from_utf8(body) {
        Ok(s) if !has_nul(s.as_bytes()) => return Some((s.to_owned(), Encoding::Utf8)),
        Ok(_) => return None,
        Err(e) if cut && e.error_len().is_none() => {
            let valid = &body[..e.valid_up_to()];
            if !has_nul(valid) {
                // Valid up to a character cut by the range's end.
                let s = String::from_utf8_lossy(valid).into_owned();
                return Some((s, Encoding::Utf8));
            }
            return None;
        }
        Err(_) => {}
    }
    looks_like_text(data).then(|| {
        (
            data.iter().map(|&b| char::from(b)).collect(),
            Encoding::Latin1,
        )
    })
}

fn has_nul(data: &[u8]) -> bool {
    memchr::memchr(0, data).is_some()
}

fn utf16(data: &[u8], word: fn([u8; 2]) -> u16) -> String {
    let units = data.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Not valid UTF-8, but maybe Latin-1 text: no NUL and (almost) no other control bytes
/// than tab, line ends, form feed and escape.
fn looks_like_text(data: &[u8]) -> bool {
    if data.is_empty() || has_nul(data) {
        return false;
    }
    let odd = data
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)) || b == 0x7F)
        .count();
    odd * 100 <= data.len()
}

/// True for characters that must not reach a terminal as they are: C0 and C1 controls,
/// DEL, and the invisible direction and format marks that reorder or hide text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// How an unsafe character is shown: `\x1b` below U+0100, else `\u{202e}`.
fn escaped(c: char) -> String {
    let mut s = String::new();
    if u32::from(c) < 0x100 {
        let _ = write!(s, "\\x{:02x}", u32::from(c));
    } else {
        let _ = write!(s, "\\u{{{:x}}}", u32::from(c));
    }
    s
}

/// Appends `text` (part of one line, without its end) to `line` in `tone`, starting at
/// display column `*col`: tabs expanded to the next stop, unsafe characters escaped (in
/// the escape tone).
pub fn push_safe(line: &mut Line, col: &mut usize, text: &str, tone: Tone) {
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\t' {
            let n = TAB - *col % TAB;
            plain.extend(std::iter::repeat_n(' ', n));
            *col += n;
        } else if is_unsafe(c) {
            if !plain.is_empty() {
                line.push(Span::new(std::mem::take(&mut plain), tone));
            }
            let e = escaped(c);
            *col += e.len();
            line.push(Span::new(e, Tone::Escape));
        } else {
            plain.push(c);
            *col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    if !plain.is_empty() {
        line.push(Span::new(plain, tone));
    }
}

/// The lines of `text`: split at `\n` (a `\r` before it is part of the end), each made safe.
pub fn plain_lines(text: &str) -> Vec<Line> {
    split_lines(text)
        .map(|l| {
            let mut line = Line::default();
            push_safe(&mut line, &mut 0, l, Tone::Plain);
            line
        })
        .collect()
}

/// The lines of `text` without their ends (`\n` or `\r\n`); no empty last line after a
/// final line end.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let empty = text.is_empty();
    body.split('\n')
        .filter(move |_| !empty)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(line: &Line) -> String {
        line.spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn encodings_are_told_apart() {
        assert_eq!(
            decode(b"hello", false),
            Some(("hello".into(), Encoding::Utf8))
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFbom", false),
            Some(("bom".into(), Encoding::Utf8))
        );
        assert_eq!(
            decode(b"\xFF\xFEh\x00\xe9\x00", false),
            Some(("hé".into(), Encoding::Utf16Le))
        );
        assert_eq!(
            decode(b"\xFE\xFF\x00h\x00\xe9", false),
            Some(("hé".into(), Encoding::Utf16Be))
        );
        assert_eq!(
            decode(b"caf\xe9 cr\xe8me", false),
            Some(("café crème".into(), Encoding::Latin1))
        );
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\x00\x00", false), None);
        assert_eq!(decode(b"a\x00b", false), None);
    }

    #[test]
    fn a_character_cut_by_the_range_is_dropped() {
        let s = "añ".as_bytes();
        let cut = &s[..2];
        assert_eq!(decode(cut, true), Some(("a".into(), Encoding::Utf8)));
        assert_eq!(decode(cut, false).map(|d| d.1), Some(Encoding::Latin1));
    }

    #[test]
    fn controls_are_escaped_and_tabs_expanded() {
        let lines = plain_lines("a\tb\x1b[31mred\r\nnext\u{202e}x\rend\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(shown(&lines[0]), "a   b\\x1b[31mred");
        assert_eq!(shown(&lines[1]), "next\\u{202e}x\\x0dend");
        assert!(lines[0].spans.iter().any(|s| s.tone == Tone::Escape));
        assert!(plain_lines("").is_empty());
    }
}
