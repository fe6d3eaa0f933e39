//! Effects the event loop performs for `App` besides worker commands: today the clipboard,
//! through OSC 52 (the terminal copies; works over SSH and inside tmux with `set-clipboard`).

use std::io::{self, Write};

use base64::Engine as _;

use crate::app::settings::Effect;

/// The OSC 52 sequence that puts `text` on the system clipboard.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// Performs one effect on `out` (the terminal).
pub fn perform(effect: &Effect, out: &mut impl Write) -> io::Result<()> {
    match effect {
        Effect::CopyToClipboard(text) => {
            out.write_all(osc52(text).as_bytes())?;
            out.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
