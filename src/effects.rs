//! The effects the event loop performs besides worker commands: the clipboard, through
//! OSC 52 (the terminal copies; works over SSH and inside tmux with `set-clipboard`), and
//! editing text in `$EDITOR` with the terminal suspended.

use std::io::{self, Write};
use std::path::PathBuf;

use base64::Engine as _;

use crate::app::Edited;
use crate::terminal;

/// The OSC 52 sequence that puts `text` on the system clipboard.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// Puts `text` on the terminal's clipboard. Failures are silent: the text is still on
/// screen.
pub fn copy_to_clipboard(text: &str) {
    let mut out = io::stdout();
    let _ = out.write_all(osc52(text).as_bytes());
    let _ = out.flush();
}

/// `$VISUAL`, else `$EDITOR`, when set and not blank.
pub fn editor_command() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
}

/// Leaves the alternate screen and raw mode, runs the editor on a temp file holding
/// `text`, restores the terminal and reports the edited text. The caller must not be
/// reading terminal events meanwhile (the editor owns the keyboard).
pub fn edit_in_editor(text: &str) -> Edited {
    match editor_command() {
        None => Edited::NoEditor {
            text: text.to_owned(),
        },
        Some(editor) => match run_editor(&editor, text) {
            Ok(Some(text)) => Edited::Text(text),
            Ok(None) | Err(_) => Edited::Failed,
        },
    }
}

/// Leaves the alternate screen and raw mode, runs `$VISUAL`/`$EDITOR` on the file at
/// `path` and restores the terminal. True when the editor exited with success (false too
/// when no editor is set).
pub fn edit_file_in_editor(path: &std::path::Path) -> bool {
    let Some(editor) = editor_command() else {
        return false;
    };
    if terminal::restore().is_err() {
        return false;
    }
    let ok = run_editor_on(&editor, path);
    let back = terminal::reenter();
    ok && back.is_ok()
}

/// Runs `editor` (a shell command line, so `EDITOR="code -w"` works) on `path`, which is
/// passed as an argument, never parsed; true when it exited with success.
pub fn run_editor_on(editor: &str, path: &std::path::Path) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

fn temp_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("b2tui-{}-{nanos}.json", std::process::id()))
}

/// The edited text; None when the editor exited with an error.
fn run_editor(editor: &str, text: &str) -> io::Result<Option<String>> {
    let path = temp_path();
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        f.write_all(text.as_bytes())?;
        f.write_all(b"\n")?;
    }
    terminal::restore()?;
    // Through the shell, so `EDITOR="code -w"` works; the path is an argument, never parsed.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    terminal::reenter()?;
    let edited = match status {
        Ok(s) if s.success() => Some(std::fs::read_to_string(&path)?),
        _ => None,
    };
    let _ = std::fs::remove_file(&path);
    Ok(edited)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
