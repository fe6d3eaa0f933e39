//! Share links of a file or folder prefix: the share form (constructor, duration
//! validation), the link asked of the worker (`b2_get_download_authorization`, or a plain URL
//! for a file in a public bucket), and the share link dialog with its copy key. No I/O.

use super::forms::{Field, FieldError, Form, FormKind};
use super::{Pending, SettingsModal, cmd};
use crate::app::{App, Effect, Effects, Focus, Level, Row};
use crate::b2::Secret;
use crate::worker::settings::{SettingsCommand, ShareLink};

impl Form {
    /// The share form for a file or folder prefix.
    pub fn share(bucket: &str, prefix: &str, is_folder: bool) -> Self {
        let what = if is_folder {
            "every file under"
        } else {
            "the file"
        };
        Self {
            kind: FormKind::Share {
                prefix: prefix.to_owned(),
                is_folder,
            },
            title: " Share link ".to_owned(),
            fields: vec![Field::text("Valid for", "1d", "e.g. 30m, 12h, 7d (max 7d)")],
            focus: 0,
            errors: Vec::new(),
            note: format!("Opens {what} b2://{bucket}/{prefix}"),
        }
    }

    /// Seconds of the share form (1 s … 7 days, as b2_get_download_authorization allows).
    pub fn validate_duration(&self) -> Result<u32, Vec<FieldError>> {
        parse_duration(self.value(0)).ok_or_else(|| {
            vec![FieldError {
                field: 0,
                message: "a duration like 30m, 12h or 7d, at most 7 days".into(),
            }]
        })
    }
}

/// `30m`, `12h`, `7d`, `90s` or plain seconds → seconds, within 1 s … 604,800 s.
pub fn parse_duration(text: &str) -> Option<u32> {
    let text = text.trim();
    let (num, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: u64 = num.trim().parse().ok()?;
    let secs = n.checked_mul(match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    })?;
    u32::try_from(secs)
        .ok()
        .filter(|s| (1..=604_800).contains(s))
}

impl App {
    /// `ShareLink` in the files pane: a file in a public bucket gets its URL at once, the
    /// rest the share form.
    pub(super) fn start_share(&mut self, cmds: &mut Effects) {
        if self.focus != Focus::Files {
            return;
        }
        let Some((bucket, public)) = self.current_bucket() else {
            return;
        };
        let (prefix, is_folder) = match self.files.selected() {
            Some(Row::Entry(e)) => (e.file_name.to_owned(), e.is_folder()),
            Some(Row::Parent) | None => (self.files.prefix.clone(), true),
        };
        if public && !is_folder {
            let req = self.new_admin_req(Pending::Share);
            cmds.push(cmd(SettingsCommand::ShareLink {
                req,
                bucket: bucket.id,
                bucket_name: bucket.name,
                prefix,
                is_folder,
                is_public: true,
                valid_seconds: 0,
            }));
            return;
        }
        if self.unavailable("make share links", &["shareFiles"]) {
            return;
        }
        self.push_settings(SettingsModal::Form(Form::share(
            &bucket.name,
            &prefix,
            is_folder,
        )));
    }

    pub(super) fn submit_share(
        &mut self,
        form: &Form,
        prefix: &str,
        is_folder: bool,
        cmds: &mut Effects,
    ) {
        match form.validate_duration() {
            Err(errors) => self.set_form_errors(errors),
            Ok(secs) => {
                let Some((bucket, public)) = self.current_bucket() else {
                    return;
                };
                self.modals.pop();
                let req = self.new_admin_req(Pending::Share);
                cmds.push(cmd(SettingsCommand::ShareLink {
                    req,
                    bucket: bucket.id,
                    bucket_name: bucket.name,
                    prefix: prefix.to_owned(),
                    is_folder,
                    is_public: public && !is_folder,
                    valid_seconds: secs,
                }));
            }
        }
    }

    /// `ShareLinkReady`: copies the link and shows it.
    pub(super) fn share_link_ready(&mut self, link: ShareLink, cmds: &mut Effects) {
        cmds.push(Effect::Clipboard(Secret::new(link.url.clone())));
        self.push_settings(SettingsModal::ShareLink(link));
    }

    /// `CopyLink` in the share link dialog.
    pub(super) fn copy_share_link(&mut self, url: String, cmds: &mut Effects) {
        cmds.push(Effect::Clipboard(Secret::new(url)));
        self.notify(Level::Info, "Link copied to the clipboard");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("30m"), Some(1800));
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("8d"), None);
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("x"), None);
    }
}
