//! The server clock: real time plus an offset that the admin endpoint
//! `advance_clock` moves forward. Every timestamp the emulator hands out comes from here.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The latest time the clock may show: 9999-12-31T23:59:59.999Z (B2 timestamps, and the
/// dates clients print, have four-digit years).
pub const LATEST_MS: i64 = 253_402_300_799_999;

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

/// The real time, in milliseconds since the epoch (no `advance_clock` offset): for what
/// happens before a server runs (opening a store) or outside the server's time (webhook
/// signatures).
pub fn real_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Clock {
    /// Milliseconds since the epoch, as B2 timestamps are.
    pub fn now_ms(&self) -> i64 {
        real_ms().saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves the clock `seconds` forward, unless that would pass [`LATEST_MS`]; then the
    /// clock stays and the answer is the most seconds it could still move.
    pub fn advance_secs(&self, seconds: i64) -> Result<(), i64> {
        let real = real_ms();
        self.offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                let moved = offset.checked_add(seconds.checked_mul(1000)?)?;
                (real.checked_add(moved)? <= LATEST_MS).then_some(moved)
            })
            .map(|_| ())
            .map_err(|offset| (LATEST_MS - real.saturating_add(offset)).max(0) / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_forward() {
        let clock = Clock::default();
        let before = clock.now_ms();
        assert!(clock.advance_secs(3600).is_ok());
        assert!(clock.now_ms() >= before + 3_600_000);
        let left = clock.advance_secs(i64::MAX).expect_err("past year 9999");
        assert!(clock.advance_secs(left + 2).is_err());
        assert!(clock.advance_secs(left - 1).is_ok());
        assert!(clock.now_ms() <= LATEST_MS);
    }
}
