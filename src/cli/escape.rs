//! Names as the headless commands print them to a terminal: every character that could
//! move the cursor, recolour or reorder the text becomes a visible escape, in the spirit
//! of GNU `ls --quoting-style=escape`, so that a name is shown, recognisable, never obeyed.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for characters that must not reach a terminal raw: C0 controls, DEL, C1 controls
/// (CSI among them), and the bidi marks, overrides and isolates that reorder text.
fn needs_escape(c: char) -> bool {
    c == '\\'
        || c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` safe for a terminal: `\t`, `\n`, `\r` as such, other ASCII controls and DEL as
/// `\x1b`, C1 controls and bidi characters as `\u{202e}`, and a backslash doubled so
/// that an escape in the output always means one character of the name. Text without
/// any of them is borrowed as is.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_borrowed() {
        assert!(matches!(
            escape("photos/2024/été 写真.jpg"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn controls_become_visible_escapes() {
        assert_eq!(escape("a\u{1b}[31mred"), "a\\x1b[31mred");
        assert_eq!(escape("tab\there\nnl\r"), "tab\\there\\nnl\\r");
        assert_eq!(escape("nul\0del\u{7f}"), "nul\\x00del\\x7f");
        assert_eq!(escape("csi\u{9b}2J"), "csi\\u{9b}2J");
        assert_eq!(escape("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(escape("back\\slash"), "back\\\\slash");
        let all: String = (0u32..0x2070).filter_map(char::from_u32).collect();
        assert!(!escape(&all).chars().any(|c| c.is_control()));
    }

    #[test]
    fn escapes_cannot_be_forged_by_a_name() {
        // A name that spells an escape differs from one that holds the character.
        assert_ne!(escape("\\x1b"), escape("\u{1b}"));
    }
}
