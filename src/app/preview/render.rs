//! What the preview pane shows of a version's first bytes: an image, JSON, CSV, coloured
//! source, plain text, or a hex dump with an ASCII column. Pure: bytes and facts in,
//! [`Body`] out.

use std::fmt::Write as _;
use std::sync::Arc;

use super::text::{Encoding, decode, plain_lines};
use super::{Body, Line, Span, Tone, highlight, table};

/// Bytes of a hex dump line.
const HEX_ROW: usize = 16;

/// What is known of the version being rendered.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    pub name: &'a str,
    /// The file's whole size.
    pub size: u64,
    /// From the download's `Content-Type`.
    pub content_type: Option<&'a str>,
}

/// What kind of bytes these are, by their first bytes (magic numbers).
pub fn image_format(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("JPEG")
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some("GIF")
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("WebP")
    } else {
        None
    }
}

/// True when the name says PNG, JPEG, GIF or WebP.
pub fn is_image_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Renders fetched bytes. `image`: the decoded picture, when the worker made one;
/// `image_error`: why it could not.
pub fn render(
    facts: &Facts<'_>,
    data: &[u8],
    image: Option<Arc<image::DynamicImage>>,
    image_error: Option<&str>,
) -> Body {
    let cut = (data.len() as u64) < facts.size;
    let ctype = facts.content_type.unwrap_or("unknown type");
    if let Some(img) = image {
        let kind = image_format(data).unwrap_or("image");
        return Body {
            kind: format!("{kind} image, {}×{} · {ctype}", img.width(), img.height()),
            image: Some(img),
            ..Body::default()
        };
    }
    if let Some(kind) = image_format(data) {
        let why = match image_error {
            Some(e) => format!("The {kind} image could not be drawn: {e}"),
            None if cut => format!(
                "The {kind} image is cut by the preview's limit: only its first bytes are shown"
            ),
            None => format!("{kind} image"),
        };
        let mut lines = vec![note(&why), Line::default()];
        lines.extend(hex_dump(data));
        return Body {
            kind: format!("{kind} image · {ctype}"),
            lines,
            ..Body::default()
        };
    }
    let Some((text, encoding)) = decode(data, cut) else {
        let mut lines = vec![note(&format!("Binary content ({ctype})")), Line::default()];
        lines.extend(hex_dump(data));
        return Body {
            kind: format!("binary · {ctype}"),
            lines,
            ..Body::default()
        };
    };
    let label = match encoding {
        Encoding::Utf8 => String::new(),
        e => format!(" · {}", e.label()),
    };
    let lower = facts.name.to_ascii_lowercase();
    let json = lower.ends_with(".json") || ctype.starts_with("application/json");
    let csv = [".csv", ".tsv", ".tab"].iter().any(|e| lower.ends_with(e))
        || ctype.starts_with("text/csv")
        || ctype.starts_with("text/tab-separated-values");
    if json && let Some(pretty) = table::pretty_json(&text) {
        let mut lines = Vec::new();
        if !cut && let Some(e) = table::json_error(&text) {
            lines.push(note(&format!("Not valid JSON: {e}")));
        }
        lines.extend(
            highlight::highlight("x.json", &pretty).unwrap_or_else(|| plain_lines(&pretty)),
        );
        return Body {
            kind: format!("JSON · {ctype}{label}"),
            lines,
            wrap: true,
            ..Body::default()
        };
    }
    if csv {
        let rows = table::records(&text, table::separator(facts.name), cut);
        return Body {
            kind: format!("{} rows · {ctype}{label}", rows.len()),
            lines: table::aligned(&rows),
            ..Body::default()
        };
    }
    let lines = highlight::highlight(facts.name, &text).unwrap_or_else(|| plain_lines(&text));
    Body {
        kind: format!("text · {ctype}{label}"),
        lines,
        wrap: true,
        ..Body::default()
    }
}

/// A line in the note tone (messages, not content).
pub fn note(text: &str) -> Line {
    Line {
        spans: vec![Span::new(text.to_owned(), Tone::Note)],
    }
}

/// `00000010  48 65 6c 6c 6f 0a 00 ff  ...  |Hello...|`
pub fn hex_dump(data: &[u8]) -> Vec<Line> {
    data.chunks(HEX_ROW)
        .enumerate()
        .map(|(i, row)| {
            let mut hex = String::with_capacity(HEX_ROW * 3 + 2);
            for (j, b) in row.iter().enumerate() {
                if j == HEX_ROW / 2 {
                    hex.push(' ');
                }
                let _ = write!(hex, "{b:02x} ");
            }
            let width = HEX_ROW * 3 + 1;
            while hex.len() < width {
                hex.push(' ');
            }
            let ascii: String = row
                .iter()
                .map(|&b| {
                    if b.is_ascii_graphic() || b == b' ' {
                        char::from(b)
                    } else {
                        '.'
                    }
                })
                .collect();
            Line {
                spans: vec![
                    Span::new(format!("{:08x}  ", i * HEX_ROW), Tone::Gutter),
                    Span::new(hex, Tone::Plain),
                    Span::new(format!(" |{ascii}|"), Tone::Heading),
                ],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(b: &Body) -> Vec<String> {
        b.lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn binary_is_a_hex_dump_with_ascii() {
        let data: Vec<u8> = (0u8..20).chain(*b"Hi!").collect();
        let facts = Facts {
            name: "blob.bin",
            size: 23,
            content_type: Some("application/octet-stream"),
        };
        let body = render(&facts, &data, None, None);
        let lines = text_of(&body);
        assert_eq!(lines[0], "Binary content (application/octet-stream)");
        assert_eq!(
            lines[2],
            "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|"
        );
        assert!(lines[3].starts_with("00000010  10 11 12 13 48 69 21  "));
        assert!(lines[3].ends_with(" |....Hi!|"));
        assert_eq!(
            lines[3].find('|'),
            lines[2].find('|'),
            "the ASCII columns line up"
        );
        assert!(!body.wrap);
    }

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(image_format(b"\x89PNG\r\n\x1a\nrest"), Some("PNG"));
        assert_eq!(image_format(b"RIFF\0\0\0\0WEBPVP8 "), Some("WebP"));
        assert_eq!(image_format(b"plain"), None);
        assert!(is_image_name("a/B.JPG") && !is_image_name("a.txt"));
    }
}
