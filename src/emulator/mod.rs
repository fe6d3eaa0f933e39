//! Local B2 server ("emulator"): a B2-compatible native API on axum, backed by `store`.
//! `Emulator::open` + `serve` run it; `spawn` starts one in the background (tests, `serve`).
//! Knows nothing of the terminal UI.

mod auth;
mod blobs;
mod body;
mod clock;
mod conn;
mod error;
mod events;
mod faults;
mod handlers;
mod http_errors;
mod ids;
mod lifecycle;
pub mod master_key;
mod names;
mod replication;
mod s3;
pub mod seed;
mod sse;
mod store;

use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::any;

pub use conn::HttpLimits;
pub use error::{ApiError, EmulatorError};
pub use store::Store;

use clock::Clock;
use faults::FaultState;
use store::Db;

/// How to run the emulator.
#[derive(Debug, Clone)]
pub struct Config {
    pub master_key_id: String,
    pub master_key: String,
    /// None = SQLite `:memory:` and blobs in a temp dir removed on drop.
    pub data_dir: Option<PathBuf>,
    /// Lifetime of account authorization and upload tokens.
    pub token_lifetime: Duration,
    pub recommended_part_size: u64,
    pub absolute_minimum_part_size: u64,
    pub faults: Faults,
    /// First wait before a failed webhook delivery is retried (doubling per failure).
    pub event_retry_base: Duration,
    /// How often queued Cloud Replication copies are made in the background; None: only
    /// by the admin call `deliver_replication` (tests).
    pub replication_interval: Option<Duration>,
    /// Timeouts and bounds of the HTTP layer.
    pub http: HttpLimits,
    /// Host name of the S3-compatible API for virtual-hosted requests (`BUCKET.HOST`), also
    /// reported as `s3ApiUrl`; None: path style on the address the client used.
    pub s3_host: Option<String>,
}

impl Default for Config {
    /// A random master key (id of 24 hex digits starting `0012`, 31-character secret).
    fn default() -> Config {
        Config {
            master_key_id: format!("0012{}", ids::random_hex(10)),
            master_key: format!("K001{}", ids::random_secret(27)),
            data_dir: None,
            token_lifetime: Duration::from_secs(24 * 3600),
            recommended_part_size: 100_000_000,
            absolute_minimum_part_size: 5_000_000,
            faults: Faults::default(),
            event_retry_base: Duration::from_secs(5),
            replication_interval: Some(replication::TICK),
            http: HttpLimits::default(),
            s3_host: None,
        }
    }
}

/// Random failures injected on every B2 call, for retry testing.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Probability (0..1) of a 429 `too_many_requests`.
    pub rate_429: f64,
    /// `Retry-After` seconds sent with injected 429s.
    pub retry_after_secs: u64,
    /// Probability (0..1) of a 503 `service_unavailable`.
    pub rate_503: f64,
}

/// Shared server state.
pub(crate) struct State {
    store: Store,
    clock: Clock,
    config: Config,
    faults: FaultState,
    /// Upload tokens with an upload in progress (one at a time per token).
    uploads_in_flight: Mutex<HashSet<String>>,
    /// Webhook delivery of event notifications.
    events: events::delivery::Delivery,
}

impl State {
    /// Runs `f` on a blocking thread inside one store transaction, with the current time.
    async fn db<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db, i64) -> Result<T, ApiError> + Send + 'static,
    {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let now = state.clock.now_ms();
            state.store.with(|db| f(db, now))
        })
        .await
        .map_err(|err| ApiError::internal(format!("store task failed: {err}")))?
    }

    fn token_expiry(&self, now: i64) -> i64 {
        let lifetime = i64::try_from(self.config.token_lifetime.as_millis()).unwrap_or(i64::MAX);
        now.saturating_add(lifetime)
    }
}

/// An emulator with its store open, ready to serve.
pub struct Emulator {
    state: Arc<State>,
}

impl Emulator {
    /// Opens or creates the store described by `config`.
    pub fn open(config: Config) -> Result<Emulator, EmulatorError> {
        let store = Store::open(
            config.data_dir.as_ref(),
            &config.master_key_id,
            &config.master_key,
        )?;
        let events = events::delivery::Delivery::new(config.event_retry_base)?;
        let state = State {
            store,
            events,
            clock: Clock::default(),
            faults: FaultState::new(config.faults.clone()),
            config,
            uploads_in_flight: Mutex::new(HashSet::new()),
        };
        Ok(Emulator {
            state: Arc::new(state),
        })
    }

    /// The store, for seeding.
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    pub fn router(&self) -> Router {
        let state = Arc::clone(&self.state);
        Router::new()
            .route("/b2api/{version}/{endpoint}", any(handlers::api))
            .route(
                "/b2api/{version}/b2_upload_file/{bucket_id}/{n}",
                any(handlers::upload::upload_file),
            )
            .route(
                "/b2api/{version}/b2_upload_part/{file_id}/{n}",
                any(handlers::large::upload_part),
            )
            .route("/file/{*path}", any(handlers::download::by_name))
            .route("/b2tui-admin/v1/{op}", any(handlers::admin::admin))
            .fallback(handlers::unknown)
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&state),
                s3::layer,
            ))
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&state),
                fault_layer,
            ))
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&state),
                body_layer,
            ))
            .with_state(state)
    }

    /// Serves on `listener` until `shutdown` completes, with the background tasks
    /// (event delivery, hourly lifecycle pass) running alongside.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let mut tasks = vec![
            tokio::spawn(events::delivery::run(Arc::clone(&self.state))),
            tokio::spawn(lifecycle::run_hourly(Arc::clone(&self.state))),
        ];
        if let Some(every) = self.state.config.replication_interval {
            tasks.push(tokio::spawn(replication::run(
                Arc::clone(&self.state),
                every,
            )));
        }
        let _background = Background(tasks);
        let limits = self.state.config.http.clone();
        conn::serve(listener, self.router(), limits, shutdown).await
    }
}

/// Background tasks of a serving emulator, stopped when serving ends or is dropped.
struct Background(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Background {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// The request body's idle timeout and the drain of unread bodies ([`body::layer`]).
async fn body_layer(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    body::layer(state.config.http.body_timeout, request, next).await
}

/// Counts every B2 call and injects the armed or random faults before the handler runs.
async fn fault_layer(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(endpoint) = handlers::endpoint_of(request.uri().path(), request.uri().query()) else {
        return next.run(request).await;
    };
    let test_mode = request
        .headers()
        .get("x-bz-test-mode")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let err = match state.faults.on_call(&endpoint, test_mode.as_deref()) {
        None => return next.run(request).await,
        Some(faults::Injected::Cut(limit)) => {
            let response = next.run(request).await;
            if !response.status().is_success() {
                return response;
            }
            return cut_body(response, limit);
        }
        Some(faults::Injected::Fail(err)) => err,
    };
    if faults::is_upload(&endpoint) {
        // Read the upload body first so the client sees the error, not a reset.
        let _ = axum::body::to_bytes(request.into_body(), 64 * 1024 * 1024).await;
    }
    err.into_response()
}

/// Sends the response head and at most `limit` bytes of its body, then fails the body so
/// the connection drops mid-transfer (a download cut short, for resume testing).
fn cut_body(response: Response, limit: u64) -> Response {
    let (parts, body) = response.into_parts();
    let stream = body.into_data_stream();
    let cut = futures::stream::unfold(
        (stream, limit, false),
        |(mut stream, left, done)| async move {
            if done {
                return None;
            }
            if left == 0 {
                // Give the server time to flush the bytes sent so far: the error drops
                // the connection at once, with whatever is still buffered.
                tokio::time::sleep(Duration::from_millis(100)).await;
                let err = std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "download cut by fail_next cutAfterBytes",
                );
                return Some((Err(err), (stream, 0, true)));
            }
            match futures::StreamExt::next(&mut stream).await {
                Some(Ok(mut chunk)) => {
                    let take = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
                    let piece = chunk.split_to(take);
                    Some((Ok(piece), (stream, left - take as u64, false)))
                }
                Some(Err(err)) => Some((Err(std::io::Error::other(err)), (stream, 0, true))),
                None => None,
            }
        },
    );
    Response::from_parts(parts, axum::body::Body::from_stream(cut))
}

/// A running background emulator.
pub struct RunningEmulator {
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    pub master_key_id: String,
    pub master_key: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl RunningEmulator {
    /// Stops serving gracefully and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Binds `addr` (e.g. "127.0.0.1:0"), serves in a background tokio task, returns at once.
pub async fn spawn(config: Config, addr: &str) -> Result<RunningEmulator, EmulatorError> {
    spawn_with(config, addr, Seeding::None).await
}

/// As [`spawn`], with the demo data seeded first (unless the store already holds it).
pub async fn spawn_seeded(config: Config, addr: &str) -> Result<RunningEmulator, EmulatorError> {
    spawn_with(config, addr, Seeding::First).await
}

/// As [`spawn_seeded`], but only the demo's small files are in place when it returns: the
/// large file and the 50,000 logs go in on a thread while it serves (the demo starts at
/// once). For a throwaway store: one stopped half-way stays half-seeded.
pub async fn spawn_demo(config: Config, addr: &str) -> Result<RunningEmulator, EmulatorError> {
    spawn_with(config, addr, Seeding::InBackground).await
}

/// When a spawned emulator seeds the demo data.
#[derive(Clone, Copy, PartialEq)]
enum Seeding {
    None,
    First,
    InBackground,
}

async fn spawn_with(
    config: Config,
    addr: &str,
    seeding: Seeding,
) -> Result<RunningEmulator, EmulatorError> {
    let master_key_id = config.master_key_id.clone();
    let master_key = config.master_key.clone();
    let emulator = Emulator::open(config)?;
    match seeding {
        Seeding::None => {}
        Seeding::First => seed::demo(emulator.store())?,
        Seeding::InBackground => {
            if seed::demo_first(emulator.store())? {
                let state = Arc::clone(&emulator.state);
                // Nothing waits for it: a failure leaves the demo without its big folder.
                let _ = std::thread::Builder::new()
                    .name("demo-seed".to_owned())
                    .spawn(move || seed::demo_rest(&state.store));
            }
        }
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(emulator.serve(listener, async move {
        let _ = rx.await;
    }));
    Ok(RunningEmulator {
        url: format!("http://{local}"),
        master_key_id,
        master_key,
        shutdown: Some(tx),
        task: Some(task),
    })
}
