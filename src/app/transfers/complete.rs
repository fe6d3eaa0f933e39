//! Local path completion as a pure function: the typed text and the entries of its folder
//! (listed by the worker) give the completed text and, when ambiguous, the candidates.

use std::path::PathBuf;

use crate::worker::transfer_cmds::LocalEntry;

/// The result of one Tab.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The new text of the input (unchanged when nothing matched).
    pub value: String,
    /// Matching names (folders with a trailing `/`), when more than one matched.
    pub candidates: Vec<String>,
}

/// Splits the typed text after its last `/`: (folder part with the `/`, name being typed).
pub fn split(typed: &str) -> (&str, &str) {
    match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    }
}

/// The folder to list for completing `typed` (`.` for a bare name; relative paths are
/// resolved by the worker against its current directory).
pub fn dir_to_list(typed: &str) -> PathBuf {
    match split(typed).0 {
        "" => PathBuf::from("."),
        dir => PathBuf::from(dir),
    }
}

/// Completes `typed` against the entries of its folder: one match is completed in full
/// (folders get a `/`), several are completed to their common prefix and listed. Names
/// starting with `.` only match when the typed name does.
pub fn complete(typed: &str, entries: &[LocalEntry]) -> Completion {
    let (dir, name) = split(typed);
    let matches: Vec<&LocalEntry> = entries
        .iter()
        .filter(|e| e.name.starts_with(name))
        .filter(|e| name.starts_with('.') || !e.name.starts_with('.'))
        .collect();
    match matches.as_slice() {
        [] => Completion {
            value: typed.to_owned(),
            candidates: Vec::new(),
        },
        [one] => Completion {
            value: format!("{dir}{}{}", one.name, if one.is_dir { "/" } else { "" }),
            candidates: Vec::new(),
        },
        many => {
            let mut common = many[0].name.as_str();
            for e in &many[1..] {
                common = common_prefix(common, &e.name);
            }
            Completion {
                value: format!("{dir}{common}"),
                candidates: many
                    .iter()
                    .map(|e| format!("{}{}", e.name, if e.is_dir { "/" } else { "" }))
                    .collect(),
            }
        }
    }
}

/// The longest common prefix, cut at a character boundary.
fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let mut end = 0;
    for ((i, ca), cb) in a.char_indices().zip(b.chars()) {
        if ca != cb {
            break;
        }
        end = i + ca.len_utf8();
    }
    &a[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_respects_char_boundaries() {
        assert_eq!(common_prefix("héllo", "hélp"), "hél");
        assert_eq!(common_prefix("abc", "xyz"), "");
    }
}
