//! The one retry loop of the crate: [`run`] tries a call under a [`RetryPolicy`]
//! (exponential backoff with jitter, `Retry-After`, bounded attempts and total time).
//! What each error calls for is decided by `error.rs` and the kind of [`Call`]. Whoever
//! wants to see the waits (the transfer engine, for a job's row) runs its work under
//! [`observed`]; every retry inside that task is then told to it as a [`Retrying`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

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
    /// The same policy with at least `attempts` tries (data transfers see more transient
    /// failures than JSON calls).
    pub fn with_attempts_at_least(&self, attempts: u32) -> Self {
        Self {
            max_attempts: self.max_attempts.max(attempts),
            ..self.clone()
        }
    }

    /// The wait before try number `attempt + 1` (attempt counts from 1), or `None` when the
    /// error is final or the budget is spent.
    pub fn next_delay(&self, attempt: u32, started: Instant, err: &B2Error) -> Option<Duration> {
        self.delay(err.is_retryable(), attempt, started, err)
    }

    fn delay(
        &self,
        retryable: bool,
        attempt: u32,
        started: Instant,
        err: &B2Error,
    ) -> Option<Duration> {
        if !retryable || attempt >= self.max_attempts {
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

/// Authorizing again after a 401 `expired_auth_token`/`bad_auth_token` (the client).
pub trait Reauthorize: Sync {
    /// The token the next try will use.
    fn current_token(&self) -> String;
    /// Authorizes again, unless that already happened since `stale` was issued.
    fn reauthorize<'a>(&'a self, stale: &'a str) -> BoxFuture<'a, Result<(), B2Error>>;
}

/// What kind of call is retried; it decides what a failure calls for besides a wait.
#[derive(Clone, Copy)]
pub enum Call<'a> {
    /// A call without a token to renew (`b2_authorize_account`).
    Plain,
    /// A call with the account token: an expired or bad token re-authorizes once, at once.
    Api(&'a dyn Reauthorize),
    /// `b2_upload_file` / `b2_upload_part`: every try takes a fresh upload URL (the closure
    /// drops the URL of a failed try), and failures that need only that (401,
    /// `auth_token_limit`) are tried again at once.
    Upload,
    /// A download body that broke: retryable failures and bodies cut short are tried again
    /// (the closure resumes from the last byte it kept).
    Resume,
}

/// How a try failed: worth another try as `Call` and the policy say, or final.
#[derive(Debug)]
pub enum Failure<E> {
    /// Classified by [`run`] (`B2Error::is_retryable` and friends).
    Retry(B2Error),
    /// Ends [`run`] at once (local I/O, or a call that already retried on its own).
    Stop(E),
}

impl<E> From<B2Error> for Failure<E> {
    fn from(e: B2Error) -> Self {
        Self::Retry(e)
    }
}

impl<E> From<reqwest::Error> for Failure<E> {
    fn from(e: reqwest::Error) -> Self {
        Self::Retry(e.into())
    }
}

impl<E> Failure<E> {
    /// A final failure, converted into the caller's error type.
    pub fn stop(e: impl Into<E>) -> Self {
        Self::Stop(e.into())
    }
}

/// A retry about to wait, as [`run`] tells it to the observer of its task.
#[derive(Debug)]
pub struct Retrying<'a> {
    /// The try that comes after the wait (2 for the first retry).
    pub attempt: u32,
    /// The policy's tries in all, the first included.
    pub max_attempts: u32,
    /// Why the last try failed.
    pub error: &'a B2Error,
    /// The wait before the next try (zero when it goes at once, e.g. on a fresh upload URL).
    pub delay: Duration,
}

/// Told about every retry of the task it observes.
pub type RetryObserver = Arc<dyn Fn(&Retrying<'_>) + Send + Sync>;

tokio::task_local! {
    static OBSERVER: RetryObserver;
}

/// Runs `work` with every retry [`run`] makes inside it (in this task, nested calls
/// included) told to `observer` before its wait. Calls made elsewhere are not observed.
pub async fn observed<F: Future>(observer: RetryObserver, work: F) -> F::Output {
    OBSERVER.scope(observer, work).await
}

fn tell(retrying: &Retrying<'_>) {
    // Outside `observed` there is nobody to tell.
    let _ = OBSERVER.try_with(|observer| observer(retrying));
}

/// Runs `op(attempt)` (attempt counts from 1) until it succeeds, fails with
/// [`Failure::Stop`], or the policy gives up, waiting between tries as the error and
/// `call` ask. This is the only retry loop: the client, uploads and downloads use it.
/// Each wait is told to the task's observer, if any (see [`observed`]).
pub async fn run<T, E, Op, Fut>(policy: &RetryPolicy, call: Call<'_>, mut op: Op) -> Result<T, E>
where
    E: From<B2Error>,
    Op: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure<E>>>,
{
    let started = Instant::now();
    let mut attempt = 1;
    let mut reauthorized = false;
    loop {
        let token = match call {
            Call::Api(auth) => Some(auth.current_token()),
            _ => None,
        };
        let err = match op(attempt).await {
            Ok(v) => return Ok(v),
            Err(Failure::Stop(e)) => return Err(e),
            Err(Failure::Retry(e)) => e,
        };
        if let (Call::Api(auth), Some(stale)) = (call, &token)
            && err.is_expired_auth()
            && !reauthorized
        {
            reauthorized = true;
            auth.reauthorize(stale).await?;
            continue;
        }
        match wait_before_next(policy, call, attempt, started, &err) {
            Some(d) => {
                tell(&Retrying {
                    attempt: attempt + 1,
                    max_attempts: policy.max_attempts,
                    error: &err,
                    delay: d,
                });
                if !d.is_zero() {
                    tokio::time::sleep(d).await;
                }
                attempt += 1;
            }
            None => return Err(err.into()),
        }
    }
}

/// The wait before the try after `attempt`, or `None` to give up.
fn wait_before_next(
    policy: &RetryPolicy,
    call: Call<'_>,
    attempt: u32,
    started: Instant,
    err: &B2Error,
) -> Option<Duration> {
    match call {
        Call::Upload if err.needs_new_upload_url() && !err.is_retryable() => {
            (attempt < policy.max_attempts).then_some(Duration::ZERO)
        }
        Call::Resume => policy.delay(err.is_resumable(), attempt, started, err),
        _ => policy.next_delay(attempt, started, err),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn api(status: u16, retry_after: Option<Duration>) -> B2Error {
        B2Error::Api {
            status,
            code: "x".into(),
            message: String::new(),
            retry_after,
            call: None,
        }
    }

    fn many(n: usize, e: impl Fn() -> B2Error) -> Vec<B2Error> {
        (0..n).map(|_| e()).collect()
    }

    fn fast(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
            max_elapsed: Duration::from_secs(5),
        }
    }

    /// Runs `op` with errors from `errors` (then success), returning the result and tries.
    async fn tries(
        policy: &RetryPolicy,
        call: Call<'_>,
        errors: Vec<B2Error>,
    ) -> (Result<u32, B2Error>, u32) {
        let errors = Mutex::new(errors.into_iter());
        let count = AtomicU32::new(0);
        let (errors, count_ref) = (&errors, &count);
        let r = run(policy, call, move |attempt| async move {
            count_ref.fetch_add(1, Ordering::Relaxed);
            let next = errors.lock().expect("lock").next();
            match next {
                Some(e) => Err(Failure::Retry(e)),
                None => Ok(attempt),
            }
        })
        .await;
        (r, count.load(Ordering::Relaxed))
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

    #[tokio::test]
    async fn run_waits_as_retry_after_says() {
        let p = fast(5);
        let started = Instant::now();
        let (r, n) = tries(
            &p,
            Call::Plain,
            vec![api(429, Some(Duration::from_millis(300)))],
        )
        .await;
        assert_eq!(r.expect("second try works"), 2);
        assert_eq!(n, 2);
        assert!(started.elapsed() >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn run_bounds_attempts_and_time() {
        let (r, n) = tries(&fast(3), Call::Plain, many(10, || api(503, None))).await;
        assert_eq!(r.expect_err("gives up").status(), Some(503));
        assert_eq!(n, 3, "three tries, no more");

        let p = RetryPolicy {
            max_elapsed: Duration::from_millis(200),
            ..fast(100)
        };
        let started = Instant::now();
        let (r, n) = tries(
            &p,
            Call::Plain,
            many(100, || api(503, Some(Duration::from_millis(80)))),
        )
        .await;
        assert!(r.is_err());
        assert!(n <= 3, "{n} tries within 200 ms of 80 ms waits");
        assert!(started.elapsed() < Duration::from_millis(400));

        let (r, n) = tries(&fast(5), Call::Plain, vec![api(400, None)]).await;
        assert!(r.is_err());
        assert_eq!(n, 1, "a final error is not tried again");
    }

    #[tokio::test]
    async fn run_stops_at_once_on_a_final_failure() {
        let count = AtomicU32::new(0);
        let count_ref = &count;
        let r: Result<(), B2Error> = run(&fast(5), Call::Plain, move |_| async move {
            count_ref.fetch_add(1, Ordering::Relaxed);
            Err(Failure::stop(B2Error::Http("already retried".into())))
        })
        .await;
        assert!(r.is_err());
        assert_eq!(count.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn observers_see_each_wait_of_their_own_task() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let observer: RetryObserver = Arc::new(move |r: &Retrying<'_>| {
            let status = r.error.status();
            sink.lock()
                .expect("lock")
                .push((r.attempt, r.max_attempts, status, r.delay));
        });
        let after = Duration::from_millis(30);
        let errors = vec![api(503, None), api(429, Some(after))];
        let (r, n) = observed(observer, tries(&fast(4), Call::Plain, errors)).await;
        assert_eq!(r.expect("third try works"), 3);
        assert_eq!(n, 3);
        let seen = seen.lock().expect("lock").clone();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!((seen[0].0, seen[0].1, seen[0].2), (2, 4, Some(503)));
        assert!(seen[0].3 <= Duration::from_millis(1), "{seen:?}");
        assert_eq!(seen[1], (3, 4, Some(429), after), "Retry-After is the wait");

        // Unobserved work retries the same, telling nobody.
        let (r, _) = tries(&fast(4), Call::Plain, vec![api(503, None)]).await;
        assert!(r.is_ok());
    }

    struct FakeAuth {
        token: Mutex<String>,
        renewals: AtomicU32,
    }

    impl Reauthorize for FakeAuth {
        fn current_token(&self) -> String {
            self.token.lock().expect("lock").clone()
        }
        fn reauthorize<'a>(&'a self, stale: &'a str) -> BoxFuture<'a, Result<(), B2Error>> {
            Box::pin(async move {
                let mut token = self.token.lock().expect("lock");
                if *token == stale {
                    self.renewals.fetch_add(1, Ordering::Relaxed);
                    *token = format!("{stale}+");
                }
                Ok(())
            })
        }
    }

    #[tokio::test]
    async fn run_reauthorizes_once_per_call() {
        let auth = FakeAuth {
            token: Mutex::new("t".into()),
            renewals: AtomicU32::new(0),
        };
        let expired = || B2Error::from_response(401, br#"{"code":"expired_auth_token"}"#, None);
        let (r, n) = tries(&fast(5), Call::Api(&auth), vec![expired()]).await;
        assert_eq!(r.expect("works after one re-authorization"), 1);
        assert_eq!(n, 2);
        assert_eq!(auth.renewals.load(Ordering::Relaxed), 1);

        let (r, n) = tries(&fast(5), Call::Api(&auth), vec![expired(), expired()]).await;
        assert!(r.expect_err("second expiry is final").is_expired_auth());
        assert_eq!(n, 2, "one re-authorization per call");
        assert_eq!(auth.renewals.load(Ordering::Relaxed), 2);

        let (r, _) = tries(&fast(5), Call::Plain, vec![expired()]).await;
        assert!(r.is_err(), "only API calls re-authorize");
    }

    #[tokio::test]
    async fn uploads_retry_url_failures_at_once_and_resumes_retry_cut_bodies() {
        let unauthorized = || B2Error::from_response(401, br#"{"code":"unauthorized"}"#, None);
        let p = RetryPolicy {
            initial_backoff: Duration::from_secs(10),
            ..fast(3)
        };
        let started = Instant::now();
        let (r, n) = tries(&p, Call::Upload, vec![unauthorized(), unauthorized()]).await;
        assert_eq!(r.expect("third URL works"), 3);
        assert_eq!(n, 3);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "no backoff wait"
        );
        let (r, _) = tries(&p, Call::Upload, many(3, unauthorized)).await;
        assert!(r.is_err(), "still bounded by attempts");
        let (r, _) = tries(&p, Call::Plain, vec![unauthorized()]).await;
        assert!(r.is_err(), "a JSON call does not retry 401");

        let cut = || B2Error::Decode("body cut short".into());
        let (r, n) = tries(&fast(3), Call::Resume, vec![cut(), cut()]).await;
        assert_eq!(r.expect("resumed"), 3);
        assert_eq!(n, 3);
        let (r, _) = tries(&fast(3), Call::Plain, vec![cut()]).await;
        assert!(r.is_err(), "a garbled JSON answer is final");
    }
}
