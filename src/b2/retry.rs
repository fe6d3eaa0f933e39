//! Retry policy: exponential backoff with jitter, honouring `Retry-After`, bounded both in
//! attempts and in total time. The classification of errors lives in `error.rs`.

use std::time::{Duration, Instant};

use super::error::B2Error;

/// How hard a call is retried.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Total tries, the first included.
    pub max_attempts: u32,
    /// Wait before the second try.
    pub initial_backoff: Duration,
    /// No single wait is longer than this (a longer `Retry-After` is still honoured, up to
    /// `max_elapsed`).
    pub max_backoff: Duration,
    /// No retry starts after this much time has passed since the first try.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The wait before try number `attempt + 1` (attempt counts from 1), or `None` when the
    /// error is final or the budget is spent.
    pub fn next_delay(&self, attempt: u32, started: Instant, err: &B2Error) -> Option<Duration> {
        if !err.is_retryable() || attempt >= self.max_attempts {
            return None;
        }
        let delay = match err.retry_after() {
            Some(after) => after,
            None => self.backoff(attempt),
        };
        if started.elapsed() + delay > self.max_elapsed {
            return None;
        }
        Some(delay)
    }

    /// Exponential backoff (×2 per try) capped at `max_backoff`, with full jitter in the
    /// upper half so that parallel clients spread out.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_backoff);
        let half = exp / 2;
        let jitter = half.mul_f64(rand::random::<f64>());
        half + jitter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, retry_after: Option<Duration>) -> B2Error {
        B2Error::Api {
            status,
            code: "x".into(),
            message: String::new(),
            retry_after,
        }
    }

    #[test]
    fn backs_off_within_bounds() {
        let p = RetryPolicy::default();
        for attempt in 1..10 {
            let d = p.backoff(attempt);
            assert!(d <= p.max_backoff, "{d:?}");
            let full = p.initial_backoff * 2u32.pow(attempt - 1);
            assert!(d >= full.min(p.max_backoff) / 2);
        }
    }

    #[test]
    fn honours_retry_after_and_limits() {
        let p = RetryPolicy::default();
        let now = Instant::now();
        let e = api(429, Some(Duration::from_secs(7)));
        assert_eq!(p.next_delay(1, now, &e), Some(Duration::from_secs(7)));
        assert_eq!(p.next_delay(5, now, &e), None, "attempts are bounded");
        assert_eq!(p.next_delay(1, now, &api(400, None)), None, "400 is final");
        let long = api(503, Some(Duration::from_secs(1000)));
        assert_eq!(p.next_delay(1, now, &long), None, "total time is bounded");
    }
}
