//! The preview follows the cursor: after every update the row under the cursor (files
//! pane: a file's current version or a folder; versions pane: the selected version) is
//! compared with what the pane shows, and a new one is shown from the cache, as a message
//! (hide marker, empty file, a key that may not read), or read with one ranged request.
//! The worker replaces an older read with the newer one, so moving fast costs no read per
//! row. Results for a row the cursor left are dropped.

use std::sync::Arc;

use super::render::{self, Facts};
use super::{Body, Line, Span, Subject, Tone, binary_size, decimal_size};
use crate::app::{Action, App, Effects, Focus, Row, View};
use crate::b2::FileAction;
use crate::worker::preview::{FolderEntry, PreviewCommand, PreviewEvent};
use crate::worker::{Command, Failure};

/// Images are read whole up to this size (to be drawn); bigger ones are not read.
pub const MAX_IMAGE: u64 = 8 * 1024 * 1024;

impl App {
    /// The preview's keys (`p` and the scrolling keys); false for other actions.
    pub(crate) fn on_preview_action(&mut self, action: Action, fx: &mut Effects) -> bool {
        let p = &mut self.preview;
        match action {
            Action::TogglePreview => {
                p.shown = !p.shown;
                if p.shown {
                    self.sync_preview(fx);
                } else {
                    p.subject = None;
                    if let Some(req) = p.pending.take() {
                        fx.push(Command::Preview(PreviewCommand::Cancel { req }));
                    }
                }
            }
            Action::ScrollPreviewDown if p.shown => {
                p.scroll = (p.scroll + 1).min(p.body.lines.len().saturating_sub(1));
            }
            Action::ScrollPreviewUp if p.shown => p.scroll = p.scroll.saturating_sub(1),
            Action::ScrollPreviewRight if p.shown && !p.body.wrap => p.column += 8,
            Action::ScrollPreviewLeft if p.shown => p.column = p.column.saturating_sub(8),
            Action::ScrollPreviewDown
            | Action::ScrollPreviewUp
            | Action::ScrollPreviewRight
            | Action::ScrollPreviewLeft => {}
            _ => return false,
        }
        true
    }

    /// What the cursor is on, for the preview; None to keep what is shown.
    fn preview_subject(&self) -> Option<Subject> {
        let version = |v: &crate::b2::FileVersion| match &v.file_id {
            Some(id) => Subject::Version {
                file_id: id.clone(),
                name: v.file_name.clone(),
                size: v.content_length,
                action: v.action,
            },
            None => Subject::Nothing,
        };
        match self.focus {
            Focus::Buckets => None,
            Focus::Versions => self
                .versions
                .versions
                .get(self.versions.cursor.selected)
                .map(version),
            Focus::Files => Some(match self.files.selected() {
                None | Some(Row::Parent) => Subject::Nothing,
                Some(Row::Entry(e)) if e.is_folder() => Subject::Folder {
                    bucket: self.files.bucket.as_ref()?.id.clone(),
                    prefix: e.file_name.to_owned(),
                },
                Some(Row::Entry(e)) => version(&e.to_version()),
            }),
        }
    }

    /// Points the preview at the row under the cursor (after every update).
    pub(crate) fn sync_preview(&mut self, fx: &mut Effects) {
        if !self.preview.shown || self.view != View::Browse {
            return;
        }
        let Some(subject) = self.preview_subject() else {
            return;
        };
        if self.preview.subject.as_ref() == Some(&subject) {
            return;
        }
        let stale = self.preview.pending.take();
        self.show_subject(subject, fx);
        if let Some(req) = stale
            && self.preview.pending.is_none()
        {
            fx.push(Command::Preview(PreviewCommand::Cancel { req }));
        }
    }

    fn show_subject(&mut self, subject: Subject, fx: &mut Effects) {
        let p = &mut self.preview;
        p.subject = Some(subject.clone());
        (p.scroll, p.column) = (0, 0);
        p.extent = String::new();
        let message =
            |p: &mut super::PreviewState, text: &str| p.body = Arc::new(Body::message(text));
        match subject {
            Subject::Nothing => {
                p.title = String::new();
                message(p, "Nothing to preview here");
            }
            Subject::Folder { bucket, prefix } => {
                p.title = prefix.clone();
                message(p, "Reading the folder's names…");
                let req = self.new_req();
                self.preview.pending = Some(req);
                fx.push(Command::Preview(PreviewCommand::Folder {
                    req,
                    bucket,
                    prefix,
                }));
            }
            Subject::Version {
                file_id,
                name,
                size,
                action,
            } => {
                p.title = name.clone();
                let missing = self.admin.missing(&["readFiles"]);
                let p = &mut self.preview;
                match action {
                    FileAction::Hide => {
                        return message(
                            p,
                            "Hide marker: the file is hidden (deleted) from this version on.\n\
                             Its older versions keep their content (versions pane).",
                        );
                    }
                    FileAction::Upload | FileAction::Copy => {}
                    _ => return message(p, "An unfinished large file: nothing to read yet"),
                }
                p.extent = decimal_size(size);
                if size == 0 {
                    return message(p, "Empty file (0 bytes)");
                }
                if let Some(cap) = missing {
                    return message(
                        p,
                        &format!(
                            "This key cannot read file contents: it lacks the {cap} capability.\n\
                             Use a key that has {cap} to preview files."
                        ),
                    );
                }
                let image = render::is_image_name(&name);
                if image && size > MAX_IMAGE {
                    return message(
                        p,
                        &format!(
                            "An image of {}: too large to preview (images up to {} are drawn)",
                            decimal_size(size),
                            binary_size(MAX_IMAGE)
                        ),
                    );
                }
                let bytes = if image {
                    size
                } else {
                    p.config.bytes.min(size)
                };
                if bytes < size {
                    p.extent = format!("first {} of {}", binary_size(bytes), decimal_size(size));
                }
                if let Some(body) = p.cache.get(&file_id) {
                    p.body = body;
                    return;
                }
                message(p, "Reading…");
                let req = self.new_req();
                self.preview.pending = Some(req);
                fx.push(Command::Preview(PreviewCommand::Fetch {
                    req,
                    file_id,
                    bytes,
                    image: image || bytes == size,
                }));
            }
        }
    }

    /// A read's result: shown (and kept) if it is for the row still under the cursor.
    pub(crate) fn on_preview_event(&mut self, ev: PreviewEvent) {
        let req = match &ev {
            PreviewEvent::Fetched { req, .. }
            | PreviewEvent::Listed { req, .. }
            | PreviewEvent::Failed { req, .. } => *req,
        };
        if self.preview.pending != Some(req) {
            return;
        }
        self.preview.pending = None;
        let body = match ev {
            PreviewEvent::Fetched {
                file_id,
                data,
                content_type,
                image,
                image_error,
                ..
            } => {
                let Some(Subject::Version { name, size, .. }) = &self.preview.subject else {
                    return;
                };
                let facts = Facts {
                    name,
                    size: *size,
                    content_type: content_type.as_deref(),
                };
                let body = Arc::new(render::render(&facts, &data, image, image_error.as_deref()));
                self.preview.cache.put(file_id, body.clone());
                body
            }
            PreviewEvent::Listed { entries, more, .. } => Arc::new(folder_summary(&entries, more)),
            PreviewEvent::Failed { error, .. } => Arc::new(Body::message(&self.explain(&error))),
        };
        self.preview.body = body;
    }

    /// Why a read failed, in words (never a popup).
    fn explain(&self, error: &Failure) -> String {
        let text = error.to_string();
        let lower = text.to_ascii_lowercase();
        let status = match error {
            Failure::B2 { status, .. } | Failure::Refused { status, .. } => *status,
            _ => 0,
        };
        if status == 400
            && (lower.contains("sse-c") || lower.contains("customer") || lower.contains("encrypt"))
        {
            return "This version is encrypted with a customer-provided key (SSE-C).\n\
                    b2tui has no key for it, so its content cannot be shown."
                .to_owned();
        }
        if error.is_denied() {
            let key = &self.session.key;
            let mut limits = Vec::new();
            if let Some(b) = &key.bucket_name {
                limits.push(format!("bucket {b}"));
            }
            if let Some(p) = key.name_prefix.as_deref().filter(|p| !p.is_empty()) {
                limits.push(format!("names starting with {p}"));
            }
            let scope = if limits.is_empty() {
                String::new()
            } else {
                format!("\nThe key is restricted to {}.", limits.join(", "))
            };
            return format!("This key may not read this file ({text}).{scope}");
        }
        if status == 404 {
            return format!("This version is gone (deleted meanwhile?): {text}");
        }
        format!("Could not read the file: {text}")
    }
}

/// A folder's first names and their sizes.
fn folder_summary(entries: &[FolderEntry], more: bool) -> Body {
    let folders = entries.iter().filter(|e| e.folder).count();
    let files = entries.len() - folders;
    let bytes: u64 = entries.iter().filter(|e| !e.folder).map(|e| e.size).sum();
    let head = format!(
        "{} names{}: {files} files ({}), {folders} folders",
        entries.len(),
        if more { " loaded (more follow)" } else { "" },
        decimal_size(bytes)
    );
    let mut lines = vec![render::note(&head), Line::default()];
    if entries.is_empty() {
        lines.push(render::note("Empty folder"));
    }
    let width = entries
        .iter()
        .map(|e| unicode_width::UnicodeWidthStr::width(e.name.as_str()))
        .max()
        .unwrap_or(0)
        .min(48);
    for e in entries {
        let mut line = Line::default();
        let mut col = 0;
        let tone = if e.folder { Tone::Heading } else { Tone::Plain };
        super::text::push_safe(&mut line, &mut col, &e.name, tone);
        let size = if e.folder {
            "folder".to_owned()
        } else {
            decimal_size(e.size)
        };
        let pad = (width + 2).saturating_sub(col).max(2);
        line.push(Span::new(
            format!("{}{size:>9}", " ".repeat(pad)),
            Tone::Gutter,
        ));
        lines.push(line);
    }
    Body {
        kind: "folder".to_owned(),
        lines,
        ..Body::default()
    }
}
