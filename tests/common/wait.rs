//! Waiting in tests: poll for the awaited condition under a deadline, never sleep a fixed
//! time and hope. Also included by `tests/served/` (by path).

use std::future::Future;
use std::time::{Duration, Instant};

/// How long to pause between two checks of a condition.
const POLL: Duration = Duration::from_millis(10);

/// Checks `probe` until it yields a value, and returns it; fails the test, naming `what`,
/// once `within` has passed.
pub fn until<T>(within: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        std::thread::sleep(POLL);
    }
}

/// [`until`] for a probe that awaits (an HTTP call, say).
pub async fn until_async<T, F>(within: Duration, what: &str, mut probe: impl FnMut() -> F) -> T
where
    F: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}
