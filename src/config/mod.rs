//! User-facing configuration: accounts (the config file, profiles and where credentials
//! come from), the keymap (embedded defaults + optional user file), the colour theme and
//! the config file's `[usage]` section (the price of the cost estimate) its
//! `[transfers]` limits and `[preview]` (bytes read, image drawing). Reads files and environment; no app state here.

pub mod accounts;
pub mod keymap;
pub mod preview;
pub mod theme;
pub mod usage;

pub use keymap::{Binding, KeyChord, Keymap};
pub use preview::PreviewConfig;
pub use theme::Theme;
pub use usage::UsageConfig;

/// Files transferred at once when the config file does not say (`[transfers] files`).
pub const DEFAULT_TRANSFER_FILES: usize = 8;
/// Parts (uploads) and ranges (downloads) in flight at once (`[transfers] parts`).
pub const DEFAULT_TRANSFER_PARTS: usize = 8;
/// The most either limit may be.
pub const MAX_TRANSFER_LIMIT: usize = 256;

/// `[transfers]` of the config file: the limits of the TUI's transfers and of `cp` (when
/// `--threads` is not given), and whether uploads leave remote files holding the same
/// bytes alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferSettings {
    /// Files at once (`files = N`).
    pub files: usize,
    /// Parts and ranges at once, across all files (`parts = M`).
    pub parts: usize,
    /// `skip_same_uploads = true`: an upload whose remote name already holds the same
    /// bytes (size and SHA-1) is skipped.
    pub skip_same_uploads: bool,
}

impl Default for TransferSettings {
    fn default() -> Self {
        Self {
            files: DEFAULT_TRANSFER_FILES,
            parts: DEFAULT_TRANSFER_PARTS,
            skip_same_uploads: false,
        }
    }
}

/// A value of `[transfers]` and where it is in the file.
type Spanned = (std::ops::Range<usize>, i64);

/// Checks the `[transfers]` values: whole numbers from 1 to [`MAX_TRANSFER_LIMIT`]. An
/// error carries the value's place in the file and what is wrong.
pub fn transfer_settings(
    files: Option<Spanned>,
    parts: Option<Spanned>,
    skip_same_uploads: Option<bool>,
) -> Result<TransferSettings, (std::ops::Range<usize>, String)> {
    let check = |key: &str, v: Option<Spanned>, default: usize| match v {
        None => Ok(default),
        Some((span, n)) => usize::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_TRANSFER_LIMIT).contains(n))
            .ok_or_else(|| {
                (
                    span,
                    format!("{key} must be a whole number from 1 to {MAX_TRANSFER_LIMIT}, got {n}"),
                )
            }),
    };
    Ok(TransferSettings {
        files: check("files", files, DEFAULT_TRANSFER_FILES)?,
        parts: check("parts", parts, DEFAULT_TRANSFER_PARTS)?,
        skip_same_uploads: skip_same_uploads.unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::accounts::load_from;

    fn load(text: &str) -> super::accounts::Loaded {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).expect("write");
        load_from(&path)
    }

    #[test]
    fn transfers_section_sets_the_limits() {
        let c = load("[transfers]\nfiles = 16\nparts = 4\nskip_same_uploads = true\n");
        assert_eq!(c.error, None);
        assert_eq!(c.config.transfers.files, 16);
        assert_eq!(c.config.transfers.parts, 4);
        assert!(c.config.transfers.skip_same_uploads);
        assert_eq!(
            load("").config.transfers,
            super::TransferSettings::default()
        );
        let e = load("[transfers]\nfiles = 0\n").error.expect("zero files");
        assert_eq!(e.line, Some(2));
        assert!(
            e.message
                .contains("files must be a whole number from 1 to 256, got 0"),
            "{e}"
        );
        let e = load("[transfers]\nthreads = 3\n")
            .error
            .expect("unknown key");
        assert!(e.message.contains("unknown key"), "{e}");
    }
}
