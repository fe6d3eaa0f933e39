//! `y`: the copy menu of the selected file, folder or version: its name, `b2://` address,
//! file id, download URL and a `b2 file download` command line, put on the clipboard with
//! OSC 52 (`Effect::Clipboard`). No I/O.

use super::menu::{FileMenu, MenuEntry, MenuPurpose};
use crate::app::{App, Effect, Effects, Focus, Level, Modal, Row};
use crate::b2::{FileAction, FileVersion, Secret};

impl App {
    /// `y` in the files or versions pane: opens the copy menu of the selection.
    pub(crate) fn open_copy_menu(&mut self) {
        let Some(bucket) = self.files.bucket.clone() else {
            return self.notify(Level::Info, "Open a bucket first");
        };
        let b2 = |name: &str| format!("b2://{}/{name}", bucket.name);
        let (note, entries) = match self.focus {
            Focus::Files => match self.files.selected() {
                Some(Row::Entry(e)) if e.is_folder() => (
                    e.file_name.to_owned(),
                    vec![
                        MenuEntry::new('n', "name", e.file_name),
                        MenuEntry::new('b', "address", b2(e.file_name)),
                    ],
                ),
                Some(Row::Entry(e)) => {
                    let v = e.to_version();
                    (v.file_name.clone(), self.file_entries(&bucket.name, &v))
                }
                _ => return self.notify(Level::Info, "Select a file or folder to copy"),
            },
            Focus::Versions => {
                let Some(v) = self.versions.versions.get(self.versions.cursor.selected) else {
                    return self.notify(Level::Info, "Select a version to copy");
                };
                let current = self.versions.current_index() == Some(self.versions.cursor.selected);
                let note = format!(
                    "{} ({})",
                    v.file_name,
                    if current {
                        "current version"
                    } else {
                        "older version"
                    }
                );
                (note, self.version_entries(v, current))
            }
            Focus::Buckets => return,
        };
        let menu = FileMenu::new("Copy", note, entries, MenuPurpose::Copy);
        self.modals.push(Modal::Actions(Box::new(menu)));
    }

    /// `y` in the search results: the copy menu of the selected result (a hidden name
    /// has no download URL or command: B2 would not serve it by name).
    pub(crate) fn open_search_copy_menu(&mut self) {
        let Some(s) = self.search.as_ref() else {
            return;
        };
        let Some(hit) = s.selected() else {
            return self.notify(Level::Info, "No result selected");
        };
        let v = hit.to_version();
        let mut entries = self.file_entries(&s.bucket.name, &v);
        if hit.hidden_at.is_some() {
            entries.retain(|e| matches!(e.key, 'n' | 'b' | 'i'));
        }
        let menu = FileMenu::new("Copy", v.file_name.clone(), entries, MenuPurpose::Copy);
        self.modals.push(Modal::Actions(Box::new(menu)));
    }

    /// A file's entries: name, address, id, friendly URL, command line.
    fn file_entries(&self, bucket: &str, v: &FileVersion) -> Vec<MenuEntry> {
        let name = &v.file_name;
        let mut out = vec![
            MenuEntry::new('n', "name", name.clone()),
            MenuEntry::new('b', "address", format!("b2://{bucket}/{name}")),
        ];
        let Some(id) = v
            .file_id
            .as_ref()
            .filter(|_| v.action == FileAction::Upload)
        else {
            return out;
        };
        out.push(MenuEntry::new('i', "file id", id.0.clone()));
        if !self.session.download_url.is_empty() {
            out.push(MenuEntry::new(
                'u',
                "URL",
                friendly_url(&self.session.download_url, bucket, name),
            ));
        }
        out.push(MenuEntry::new(
            'c',
            "command",
            download_command(&id.0, base_name(name)),
        ));
        out
    }

    /// A version's entries: its id and `b2id://` address, the by-id download URL and a
    /// command line that saves it under the name `d` gives it.
    fn version_entries(&self, v: &FileVersion, current: bool) -> Vec<MenuEntry> {
        let mut out = vec![MenuEntry::new('n', "name", v.file_name.clone())];
        let Some(id) = v.file_id.as_ref() else {
            return out;
        };
        out.push(MenuEntry::new('i', "file id", id.0.clone()));
        out.push(MenuEntry::new(
            'v',
            "b2id address",
            format!("b2id://{}", id.0),
        ));
        if v.action != FileAction::Upload {
            return out;
        }
        if !self.session.download_url.is_empty() {
            out.push(MenuEntry::new(
                'u',
                "URL",
                format!(
                    "{}/b2api/v3/b2_download_file_by_id?fileId={}",
                    self.session.download_url,
                    crate::b2::encode::encode_value(&id.0)
                ),
            ));
        }
        let local = super::version_local_name(v, &self.versions.versions, current);
        out.push(MenuEntry::new(
            'c',
            "command",
            download_command(&id.0, base_name(&local)),
        ));
        out
    }

    /// Puts the entry's text on the clipboard.
    pub(super) fn copy_entry(&mut self, entry: &MenuEntry, fx: &mut Effects) {
        fx.push(Effect::Clipboard(Secret::new(entry.text.clone())));
        self.notify(
            Level::Info,
            format!("Copied the {} to the clipboard", entry.label),
        );
    }
}

/// The last segment of a name.
fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// `<downloadUrl>/file/<bucket>/<name>`, the name percent-encoded (`/` kept).
pub fn friendly_url(download_url: &str, bucket: &str, name: &str) -> String {
    format!(
        "{download_url}/file/{}/{}",
        crate::b2::encode::encode_value(bucket),
        crate::b2::encode::encode_name(name)
    )
}

/// `b2 file download b2id://<id> <local>` (the b2 CLI 4+ syntax), the local name quoted for
/// a POSIX shell when it needs it.
pub fn download_command(file_id: &str, local: &str) -> String {
    format!("b2 file download b2id://{file_id} {}", shell_quote(local))
}

/// `text` as one POSIX shell word naming a local file: as is when it holds only safe
/// characters, else in single quotes (a `'` inside written `'\''`); a leading `-` gets
/// `./` so that it is not read as an option.
pub fn shell_quote(text: &str) -> String {
    if text.starts_with('-') {
        return shell_quote(&format!("./{text}"));
    }
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+,@%/:=".contains(c));
    if safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_plain_names_and_quotes_the_rest() {
        assert_eq!(shell_quote("report.txt"), "report.txt");
        assert_eq!(shell_quote("my file.txt"), "'my file.txt'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("-rf"), "./-rf");
        assert_eq!(shell_quote("-a b"), "'./-a b'");
        assert_eq!(shell_quote("$(x)"), "'$(x)'");
    }

    #[test]
    fn urls_encode_the_name_but_keep_slashes() {
        assert_eq!(
            friendly_url("https://f000.example", "b", "a dir/ü?.txt"),
            "https://f000.example/file/b/a%20dir/%C3%BC%3F.txt"
        );
    }
}
