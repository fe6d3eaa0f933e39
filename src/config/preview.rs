//! The `[preview]` section of the config file: how many bytes the preview pane reads of a
//! file (`bytes`, the first 256 KiB by default) and how it draws images (`images`: `auto`
//! picks kitty or iTerm2 from the terminal's environment, else half-blocks). Read with the
//! rest of the file (`accounts/file.rs`), checked here; a bad value names its line.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

/// Bytes read by default: the first 256 KiB.
pub const DEFAULT_BYTES: u64 = 256 * 1024;
/// The fewest and the most bytes a preview may read.
const MIN_BYTES: u64 = 1024;
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How images are drawn in the preview pane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImageMode {
    /// kitty or iTerm2 when the terminal's environment names one, else half-blocks.
    #[default]
    Auto,
    Halfblocks,
    Kitty,
    Sixel,
    Iterm2,
}

/// `[preview]`, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreviewConfig {
    /// Bytes read from the start of a file (one `Range` request).
    pub bytes: u64,
    pub images: ImageMode,
}

impl Default for PreviewConfig {
    fn default() -> Self {
        Self {
            bytes: DEFAULT_BYTES,
            images: ImageMode::Auto,
        }
    }
}

/// `[preview]` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPreview {
    bytes: Option<Spanned<toml::Value>>,
    images: Option<Spanned<String>>,
}

/// Checks `[preview]`; the error is the value's place in the file and what is wrong.
pub fn check(raw: RawPreview) -> Result<PreviewConfig, (Range<usize>, String)> {
    let mut out = PreviewConfig::default();
    if let Some(bytes) = raw.bytes {
        let span = bytes.span();
        match bytes.into_inner() {
            toml::Value::Integer(n)
                if u64::try_from(n).is_ok_and(|n| (MIN_BYTES..=MAX_BYTES).contains(&n)) =>
            {
                out.bytes = n.unsigned_abs();
            }
            other => {
                return Err((
                    span,
                    format!(
                        "bytes must be a whole number of bytes from {MIN_BYTES} to {MAX_BYTES} \
                         (e.g. 262144 for 256 KiB), got {other}"
                    ),
                ));
            }
        }
    }
    if let Some(images) = raw.images {
        out.images = match images.get_ref().as_str() {
            "auto" => ImageMode::Auto,
            "halfblocks" => ImageMode::Halfblocks,
            "kitty" => ImageMode::Kitty,
            "sixel" => ImageMode::Sixel,
            "iterm2" => ImageMode::Iterm2,
            other => {
                return Err((
                    images.span(),
                    format!(
                        "images must be \"auto\", \"halfblocks\", \"kitty\", \"sixel\" or \
                         \"iterm2\", got {other:?}"
                    ),
                ));
            }
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_BYTES, ImageMode};
    use crate::config::accounts::load_text as load;

    #[test]
    fn bytes_and_images_are_read() {
        let l = load("[preview]\nbytes = 65536\nimages = \"halfblocks\"\n");
        assert!(l.error.is_none());
        assert_eq!(l.config.preview.bytes, 65536);
        assert_eq!(l.config.preview.images, ImageMode::Halfblocks);
        let l = load("[ui]\ntimes = \"utc\"\n");
        assert_eq!(l.config.preview.bytes, DEFAULT_BYTES);
        assert_eq!(l.config.preview.images, ImageMode::Auto);
    }

    #[test]
    fn bad_values_name_their_line() {
        for (text, says) in [
            ("[preview]\n\nbytes = -5\n", "bytes must be"),
            ("[preview]\n\nbytes = \"lots\"\n", "bytes must be"),
            ("[preview]\n\nbytes = 10\n", "from 1024"),
            ("[preview]\n\nimages = \"ascii\"\n", "images must be"),
        ] {
            let l = load(text);
            let error = l.error.expect("an error");
            assert_eq!(error.line, Some(3), "{text}");
            let shown = error.to_string();
            assert!(shown.contains("config.toml, line 3: "), "{shown}");
            assert!(shown.contains(says), "{shown}");
            assert_eq!(
                l.config.preview.bytes, DEFAULT_BYTES,
                "the defaults are used"
            );
        }
        let error = load("[preview]\nsize = 1\n").error.expect("an error");
        assert!(error.message.contains("unknown key"), "{}", error.message);
    }
}
