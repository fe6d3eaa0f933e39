//! Drawing the "Delete versions" dialog: what goes, what is current afterwards, and the
//! answers. Drawing only; the state is `app/versions/delete.rs`.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::versions::delete::ConfirmDelete;
use crate::b2::{FileAction, FileVersion};
use crate::ui::format::{sanitize, size, time};
use crate::ui::widgets::dialog::{buttons, show_delete};

fn version_line(v: &FileVersion) -> String {
    let action = match v.action {
        FileAction::Hide => "hide marker",
        _ => "upload",
    };
    format!(
        "{}  {:>8}  {:<11}  {}",
        time(v.upload_timestamp),
        size(v.content_length),
        action,
        v.file_id.as_ref().map_or("", |i| i.as_str())
    )
}

/// Draws the dialog.
pub fn render(app: &App, c: &ConfirmDelete, frame: &mut Frame) {
    let t = &app.theme;
    let total: u64 = c.doomed.iter().map(|v| v.content_length).sum();
    let n = c.doomed.len();
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Delete {n} version{} of {} for good ({})? This cannot be undone.",
                if n == 1 { "" } else { "s" },
                sanitize(&c.file_name),
                size(total)
            ),
            t.warn,
        )),
        Line::default(),
    ];
    let shown = usize::from(frame.area().height.saturating_sub(14)).max(3);
    for v in c.doomed.iter().take(shown) {
        lines.push(Line::from(format!("  {}", sanitize(&version_line(v)))));
    }
    if n > shown {
        lines.push(Line::from(format!("  …and {} more", n - shown)));
    }
    lines.push(Line::default());
    if c.current_goes {
        let after = match &c.next_newest {
            Some(v) if v.action == FileAction::Hide => {
                "the newest entry goes; the file stays hidden".to_owned()
            }
            Some(v) => format!(
                "the newest entry goes; the version from {} ({}) becomes current",
                time(v.upload_timestamp),
                size(v.content_length)
            ),
            None => "no version is left: the file is gone for good".to_owned(),
        };
        lines.push(Line::from(Span::styled(format!("⚠ {after}"), t.error)));
    } else {
        lines.push(Line::from("The current version stays as it is."));
    }
    lines.push(Line::default());
    lines.push(buttons(&app.theme, format!("Delete {n}"), c.delete_chosen));
    show_delete(&app.theme, frame, " Delete versions ", 96, lines);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_lines_name_size_and_id() {
        let v = FileVersion {
            account_id: None,
            action: FileAction::Upload,
            bucket_id: None,
            content_length: 1_200_000,
            content_sha1: None,
            content_md5: None,
            content_type: None,
            file_id: Some("4_zabc".into()),
            file_info: Default::default(),
            file_name: "a".into(),
            upload_timestamp: 1_795_183_353_123,
            replication_status: None,
        };
        assert_eq!(
            version_line(&v),
            "2026-11-20 14:02    1.2 MB  upload       4_zabc"
        );
    }
}
