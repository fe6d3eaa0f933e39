//! Headless commands (`ls`, `cp`) on the same listing and transfer code as the TUI.
//! Output only: stdout for results, stderr for progress and per-file failures. Also the
//! signals that stop a command or the TUI cleanly.

pub mod cp;
pub mod escape;
pub mod ls;
pub mod news;
pub mod progress;
pub mod report;
pub mod signal;

use std::path::PathBuf;

/// One side of a command: `b2://bucket/path` or a local path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Remote { bucket: String, path: String },
    Local(PathBuf),
}

impl Location {
    /// Reads `b2://BUCKET[/PATH]`; anything else is a local path.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let Some(rest) = arg.strip_prefix("b2://") else {
            return Ok(Self::Local(PathBuf::from(arg)));
        };
        let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("{arg}: no bucket name after b2://"));
        }
        Ok(Self::Remote {
            bucket: bucket.to_owned(),
            path: path.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locations() {
        assert_eq!(
            Location::parse("b2://photos/2024/a.jpg"),
            Ok(Location::Remote {
                bucket: "photos".into(),
                path: "2024/a.jpg".into()
            })
        );
        assert_eq!(
            Location::parse("b2://photos"),
            Ok(Location::Remote {
                bucket: "photos".into(),
                path: String::new()
            })
        );
        assert_eq!(
            Location::parse("./b2:/x"),
            Ok(Location::Local(PathBuf::from("./b2:/x")))
        );
        assert!(Location::parse("b2:///x").is_err());
    }
}
