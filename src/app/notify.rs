//! Status-line notifications: transient messages that clear on the next key or after a
//! timeout counted from `Tick` times (the app never reads the clock itself).

use std::time::{Duration, Instant};

/// How long a notification stays without a key press.
pub const NOTIFICATION_TTL: Duration = Duration::from_secs(5);

/// How serious a notification is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A message in the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub level: Level,
    pub text: String,
    /// Time of the first tick that saw it; the timeout counts from there.
    pub shown_at: Option<Instant>,
}

impl Notification {
    /// A new notification, not yet timed.
    pub fn new(level: Level, text: impl Into<String>) -> Self {
        Self {
            level,
            text: text.into(),
            shown_at: None,
        }
    }

    /// Records the first tick; returns true once the notification has expired.
    pub fn is_expired(&mut self, now: Instant) -> bool {
        let shown = *self.shown_at.get_or_insert(now);
        now.saturating_duration_since(shown) >= NOTIFICATION_TTL
    }
}
