//! The preview pane's state: shown or not, the version (or folder) under the cursor, what
//! the pane shows of it ([`Body`]: styled lines or a decoded image, and a header), the
//! read in flight, the scroll position, and a session cache of rendered previews by file
//! id (bounded by bytes, least recently used first out). `follow.rs` keeps it on the
//! cursor; `render.rs` and its neighbours turn bytes into lines. No I/O.

mod cache;
mod follow;
pub mod highlight;
pub mod render;
pub mod table;
pub mod text;

use std::sync::Arc;

use crate::b2::{BucketId, FileAction, FileId};
use crate::config::PreviewConfig;
use crate::worker::RequestId;

pub use cache::Cache;

/// How a span is drawn (the UI maps tones to colours).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// An escaped control character (`\x1b`).
    Escape,
    /// A message about the content, not content.
    Note,
    /// A header row (CSV), the ASCII column of a hex dump.
    Heading,
    /// Offsets of a hex dump.
    Gutter,
    /// A syntax colour.
    Rgb(u8, u8, u8),
}

/// A run of text in one tone; never holds a raw control character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub tone: Tone,
}

impl Span {
    pub fn new(text: String, tone: Tone) -> Self {
        Self { text, tone }
    }
}

/// One line of the preview.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub spans: Vec<Span>,
}

impl Line {
    pub fn push(&mut self, span: Span) {
        self.spans.push(span);
    }

    /// The line's text, without tones.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// What the pane shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    /// What the content is (`text · text/plain`, `PNG image, 64×32 · image/png`).
    pub kind: String,
    pub lines: Vec<Line>,
    /// Long lines wrap (text); otherwise they scroll sideways (tables, hex).
    pub wrap: bool,
    pub image: Option<Arc<image::DynamicImage>>,
}

impl Body {
    /// Only a message.
    pub fn message(text: &str) -> Self {
        Self {
            lines: text.split('\n').map(render::note).collect(),
            wrap: true,
            ..Self::default()
        }
    }

    /// Bytes this body holds, roughly (for the cache's bound).
    fn weight(&self) -> usize {
        let text: usize = self
            .lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.text.len() + 16).sum::<usize>() + 24)
            .sum();
        let image = self.image.as_ref().map_or(0, |i| i.as_bytes().len());
        text + image + 64
    }
}

/// What the cursor is on, as far as the preview cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// One version (a file's current one in the files pane, any in the versions pane).
    Version {
        file_id: FileId,
        name: String,
        size: u64,
        action: FileAction,
    },
    /// A folder row of the files pane.
    Folder { bucket: BucketId, prefix: String },
    /// A row without content (`..`, a file without a file id).
    Nothing,
}

/// The preview pane.
#[derive(Debug, Default)]
pub struct PreviewState {
    /// The pane is on screen (`p`).
    pub shown: bool,
    pub config: PreviewConfig,
    /// What the pane is about.
    pub subject: Option<Subject>,
    /// The title (the name, as stored: the UI makes it safe).
    pub title: String,
    /// `first 256 KiB of 3.2 GB`, `3.2 kB`, or "" before anything is read.
    pub extent: String,
    pub body: Arc<Body>,
    /// The read in flight, and what it is for.
    pub pending: Option<RequestId>,
    /// First line shown, and the first column (when lines do not wrap).
    pub scroll: usize,
    pub column: usize,
    cache: Cache,
}

impl PreviewState {
    /// Takes the config file's `[preview]`.
    pub fn configure(&mut self, config: &PreviewConfig) {
        self.config = *config;
    }

    /// True while a read is in flight.
    pub fn is_loading(&self) -> bool {
        self.pending.is_some()
    }

    /// Rendered previews kept, and their weight in bytes.
    pub fn cached(&self) -> (usize, usize) {
        self.cache.usage()
    }
}

/// `256 KiB`, `8 MiB`: a byte count in binary units (for limits).
pub fn binary_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `3.2 GB`, `999 B`: a file size in decimal units, as the panes show sizes.
pub fn decimal_size(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else if v.fract() < 0.05 || v >= 100.0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(binary_size(262_144), "256 KiB");
        assert_eq!(binary_size(8 << 20), "8 MiB");
        assert_eq!(binary_size(1536), "1.5 KiB");
        assert_eq!(decimal_size(3_200_000_000), "3.2 GB");
        assert_eq!(decimal_size(999), "999 B");
        assert_eq!(decimal_size(1_000_000), "1 MB");
    }
}
