//! The HTTP/1.1 server loop of the local B2: a bounded number of connections, a bound on
//! request head size, idle keep-alive connections closed after a while, B2-style JSON
//! bodies on the errors the HTTP layer answers itself (a malformed request line,
//! `Content-Length` or header, a head too large), and a lingering close: the client's
//! unread bytes are read and discarded for a moment before the socket closes, so a client
//! still sending a refused upload sees the answer, not a reset.

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

/// Limits of the HTTP layer (`serve` flags).
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// A request body that sends nothing for this long is answered 408 `request_timeout`.
    pub body_timeout: Duration,
    /// A connection with no request for this long is closed (also bounds a slow head).
    pub idle_timeout: Duration,
    /// Largest request head (request line and headers), in bytes.
    pub max_header_bytes: usize,
    /// Most connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(120),
            max_header_bytes: 64 * 1024,
            max_connections: 1024,
        }
    }
}

/// Most unread bytes discarded at a lingering close, and for how long.
const LINGER_MAX_BYTES: usize = 64 * 1024 * 1024;
const LINGER_MAX_TIME: Duration = Duration::from_secs(2);
/// The smallest bound on a request head.
const MIN_HEAD: usize = 8192;

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections
/// finish their current request.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(err) if is_per_connection(&err) => continue,
                Err(_) => {
                    // Out of file descriptors or the like: wait, then accept again.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers go out at once: without TCP_NODELAY, a response written in two
        // pieces waits for the client's delayed ACK (tens of ms per small-file request).
        let _ = tcp.set_nodelay(true);
        let (router, limits, stop) = (router.clone(), limits.clone(), stop_rx.clone());
        connections.spawn(async move {
            connection(tcp, router, &limits, stop).await;
            drop(permit);
        });
    }
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

fn is_per_connection(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

async fn connection(
    tcp: TcpStream,
    router: Router,
    limits: &HttpLimits,
    mut stop: watch::Receiver<bool>,
) {
    let io = TokioIo::new(Guarded::new(tcp));
    let service = TowerToHyperService::new(router);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.idle_timeout)
        .max_header_size(limits.max_header_bytes.max(MIN_HEAD))
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    let mut conn = pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.wait_for(|stopped| *stopped) => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

/// The TCP stream as the HTTP layer sees it: its own error answers get a JSON body, and a
/// close lingers to discard what the client still sends.
struct Guarded {
    tcp: TcpStream,
    /// A rewritten error answer still to be sent.
    pending: Vec<u8>,
    sent: usize,
    linger: Option<Linger>,
}

struct Linger {
    deadline: Pin<Box<Sleep>>,
    discarded: usize,
    shut: bool,
}

impl Guarded {
    fn new(tcp: TcpStream) -> Guarded {
        Guarded {
            tcp,
            pending: Vec::new(),
            sent: 0,
            linger: None,
        }
    }

    /// Sends what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            match Pin::new(&mut self.tcp).poll_write(cx, &self.pending[self.sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.sent += n,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes the HTTP layer's own error head in place of `bytes` when it is one.
    fn intercept(&mut self, bytes: &[u8]) -> bool {
        match super::http_errors::rewrite(bytes) {
            Some(answer) => {
                self.pending = answer;
                self.sent = 0;
                true
            }
            None => false,
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.sent < this.pending.len() {
            match this.poll_pending(cx) {
                Poll::Ready(Ok(())) => {}
                other => return other.map_ok(|()| 0),
            }
        }
        if this.intercept(buf) {
            let _ = this.poll_pending(cx);
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let head = bufs.iter().find(|b| !b.is_empty());
        if head.is_some_and(|b| b.starts_with(b"HTTP/1.1 4")) && total <= 1024 {
            let joined: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
            return Pin::new(this).poll_write(cx, &joined);
        }
        if this.sent < this.pending.len() {
            match this.poll_pending(cx) {
                Poll::Ready(Ok(())) => {}
                other => return other.map_ok(|()| 0),
            }
        }
        Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.poll_pending(cx) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        Pin::new(&mut this.tcp).poll_flush(cx)
    }

    /// Sends FIN, then reads and discards until the client closes too (or the bounds).
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.poll_pending(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
            Poll::Pending => return Poll::Pending,
        }
        let linger = this.linger.get_or_insert_with(|| Linger {
            deadline: Box::pin(tokio::time::sleep_until(Instant::now() + LINGER_MAX_TIME)),
            discarded: 0,
            shut: false,
        });
        if !linger.shut {
            match Pin::new(&mut this.tcp).poll_shutdown(cx) {
                Poll::Ready(Ok(())) => linger.shut = true,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let mut scratch = [0u8; 8192];
        loop {
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.tcp).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                    linger.discarded += buf.filled().len();
                    if linger.discarded > LINGER_MAX_BYTES {
                        return Poll::Ready(Ok(()));
                    }
                }
                Poll::Ready(_) => return Poll::Ready(Ok(())),
                Poll::Pending => {
                    return if linger.deadline.as_mut().poll(cx).is_ready() {
                        Poll::Ready(Ok(()))
                    } else {
                        Poll::Pending
                    };
                }
            }
        }
    }
}
