//! Drawing the version details dialog: every field of one version, `file_info` last; a large
//! file's SHA-1 comes from `large_file_sha1`. Drawing only; the state is `app/versions/info.rs`.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::versions::info::InfoModal;
use crate::b2::FileVersion;
use crate::ui::format::{sanitize, size, time};
use crate::ui::widgets::dialog::{block_with_keys, show_lines};

/// Draws the dialog.
pub fn render(app: &App, i: &InfoModal, frame: &mut Frame) {
    let t = &app.theme;
    let v = &i.version;
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map_or("—".to_owned(), |x| sanitize(x).into_owned())
    };
    let mut rows = vec![
        ("name", sanitize(&v.file_name).into_owned()),
        (
            "file id",
            v.file_id.as_ref().map_or("—".to_owned(), |x| x.0.clone()),
        ),
        ("action", format!("{:?}", v.action).to_lowercase()),
        (
            "size",
            format!("{} ({} bytes)", size(v.content_length), v.content_length),
        ),
        ("uploaded", format!("{} UTC", time(v.upload_timestamp))),
        ("SHA-1", sha1(v)),
        ("MD5", opt(&v.content_md5)),
        ("type", opt(&v.content_type)),
    ];
    if let Some(status) = v.replication_status {
        rows.push(("replicated", status.describe().to_owned()));
    }
    let infos: Vec<(String, String)> = v
        .file_info
        .iter()
        .map(|(k, val)| (format!("info {}", sanitize(k)), info_value(k, val)))
        .collect();
    let mut lines: Vec<Line> = rows
        .drain(..)
        .map(|(k, val)| {
            Line::from(vec![
                Span::styled(format!("{k:<10} "), t.footer_key),
                Span::raw(val),
            ])
        })
        .collect();
    lines.extend(infos.into_iter().map(|(k, val)| {
        Line::from(vec![
            Span::styled(format!("{k:<10} "), t.footer_key),
            Span::raw(val),
        ])
    }));
    let block = block_with_keys(
        format!(" {} ", i.title),
        " Esc close ",
        t.title,
        t.modal_border,
    );
    show_lines(frame, 96, lines, block);
}

/// The SHA-1 of the whole file: `contentSha1`, else for a large file (whose `contentSha1` is
/// `none`: b2_finish_large_file has no whole-file hash) the `large_file_sha1` file info the
/// uploader set, marked as such.
fn sha1(v: &FileVersion) -> String {
    let content = v.content_sha1.as_deref().filter(|s| *s != "none");
    match (content, v.file_info.get("large_file_sha1")) {
        (Some(s), _) => sanitize(s).into_owned(),
        (None, Some(large)) => format!("{} (large_file_sha1)", sanitize(large)),
        (None, None) => v
            .content_sha1
            .as_deref()
            .map_or("—".to_owned(), |s| sanitize(s).into_owned()),
    }
}

/// A file info value; `src_last_modified_millis` as a UTC date like "uploaded", kept raw
/// when it is no number of milliseconds in range.
fn info_value(key: &str, val: &str) -> String {
    if key == "src_last_modified_millis"
        && let Some(date) = val.parse::<i64>().ok().map(time).filter(|d| !d.is_empty())
    {
        return format!("{date} UTC");
    }
    sanitize(val).into_owned()
}
