//! Drawing the "empty a bucket / delete a folder with all its versions" dialog: the count
//! as it grows, what goes and what may not, and the typed confirmation for a bucket.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::restore::purge::PurgeDialog;
use crate::ui::format::{count, sanitize, size};
use crate::ui::widgets::dialog::{block_with_keys, show_lines};

/// Draws the dialog (and the cursor in the typed name, for a bucket).
pub fn render(app: &App, d: &PurgeDialog, frame: &mut Frame) {
    let t = &app.theme;
    let s = &d.survey;
    let n = |v: u64| count(usize::try_from(v).unwrap_or(usize::MAX));
    let target = format!("b2://{}/{}", sanitize(&d.bucket.name), sanitize(&d.prefix));
    let head = if d.counted {
        format!("Delete everything in {target} for good?")
    } else {
        format!("Counting what is in {target}…")
    };
    let mut lines = vec![Line::from(Span::styled(head, t.warn)), Line::default()];
    lines.push(Line::from(format!(
        "  {} versions of {} names, {}",
        n(s.versions),
        n(s.names),
        size(s.bytes)
    )));
    lines.push(Line::from(format!("  {} hide markers", n(s.hide_markers))));
    if d.counted {
        lines.push(Line::from(format!(
            "  {} unfinished large files (cancelled, with their parts)",
            n(s.unfinished)
        )));
    }
    lines.push(Line::default());
    let (lock, lock_more) = match s.object_lock {
        Some(true) => (
            "Object Lock is on: versions under retention or a legal hold cannot be deleted;",
            "B2 refuses them, and the report names each with its date.",
        ),
        Some(false) => (
            "Object Lock is off in this bucket: everything counted can be deleted.",
            "",
        ),
        None => (
            "Object Lock state unknown (the key cannot read bucket settings): locked",
            "versions, if any, are refused and reported.",
        ),
    };
    lines.push(Line::from(lock));
    if !lock_more.is_empty() {
        lines.push(Line::from(lock_more));
    }
    lines.push(Line::from(Span::styled(
        "Nothing can be recovered afterwards: no older versions are kept.",
        t.error,
    )));
    lines.push(Line::default());
    let mut cursor = None;
    if d.counted && s.total() == 0 {
        lines.push(Line::from("Nothing to delete: it is already empty."));
    } else if d.is_bucket() {
        let prompt = format!(
            "Type the bucket name ({}) to confirm: ",
            sanitize(&d.bucket.name)
        );
        cursor = Some((
            lines.len(),
            prompt.chars().count() + d.typed.visual_cursor(),
        ));
        lines.push(Line::from(vec![
            Span::raw(prompt),
            Span::styled(sanitize(d.typed.value()).into_owned(), t.selected),
        ]));
        lines.push(Line::from(Span::styled(
            "Afterwards, D in the buckets pane deletes the empty bucket.",
            t.footer_desc,
        )));
    } else {
        lines.push(Line::from("Enter deletes, Esc cancels."));
    }
    let keys = if d.can_confirm() {
        " ⏎ delete for good  Esc cancel "
    } else {
        " Esc cancel "
    };
    let title = if d.is_bucket() {
        " Empty bucket "
    } else {
        " Delete folder with all versions "
    };
    let block = block_with_keys(title, keys, t.title, t.error_border);
    let area = frame.area();
    let width = 92.min(area.width);
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    show_lines(frame, width, lines, block);
    if let Some((row, col)) = cursor {
        // The dialog is centred; its inner area starts one cell in.
        let x = area.x + area.width.saturating_sub(width) / 2 + 2;
        let y = area.y + area.height.saturating_sub(height) / 2 + 1;
        let col = u16::try_from(col).unwrap_or(0);
        let row = u16::try_from(row).unwrap_or(0);
        frame.set_cursor_position(Position::new(x + col, y + row));
    }
}
