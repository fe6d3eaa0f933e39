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

impl Needle {
    /// True when `lower` (a name already lowercased, see [`LowerNames`]) holds the needle.
    pub fn matches_lower(&self, lower: &str) -> bool {
        lower.contains(self.lower.as_str())
    }
}

/// The shown names of the loaded entries, lowercased once as they arrive, end to end in
/// one buffer: a keystroke scans this memory in order instead of a million separate names.
#[derive(Clone, Debug, Default)]
pub struct LowerNames {
    buf: String,
    ends: Vec<usize>,
}

impl LowerNames {
    pub fn push(&mut self, name: &str) {
        let start = self.buf.len();
        if name.is_ascii() {
            self.buf.push_str(name);
            self.buf[start..].make_ascii_lowercase();
        } else {
            self.buf.push_str(&name.to_lowercase());
        }
        self.ends.push(self.buf.len());
        // A separator no name holds: a match never runs from one name into the next.
        self.buf.push('\0');
    }

    /// The lowercased name of entry `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        &self.buf[start..self.ends[i]]
    }

    /// The indices of every name holding `needle`, in order: one search through the whole
    /// buffer rather than one per name.
    pub fn find_all(&self, needle: &Needle) -> Vec<usize> {
        let text = needle.lower.as_str();
        if text.is_empty() || text.contains('\0') {
            return (0..self.len())
                .filter(|&i| needle.matches_lower(self.get(i)))
                .collect();
        }
        let mut out: Vec<usize> = Vec::new();
        let finder = memchr::memmem::Finder::new(text.as_bytes());
        let hay = self.buf.as_bytes();
        let (mut i, mut from) = (0, 0);
        while let Some(found) = finder.find(&hay[from..]) {
            let end = from + found + text.len();
            while self.ends[i] < end {
                i += 1;
            }
            out.push(i);
            // The rest of this name cannot add a match: go on from the next name.
            from = self.ends[i] + 1;
            if from >= hay.len() {
                break;
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
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
    fn lowercased_names_match_like_the_names() {
        let names = ["Report.PDF", "Über-Report", "a", "", "aa", "t", "a"];
        let mut lower = LowerNames::default();
        for n in names {
            lower.push(n);
        }
        assert_eq!(lower.len(), names.len());
        for text in ["rep", "ÜBER", "A", "pdf", "x", "", "ta"] {
            let needle = Needle::new(text);
            let all: Vec<usize> = (0..names.len())
                .filter(|&i| needle.matches(names[i]))
                .collect();
            assert_eq!(lower.find_all(&needle), all, "{text}");
            for (i, n) in names.iter().enumerate() {
                assert_eq!(
                    needle.matches_lower(lower.get(i)),
                    needle.matches(n),
                    "{text} {n}"
                );
            }
        }
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
