//! Go to a path (`:`): a prompt that takes `b2://bucket/folder/`, `b2://bucket/folder/name`,
//! `folder/` or `folder/name` (in the open bucket, from its root), or a bare `name` (in the
//! folder shown), and opens that folder. A name (or its beginning) is jumped to: the folder
//! is listed from it (`startFileName`), so the spot shows at once however many names lie
//! before it, with the first name at or after it selected. Paths are held to what the key
//! may see: another bucket than the key's is refused, a folder above a prefix-restricted
//! key's floor opens the floor.
//! The same prompt opens the start path of a profile. No I/O.

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{Action, App, BucketRef, Effects, Focus, Level, Modal};

/// The go-to prompt.
#[derive(Clone, Debug, Default)]
pub struct GoToPrompt {
    pub input: Input,
    pub error: Option<String>,
}

impl PartialEq for GoToPrompt {
    fn eq(&self, other: &Self) -> bool {
        self.input.value() == other.input.value() && self.error == other.error
    }
}

impl Eq for GoToPrompt {}

/// A parsed path: the bucket (None: the open one), the folder and the name in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub bucket: Option<String>,
    /// "" or ending with `/`.
    pub folder: String,
    /// A name in the folder to select; "" for none.
    pub name: String,
}

/// Reads `b2://bucket[/path]`, `/path` or `path` (the last two in the open bucket).
pub fn parse(text: &str) -> Result<Target, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("type a path: b2://bucket/folder/ or folder/".to_owned());
    }
    let (bucket, path) = match text.strip_prefix("b2://") {
        Some(rest) => {
            let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err("b2:// needs a bucket name: b2://bucket/folder/".to_owned());
            }
            (Some(bucket.to_owned()), path)
        }
        None => (None, text.strip_prefix('/').unwrap_or(text)),
    };
    if path.chars().any(char::is_control) {
        return Err("a path cannot hold control characters".to_owned());
    }
    let split = path.rfind('/').map_or(0, |i| i + 1);
    Ok(Target {
        bucket,
        folder: path[..split].to_owned(),
        name: path[split..].to_owned(),
    })
}

impl App {
    /// `:`: opens the prompt, filled with the folder shown.
    pub(crate) fn open_goto_prompt(&mut self) {
        let mut prompt = GoToPrompt::default();
        if let Some(b) = &self.files.bucket {
            prompt.input = Input::new(format!("b2://{}/{}", b.name, self.files.prefix));
        }
        self.modals.push(Modal::GoTo(Box::new(prompt)));
    }

    /// A key in the prompt: `Enter` goes, `Tab` completes, `Esc` closes, the rest edits.
    pub(crate) fn on_goto_key(&mut self, key: KeyEvent, action: Option<Action>, fx: &mut Effects) {
        let Some(Modal::GoTo(p)) = self.modals.last_mut() else {
            return;
        };
        match action {
            Some(Action::Confirm | Action::Open) => {
                let text = p.input.value().to_owned();
                match self.go_to(&text, fx) {
                    Ok(()) => {
                        self.modals.retain(|m| !matches!(m, Modal::GoTo(_)));
                    }
                    Err(e) => {
                        if let Some(Modal::GoTo(p)) = self.modals.last_mut() {
                            p.error = Some(e);
                        }
                    }
                }
            }
            Some(Action::Complete) => {
                let text = p.input.value().to_owned();
                if let Some(done) = self.complete_path(&text)
                    && let Some(Modal::GoTo(p)) = self.modals.last_mut()
                {
                    p.input = Input::new(done);
                    p.error = None;
                }
            }
            Some(Action::Close | Action::Quit) => {
                self.modals.pop();
            }
            _ => {
                p.input.handle_event(&Event::Key(key));
                p.error = None;
            }
        }
    }

    /// Opens `text` (see [`parse`]), or says why it cannot. Before the buckets have
    /// arrived, a path with a bucket waits for them.
    pub fn go_to(&mut self, text: &str, fx: &mut Effects) -> Result<(), String> {
        let mut target = parse(text)?;
        let bare = !text.contains('/') && !text.trim().starts_with("b2://");
        if bare && self.files.bucket.is_some() {
            // A bare name: in the folder shown.
            target.folder = self.files.prefix.clone();
        }
        let bucket = match &target.bucket {
            None => self
                .files
                .bucket
                .clone()
                .ok_or("no bucket is open: type b2://bucket/folder/")?,
            Some(name) => match self.buckets.buckets.iter().find(|b| b.bucket_name == *name) {
                Some(b) => BucketRef {
                    id: b.bucket_id.clone(),
                    name: b.bucket_name.clone(),
                },
                None if !self.buckets.loaded => {
                    self.start_path = Some(text.to_owned());
                    return Ok(());
                }
                None => return Err(self.no_such_bucket(name)),
            },
        };
        let key = &self.session.key;
        let full = format!("{}{}", target.folder, target.name);
        let floor = key.folder_floor().to_owned();
        if let Some(prefix) = &key.name_prefix
            && !full.starts_with(prefix.as_str())
            && !prefix.starts_with(&full)
        {
            return Err(format!(
                "this key only sees names starting with {prefix}: try b2://{}/{prefix}",
                bucket.name
            ));
        }
        let folder = if target.folder.len() < floor.len() {
            floor
        } else {
            target.folder
        };
        self.focus = Focus::Files;
        let jump = !target.name.is_empty() && full.len() > folder.len();
        if jump && !self.restore.lists_versions() && self.admin.missing(&["listFiles"]).is_none() {
            self.jump_to_name(bucket, folder, full, fx);
            return Ok(());
        }
        self.open_folder_of(bucket, folder.clone(), fx);
        if jump {
            self.files.select_when_loaded(full);
        }
        Ok(())
    }

    /// Why a typed bucket is not there: the buckets this key sees.
    fn no_such_bucket(&self, name: &str) -> String {
        let seen: Vec<&str> = self
            .buckets
            .buckets
            .iter()
            .map(|b| b.bucket_name.as_str())
            .collect();
        match seen.as_slice() {
            [] => format!("no bucket named {name}: this key sees no buckets"),
            [only] => format!("no bucket named {name}: this key sees only {only}"),
            _ if seen.len() <= 5 => {
                format!("no bucket named {name}: this key sees {}", seen.join(", "))
            }
            _ => format!(
                "no bucket named {name} among the {} this key sees",
                seen.len()
            ),
        }
    }

    /// `Tab`: completes a bucket name after `b2://`, or a folder name of the folder shown.
    fn complete_path(&self, text: &str) -> Option<String> {
        let rest = text.strip_prefix("b2://")?;
        let Some((bucket, path)) = rest.split_once('/') else {
            let names = self.buckets.buckets.iter().map(|b| b.bucket_name.as_str());
            return common_completion(rest, names).map(|n| format!("b2://{n}/"));
        };
        let open = self.files.bucket.as_ref()?;
        let split = path.rfind('/').map_or(0, |i| i + 1);
        if open.name != bucket || path[..split] != self.files.prefix {
            return None;
        }
        let folders = self
            .files
            .entries
            .iter()
            .filter(|e| e.is_folder())
            .map(|e| e.file_name);
        common_completion(path, folders).map(|p| format!("b2://{bucket}/{p}"))
    }

    /// Opens the start path given at launch (a profile's bucket and prefix), once the
    /// buckets have arrived; a path that cannot open is said, and browsing starts as usual.
    pub(crate) fn open_start_path(&mut self, fx: &mut Effects) -> bool {
        let Some(path) = self.start_path.take() else {
            return false;
        };
        if let Err(e) = self.go_to(&path, fx) {
            self.notify(Level::Warn, format!("Cannot open {path}: {e}"));
            return false;
        }
        true
    }
}

/// The longest common extension of `typed` among `names` that start with it.
fn common_completion<'a>(typed: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut matches = names.filter(|n| n.starts_with(typed));
    let first = matches.next()?.to_owned();
    let common = matches.fold(first, |acc, n| {
        let len = acc
            .char_indices()
            .zip(n.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8());
        acc[..len].to_owned()
    });
    (common.len() > typed.len()).then_some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_of_path() {
        let t = parse("b2://photos/2024/june/").unwrap();
        assert_eq!(t.bucket.as_deref(), Some("photos"));
        assert_eq!((t.folder.as_str(), t.name.as_str()), ("2024/june/", ""));
        let t = parse("b2://photos").unwrap();
        assert_eq!((t.folder.as_str(), t.name.as_str()), ("", ""));
        let t = parse("docs/report.pdf").unwrap();
        assert_eq!(t.bucket, None);
        assert_eq!(
            (t.folder.as_str(), t.name.as_str()),
            ("docs/", "report.pdf")
        );
        let t = parse("/docs/").unwrap();
        assert_eq!((t.folder.as_str(), t.name.as_str()), ("docs/", ""));
        assert!(parse("  ").is_err());
        assert!(parse("b2://").is_err());
        assert!(parse("a\u{1b}b/").is_err());
    }

    #[test]
    fn completes_the_common_part() {
        let names = ["photos-2023", "photos-2024", "docs"];
        assert_eq!(
            common_completion("ph", names.into_iter()).as_deref(),
            Some("photos-202")
        );
        assert_eq!(
            common_completion("d", names.into_iter()).as_deref(),
            Some("docs")
        );
        assert_eq!(common_completion("x", names.into_iter()), None);
        assert_eq!(common_completion("docs", names.into_iter()), None);
    }
}
