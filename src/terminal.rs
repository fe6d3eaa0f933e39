//! The terminal itself: raw mode and the alternate screen, entered once and restored on
//! every exit path (drop, error, panic). Nothing here knows the app.

use std::io::{self, Stdout};

use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal type the loop draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped, so every exit path (error, `?`) leaves it usable.
pub struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// Enters raw mode and the alternate screen, and installs a panic hook that restores the
/// terminal before the panic message is printed.
pub fn init() -> io::Result<(Tui, TerminalGuard)> {
    install_panic_hook();
    terminal::enable_raw_mode()?;
    let guard = TerminalGuard;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)?;
    let term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((term, guard))
}

/// Leaves the alternate screen and raw mode. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    let leave = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
    terminal::disable_raw_mode()?;
    leave
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        previous(info);
    }));
}

/// Enters raw mode and the alternate screen again after [`restore`] (after `$EDITOR`).
pub fn reenter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)
}
