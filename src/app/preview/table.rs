//! Structured text: JSON indented (keys in the file's order; checked with serde_json when
//! the file is whole) and CSV/TSV as aligned columns (a record cut by the range's end is
//! dropped).

use unicode_width::UnicodeWidthStr;

use super::text::push_safe;
use super::{Line, Tone};

/// Widest a CSV column is drawn; longer cells end in `…`.
const MAX_CELL: usize = 40;
/// Records shown at most.
const MAX_RECORDS: usize = 10_000;

/// `text` re-indented with two spaces a level. Works on a cut document too (it only
/// follows brackets, commas and strings). Ok(None): not JSON-looking.
pub fn pretty_json(text: &str) -> Option<String> {
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let (mut in_str, mut escape) = (false, false);
    let mut chars = t.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if escape {
                escape = false;
            } else if c == '\\' {
                escape = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays on one line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out.push('\n');
    Some(out)
}

/// Why a whole document is not valid JSON, or None when it is.
pub fn json_error(text: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .err()
        .map(|e| e.to_string())
}

/// The records of CSV (or TSV) text: quoted fields may hold separators, doubled quotes
/// and line ends. `cut`: the last record may be incomplete and is dropped.
pub fn records(text: &str, sep: char, cut: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                if rows.len() >= MAX_RECORDS {
                    return rows;
                }
            }
            c => field.push(c),
        }
    }
    if !cut && (!field.is_empty() || !row.is_empty()) {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Records as aligned columns, the first (the header) in the heading tone.
pub fn aligned(rows: &[Vec<String>]) -> Vec<Line> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    let cell = |s: &str| -> String {
        let safe: String = s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if safe.width() <= MAX_CELL {
            return safe;
        }
        let mut out = String::new();
        for c in safe.chars() {
            if out.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) >= MAX_CELL {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|s| cell(s)).collect())
        .collect();
    for r in &cells {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    cells
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let tone = if n == 0 { Tone::Heading } else { Tone::Plain };
            let mut line = Line::default();
            let mut col = 0;
            for (i, c) in r.iter().enumerate() {
                let mut text = c.clone();
                if i + 1 < r.len() {
                    let pad = widths[i] - c.width() + 2;
                    text.extend(std::iter::repeat_n(' ', pad));
                }
                push_safe(&mut line, &mut col, &text, tone);
            }
            line
        })
        .collect()
}

/// The field separator for a file name: tab for `.tsv`/`.tab`, else comma.
pub fn separator(name: &str) -> char {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tsv") || lower.ends_with(".tab") {
        '\t'
    } else {
        ','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn json_is_indented_in_its_own_order() {
        let p = pretty_json(r#"{"b":1,"a":[1,2],"e":{},"s":"x,{y}"}"#).expect("json");
        assert_eq!(
            p,
            "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ],\n  \"e\": {},\n  \"s\": \"x,{y}\"\n}\n"
        );
        assert!(pretty_json("plain").is_none());
        assert!(json_error("{\"a\":1}").is_none());
        assert!(json_error("{\"a\":").is_some());
    }

    #[test]
    fn csv_is_aligned_and_a_cut_record_dropped() {
        let rows = records("name,size\n\"a, b\",10\nlonger name,2\nhalf,", ',', true);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            shown(&aligned(&rows)),
            vec!["name         size", "a, b         10", "longer name  2"]
        );
        let whole = records("x,\"say \"\"hi\"\"\"\r\ny,z", ',', false);
        assert_eq!(whole, vec![vec!["x", "say \"hi\""], vec!["y", "z"]]);
    }
}
