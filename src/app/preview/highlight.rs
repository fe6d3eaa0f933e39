//! Syntax colours for source and config files (syntect's bundled syntaxes and a dark
//! theme), loaded once on the first highlighted preview, never at start-up. Colouring runs
//! where the read arrives (about 0.1 ms a line; a syntax's first use compiles its patterns,
//! tens of ms), so only the first [`MAX_LINES`] lines are coloured and the rest stay plain:
//! a long file costs little, and the result is cached with the preview.

use std::sync::OnceLock;

use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::{SyntaxReference, SyntaxSet};

use super::text::{push_safe, split_lines};
use super::{Line, Tone};

/// Lines coloured at most; later lines are plain.
pub const MAX_LINES: usize = 500;

struct Assets {
    syntaxes: SyntaxSet,
    theme: Theme,
}

static ASSETS: OnceLock<Option<Assets>> = OnceLock::new();

fn assets() -> Option<&'static Assets> {
    ASSETS
        .get_or_init(|| {
            let syntaxes = SyntaxSet::load_defaults_newlines();
            let mut themes = ThemeSet::load_defaults();
            let theme = themes.themes.remove("base16-ocean.dark")?;
            Some(Assets { syntaxes, theme })
        })
        .as_ref()
}

/// True once the syntaxes are loaded (the first highlighted preview loads them).
pub fn is_loaded() -> bool {
    ASSETS.get().is_some()
}

/// The syntax for a file name (by extension, then the whole name, e.g. `Makefile`), or
/// for its first line (`#!/bin/sh`); None for plain text.
fn syntax_for<'a>(assets: &'a Assets, name: &str, first_line: &str) -> Option<&'a SyntaxReference> {
    let base = name.rsplit('/').next().unwrap_or(name);
    let ext = base.rsplit_once('.').map_or("", |(_, e)| e);
    let ss = &assets.syntaxes;
    let found = (!ext.is_empty())
        .then(|| ss.find_syntax_by_extension(ext))
        .flatten()
        .or_else(|| ss.find_syntax_by_extension(base))
        .or_else(|| ss.find_syntax_by_first_line(first_line))?;
    (found.name != "Plain Text").then_some(found)
}

/// True when `name` (or its first line) has a syntax worth colouring. Loads the syntaxes.
pub fn has_syntax(name: &str, first_line: &str) -> bool {
    assets().is_some_and(|a| syntax_for(a, name, first_line).is_some())
}

/// `text` as coloured, safe lines for the syntax of `name`; None when there is none.
pub fn highlight(name: &str, text: &str) -> Option<Vec<Line>> {
    let assets = assets()?;
    let first = text.lines().next().unwrap_or("");
    let syntax = syntax_for(assets, name, first)?;
    let mut h = HighlightLines::new(syntax, &assets.theme);
    let mut out = Vec::new();
    let mut with_end = String::new();
    for (i, raw) in split_lines(text).enumerate() {
        let mut line = Line::default();
        let mut col = 0;
        let coloured = if i < MAX_LINES {
            with_end.clear();
            with_end.push_str(raw);
            with_end.push('\n');
            h.highlight_line(&with_end, &assets.syntaxes).ok()
        } else {
            None
        };
        match coloured {
            Some(ranges) => {
                for (style, piece) in ranges {
                    let piece = piece.strip_suffix('\n').unwrap_or(piece);
                    let c = style.foreground;
                    push_safe(&mut line, &mut col, piece, Tone::Rgb(c.r, c.g, c.b));
                }
            }
            None => push_safe(&mut line, &mut col, raw, Tone::Plain),
        }
        out.push(line);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_is_coloured_and_plain_text_is_not() {
        let lines =
            highlight("src/main.rs", "fn main() {\n\tlet x = \"\x1b\";\n}\n").expect("rust");
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0]
                .spans
                .iter()
                .any(|s| matches!(s.tone, Tone::Rgb(..)))
        );
        let second: String = lines[1].spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(second, "    let x = \"\\x1b\";");
        assert!(highlight("notes.txt", "just words\n").is_none());
        assert!(has_syntax("Makefile", "all:"));
        assert!(has_syntax("run", "#!/bin/sh"));
        assert!(is_loaded());
    }

    #[test]
    fn only_the_first_lines_are_coloured() {
        let text = "let x = 1;\n".repeat(MAX_LINES + 1);
        let lines = highlight("a.rs", &text).expect("rust");
        let rgb = |l: &Line| l.spans.iter().any(|s| matches!(s.tone, Tone::Rgb(..)));
        assert!(rgb(&lines[MAX_LINES - 1]));
        assert!(!rgb(&lines[MAX_LINES]));
        assert_eq!(lines[MAX_LINES].text(), "let x = 1;");
    }
}
