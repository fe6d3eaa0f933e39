//! Request bodies of the local B2. Every body read times out when the client sends nothing
//! for `body_timeout` (the answer is then 408 `request_timeout` and the connection closes;
//! whatever the call held, such as a busy upload URL, is freed as its handler returns). A
//! body that an answer left unread (an upload refused before its bytes were read) is read
//! and discarded up to a bound, so the client's next request on that connection works;
//! past the bound the answer says `Connection: close`.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Body as _;
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::emulator::error::ApiError;

/// Most bytes of an unread body discarded to keep the connection open.
const DRAIN_MAX_BYTES: u64 = 1024 * 1024;
/// Longest wait for those bytes.
const DRAIN_MAX_TIME: Duration = Duration::from_secs(2);

/// The error a body read gets when the client stalls.
#[derive(Debug, thiserror::Error)]
#[error("no request body bytes for {0:?}")]
pub struct BodyTimeout(Duration);

/// The request body and its idle timer, shared by the handler's view and the layer.
struct Inner {
    body: Body,
    timer: Pin<Box<Sleep>>,
    armed: bool,
}

struct Shared {
    inner: Mutex<Option<Inner>>,
    timeout: Duration,
    timed_out: AtomicBool,
    ended: AtomicBool,
    polled: AtomicBool,
    read: AtomicU64,
}

impl Shared {
    fn poll_frame(&self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.polled.store(true, Ordering::Relaxed);
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(inner) = guard.as_mut() else {
            return Poll::Ready(None);
        };
        match Pin::new(&mut inner.body).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                inner.armed = false;
                if let Some(data) = frame.data_ref() {
                    self.read.fetch_add(data.len() as u64, Ordering::Relaxed);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => {
                self.ended.store(true, Ordering::Relaxed);
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(err))),
            Poll::Pending => {
                if !inner.armed {
                    inner.armed = true;
                    let deadline = Instant::now() + self.timeout;
                    inner.timer.as_mut().reset(deadline);
                }
                if inner.timer.as_mut().poll(cx).is_ready() {
                    self.timed_out.store(true, Ordering::Relaxed);
                    // Nothing more is read from a body that stalled.
                    *guard = None;
                    return Poll::Ready(Some(Err(axum::Error::new(BodyTimeout(self.timeout)))));
                }
                Poll::Pending
            }
        }
    }

    /// Reads and discards what is left, up to the drain bounds; true when it all came.
    async fn drain(self: &Arc<Self>) -> bool {
        let start = self.read.load(Ordering::Relaxed);
        let reading = async {
            loop {
                let next = std::future::poll_fn(|cx| self.poll_frame(cx)).await;
                match next {
                    None => return true,
                    Some(Err(_)) => return false,
                    Some(Ok(_)) => {
                        if self.read.load(Ordering::Relaxed) - start > DRAIN_MAX_BYTES {
                            return false;
                        }
                    }
                }
            }
        };
        tokio::time::timeout(DRAIN_MAX_TIME, reading)
            .await
            .unwrap_or(false)
    }
}

/// The body a handler reads: the shared body with its idle timeout.
struct TimedBody(Arc<Shared>);

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.0.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        let guard = self.0.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .as_ref()
            .is_none_or(|inner| inner.body.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        let guard = self.0.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), |inner| inner.body.size_hint())
    }
}

/// The layer around every call: the idle timeout on the body, the 408 answer, and the
/// drain (or `Connection: close`) after an answer that left the body unread.
pub async fn layer(timeout: Duration, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let waits_for_continue = parts
        .headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let shared = Arc::new(Shared {
        inner: Mutex::new(Some(Inner {
            body,
            timer: Box::pin(tokio::time::sleep(timeout)),
            armed: false,
        })),
        timeout,
        timed_out: AtomicBool::new(false),
        ended: AtomicBool::new(false),
        polled: AtomicBool::new(false),
        read: AtomicU64::new(0),
    });
    let request = Request::from_parts(parts, Body::new(TimedBody(Arc::clone(&shared))));
    let mut response = next.run(request).await;
    if shared.timed_out.load(Ordering::Relaxed) {
        let mut response = ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "no bytes of the request body arrived for {} s",
                timeout.as_secs_f64()
            ),
        )
        .into_response();
        close(&mut response);
        return response;
    }
    if shared.ended.load(Ordering::Relaxed) || declared == Some(0) {
        return response;
    }
    // A client waiting for `100 Continue` has sent nothing: there is nothing to drain.
    if waits_for_continue && !shared.polled.load(Ordering::Relaxed) {
        return response;
    }
    let left = declared.map(|n| n.saturating_sub(shared.read.load(Ordering::Relaxed)));
    let drained = left.is_none_or(|n| n <= DRAIN_MAX_BYTES) && shared.drain().await;
    if !drained {
        close(&mut response);
    }
    response
}

fn close(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
}
