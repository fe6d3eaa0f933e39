//! Signals that stop b2tui (Ctrl-C, `kill`, a closed terminal): listened to by `cp` and
//! the TUI so that they can stop their transfers and remove temporary files before the
//! process ends with the conventional status 128 + the signal's number.

use std::fmt;

/// A signal that asks the process to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (`kill`, a service manager).
    Terminate,
    /// SIGHUP (the terminal went away).
    Hangup,
}

impl Signal {
    /// The signal's number on Unix.
    pub fn number(self) -> u8 {
        match self {
            Self::Hangup => 1,
            Self::Interrupt => 2,
            Self::Terminate => 15,
        }
    }

    /// The exit status of a process stopped by this signal, as shells report it: 130 for
    /// SIGINT, 143 for SIGTERM, 129 for SIGHUP.
    pub fn exit_code(self) -> u8 {
        128 + self.number()
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Interrupt => "SIGINT",
            Self::Terminate => "SIGTERM",
            Self::Hangup => "SIGHUP",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error that ends a command stopped by a signal; `main` turns it into the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("stopped by {signal}")]
pub struct Interrupted {
    pub signal: Signal,
}

/// Listens for stop signals from the moment it is made: from then on (for the life of the
/// process) those signals no longer end it by themselves, they arrive through
/// [`Signals::recv`].
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Starts listening to SIGINT, SIGTERM and SIGHUP.
    pub fn new() -> Self {
        Self::listen(&[Signal::Interrupt, Signal::Terminate, Signal::Hangup])
    }

    /// Starts listening to `which`. A signal that cannot be listened to keeps its default
    /// action.
    pub fn listen(which: &[Signal]) -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = which
                .iter()
                .filter_map(|&sig| {
                    let kind = match sig {
                        Signal::Interrupt => SignalKind::interrupt(),
                        Signal::Terminate => SignalKind::terminate(),
                        Signal::Hangup => SignalKind::hangup(),
                    };
                    signal(kind).ok().map(|s| (sig, s))
                })
                .collect();
            Self { streams }
        }
        #[cfg(not(unix))]
        {
            let _ = which;
            Self {}
        }
    }

    /// The next signal received.
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let next = self.streams.iter_mut().map(|(sig, stream)| {
                let sig = *sig;
                Box::pin(async move {
                    if stream.recv().await.is_none() {
                        // The runtime is shutting down: no signal will come.
                        std::future::pending::<()>().await;
                    }
                    sig
                })
            });
            futures::future::select_all(next).await.0
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Interrupt
        }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_shell_convention() {
        assert_eq!(Signal::Interrupt.exit_code(), 130);
        assert_eq!(Signal::Terminate.exit_code(), 143);
        assert_eq!(Signal::Hangup.exit_code(), 129);
        let e = Interrupted {
            signal: Signal::Terminate,
        };
        assert_eq!(e.to_string(), "stopped by SIGTERM");
    }
}
