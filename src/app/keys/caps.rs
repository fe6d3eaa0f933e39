//! Capabilities (§9.4): the form's presets and the one-line summary the keys list shows.
//! The lists themselves are B2's, in `b2::vocabulary`. Pure data.

pub use crate::b2::vocabulary::{ALL_CAPABILITIES, BUCKET_LEVEL, is_bucket_level};

/// A starting set of capabilities in the create form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Preset {
    /// Whatever the checklist says.
    #[default]
    Custom,
    ReadOnly,
    WriteOnly,
    ReadAndWrite,
    /// Every bucket-level capability.
    BucketFull,
    /// Read and write plus `listAllBucketNames`, which S3 tools need on a bucket key.
    S3Compatible,
}

impl Preset {
    /// In the order the form cycles through them.
    pub const ALL: [Preset; 6] = [
        Preset::Custom,
        Preset::ReadOnly,
        Preset::WriteOnly,
        Preset::ReadAndWrite,
        Preset::BucketFull,
        Preset::S3Compatible,
    ];

    /// The label in the form and the list.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Custom => "custom",
            Preset::ReadOnly => "read-only",
            Preset::WriteOnly => "write-only",
            Preset::ReadAndWrite => "read and write",
            Preset::BucketFull => "full access to a bucket",
            Preset::S3Compatible => "S3-compatible",
        }
    }

    /// The capabilities the preset selects (before dropping those the current key lacks).
    pub fn capabilities(self) -> &'static [&'static str] {
        const READ: &[&str] = &["listBuckets", "listFiles", "readFiles"];
        const WRITE: &[&str] = &["listBuckets", "writeFiles"];
        const READ_WRITE: &[&str] = &[
            "listBuckets",
            "listFiles",
            "readFiles",
            "shareFiles",
            "writeFiles",
            "deleteFiles",
        ];
        const S3: &[&str] = &[
            "listAllBucketNames",
            "listBuckets",
            "listFiles",
            "readFiles",
            "shareFiles",
            "writeFiles",
            "deleteFiles",
        ];
        match self {
            Preset::Custom => &[],
            Preset::ReadOnly => READ,
            Preset::WriteOnly => WRITE,
            Preset::ReadAndWrite => READ_WRITE,
            Preset::BucketFull => &BUCKET_LEVEL,
            Preset::S3Compatible => S3,
        }
    }

    /// The next preset (wrapping), or the previous one.
    pub fn cycle(self, forward: bool) -> Self {
        let i = Preset::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let n = Preset::ALL.len();
        Preset::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// The preset whose capabilities are exactly `caps`, if any.
    pub fn matching(caps: &[String]) -> Option<Preset> {
        Preset::ALL[1..].iter().copied().find(|p| {
            let want = p.capabilities();
            want.len() == caps.len() && want.iter().all(|w| caps.iter().any(|c| c == w))
        })
    }
}

/// A short summary for the keys list: `all`, a preset's name, or the file verbs and a count
/// of the rest (`list read write +3`).
pub fn summarise(caps: &[String]) -> String {
    if ALL_CAPABILITIES.iter().all(|a| caps.iter().any(|c| c == a)) {
        return "all".to_owned();
    }
    if let Some(p) = Preset::matching(caps) {
        return p.label().to_owned();
    }
    let verbs = [
        ("listFiles", "list"),
        ("readFiles", "read"),
        ("writeFiles", "write"),
        ("deleteFiles", "delete"),
        ("shareFiles", "share"),
    ];
    let mut out: Vec<String> = verbs
        .iter()
        .filter(|(cap, _)| caps.iter().any(|c| c == cap))
        .map(|(_, v)| (*v).to_owned())
        .collect();
    let rest = caps
        .iter()
        .filter(|c| !verbs.iter().any(|(v, _)| v == c))
        .count();
    if rest > 0 {
        out.push(format!("+{rest}"));
    }
    if out.is_empty() {
        "none".to_owned()
    } else {
        out.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn presets_are_bucket_level_and_summaries_name_them() {
        for p in Preset::ALL {
            assert!(p.capabilities().iter().all(|c| is_bucket_level(c)), "{p:?}");
        }
        assert_eq!(summarise(&caps(&ALL_CAPABILITIES)), "all");
        assert_eq!(
            summarise(&caps(Preset::ReadOnly.capabilities())),
            "read-only"
        );
        assert_eq!(
            summarise(&caps(&[
                "listFiles",
                "writeFiles",
                "listKeys",
                "readBuckets"
            ])),
            "list write +2"
        );
        assert_eq!(Preset::Custom.cycle(false), Preset::S3Compatible);
    }
}
