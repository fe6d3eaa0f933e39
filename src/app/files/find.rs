//! The `/` filter's match: a case-insensitive substring test that allocates nothing for
//! ASCII names (the common case), so a keystroke over a million loaded names stays fast.

/// A typed filter text, lowercased once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needle {
    lower: String,
}

impl Needle {
    pub fn new(text: &str) -> Self {
        Self {
            lower: text.to_lowercase(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    /// True when every name this needle matches is also matched by `wider` (the text only
    /// grew): the new matches are found among the old ones.
    pub fn narrows(&self, wider: &Needle) -> bool {
        self.lower.contains(&wider.lower)
    }

    /// True when `name` holds the needle, ignoring case.
    pub fn matches(&self, name: &str) -> bool {
        if name.is_ascii() {
            self.lower.is_ascii() && ascii_icase_contains(name.as_bytes(), self.lower.as_bytes())
        } else {
            name.to_lowercase().contains(&self.lower)
        }
    }
}

/// `needle` (already lowercase ASCII) in `hay`, ASCII case ignored.
fn ascii_icase_contains(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    (0..=hay.len() - needle.len()).any(|i| {
        hay[i].to_ascii_lowercase() == first
            && hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ignore_case_for_ascii_and_other_names() {
        let n = Needle::new("Rep");
        assert!(n.matches("Report.pdf"));
        assert!(n.matches("my-REPORT"));
        assert!(n.matches("rep"));
        assert!(!n.matches("re"));
        assert!(!n.matches("pdf"));
        assert!(n.matches("Über-Report"));
        let u = Needle::new("ÜBER");
        assert!(u.matches("über.txt"));
        assert!(!u.matches("uber.txt"));
        assert!(Needle::new("").matches("anything"));
    }

    #[test]
    fn narrowing_is_known_when_the_text_grows() {
        assert!(Needle::new("abc").narrows(&Needle::new("b")));
        assert!(!Needle::new("ab").narrows(&Needle::new("abc")));
    }

    /// A million names, as the pane holds them: the counts match a plain lowercase scan
    /// (timing is measured by `scripts/bench-huge-folder.sh`, not asserted here).
    #[test]
    fn a_million_names_match_like_a_lowercase_scan() {
        let names: Vec<String> = (0..1_000_000)
            .map(|i| {
                if i % 1000 == 7 {
                    format!("Ünïcode-{i:07}.DAT")
                } else {
                    format!("n{i:07}.Dat")
                }
            })
            .collect();
        for text in ["0099", "DAT", "ünï", "n00000", "zzz"] {
            let needle = Needle::new(text);
            let fast = names.iter().filter(|n| needle.matches(n)).count();
            let lower = text.to_lowercase();
            let slow = names
                .iter()
                .filter(|n| n.to_lowercase().contains(&lower))
                .count();
            assert_eq!(fast, slow, "{text}");
        }
    }
}
