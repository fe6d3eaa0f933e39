//! Search patterns as typed in the prompt ([`NamePattern::parse`]), matched against the
//! name below the folder searched:
//! - `re:TEXT`: a regular expression (Rust `regex` syntax), found anywhere in the name;
//! - `glob:TEXT`, or text holding `*`, `?` or `[`: a glob over the whole name; `*` and `?`
//!   stay within one folder level, `**` crosses levels; a glob without `/` is matched
//!   against the last segment (`*.jpg` finds `a/b/c.jpg`);
//! - anything else: a substring, case-insensitive unless it holds an upper-case letter.

use memchr::memmem;

/// What kind of pattern the text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternKind {
    Substring,
    Glob,
    Regex,
}

impl PatternKind {
    pub fn label(self) -> &'static str {
        match self {
            PatternKind::Substring => "substring",
            PatternKind::Glob => "glob",
            PatternKind::Regex => "regex",
        }
    }
}

#[derive(Clone, Debug)]
enum Matcher {
    /// Case-sensitive substring.
    Bytes(Box<memmem::Finder<'static>>),
    /// A regex over the text (regexes, case-insensitive substrings).
    Regex(regex::Regex),
    /// A compiled glob; `base` = matched against the last segment only.
    Glob { re: regex::bytes::Regex, base: bool },
}

/// A compiled name pattern.
#[derive(Clone, Debug)]
pub struct NamePattern {
    kind: PatternKind,
    matcher: Matcher,
}

impl NamePattern {
    /// Reads a typed pattern (see the module documentation); the error says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(re) = text.strip_prefix("re:") {
            return Self::regex(re);
        }
        if let Some(glob) = text.strip_prefix("glob:") {
            return Self::glob(glob);
        }
        if text.contains(['*', '?', '[']) {
            return Self::glob(text);
        }
        Self::substring(text)
    }

    pub fn kind(&self) -> PatternKind {
        self.kind
    }

    fn regex(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("type a regular expression after re:".to_owned());
        }
        let re = regex::Regex::new(text).map_err(|e| format!("invalid regex: {}", brief(&e)))?;
        Ok(Self {
            kind: PatternKind::Regex,
            matcher: Matcher::Regex(re),
        })
    }

    fn glob(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("type a glob after glob:".to_owned());
        }
        let glob = globset::GlobBuilder::new(text)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| format!("invalid glob: {}", e.kind()))?;
        let re = regex::bytes::Regex::new(glob.regex())
            .map_err(|e| format!("invalid glob: {}", brief(&e)))?;
        Ok(Self {
            kind: PatternKind::Glob,
            matcher: Matcher::Glob {
                re,
                base: !text.contains('/'),
            },
        })
    }

    fn substring(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("type a name or part of one (re: for a regex, * ? [ ] for a glob)".into());
        }
        let matcher = if text.chars().any(char::is_uppercase) {
            Matcher::Bytes(Box::new(memmem::Finder::new(text.as_bytes()).into_owned()))
        } else {
            let re = regex::RegexBuilder::new(&regex::escape(text))
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("invalid text: {}", brief(&e)))?;
            Matcher::Regex(re)
        };
        Ok(Self {
            kind: PatternKind::Substring,
            matcher,
        })
    }

    /// True when `name` (below the folder searched) matches. Allocates nothing.
    pub fn is_match(&self, name: &str) -> bool {
        match &self.matcher {
            Matcher::Bytes(f) => f.find(name.as_bytes()).is_some(),
            Matcher::Regex(re) => re.is_match(name),
            Matcher::Glob { re, base } => {
                let subject = if *base {
                    name.rsplit('/').next().unwrap_or(name)
                } else {
                    name
                };
                re.is_match(subject.as_bytes())
            }
        }
    }
}

/// The last line of a regex error (the reason, without the pattern echoed above it).
fn brief(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.trim().trim_start_matches("error: ").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_kind_of_pattern() {
        let p = |t| NamePattern::parse(t).expect("valid");
        assert_eq!(p("report").kind(), PatternKind::Substring);
        assert_eq!(p("*.jpg").kind(), PatternKind::Glob);
        assert_eq!(p("glob:a").kind(), PatternKind::Glob);
        assert_eq!(p("re:^a").kind(), PatternKind::Regex);
    }

    #[test]
    fn substrings_are_smart_case() {
        let lower = NamePattern::parse("report").expect("valid");
        assert!(lower.is_match("docs/Report.txt"));
        let upper = NamePattern::parse("Report").expect("valid");
        assert!(upper.is_match("docs/Report.txt"));
        assert!(!upper.is_match("docs/report.txt"));
    }

    #[test]
    fn globs_without_a_slash_match_the_last_segment() {
        let g = NamePattern::parse("*.jpg").expect("valid");
        assert!(g.is_match("a/b/c.jpg"));
        assert!(!g.is_match("a/b.jpg/c.txt"));
        let deep = NamePattern::parse("a/*/c.jpg").expect("valid");
        assert!(deep.is_match("a/b/c.jpg"));
        assert!(!deep.is_match("a/b/x/c.jpg"));
        assert!(
            NamePattern::parse("a/**/c.jpg")
                .expect("valid")
                .is_match("a/b/x/c.jpg")
        );
    }

    #[test]
    fn bad_patterns_are_named() {
        let e = NamePattern::parse("re:(unclosed").expect_err("invalid");
        assert!(e.starts_with("invalid regex:"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let e = NamePattern::parse("a[").expect_err("invalid");
        assert!(e.starts_with("invalid glob:"), "{e}");
        assert!(NamePattern::parse("").is_err());
        assert!(NamePattern::parse("re:").is_err());
    }
}
