//! Why a worker request failed, as the app receives it: a typed value the app decides on
//! by kind and code and renders itself, never text to match.

use std::fmt;

use crate::b2::B2Error;

/// A failed request, after the client's own retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// B2 answered with an error.
    B2 {
        status: u16,
        code: String,
        message: String,
    },
    /// No usable answer: connection, timeout, or a body that could not be read.
    Network(String),
    /// Refused before anything was sent, or a local file problem.
    Local(String),
}

impl Failure {
    /// B2's error code, when B2 answered (`unauthorized`, `not_found`, ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            Failure::B2 { code, .. } => Some(code),
            _ => None,
        }
    }

    /// What went wrong in words: B2's message (else its code), or the local reason.
    pub fn message(&self) -> &str {
        match self {
            Failure::B2 { code, message, .. } if message.is_empty() => code,
            Failure::B2 { message, .. } => message,
            Failure::Network(m) | Failure::Local(m) => m,
        }
    }

    /// True for failures that may go away by themselves (408, 429, 5xx, the network).
    pub fn is_retryable(&self) -> bool {
        match self {
            Failure::B2 { status, .. } => matches!(status, 408 | 429 | 500..=599),
            Failure::Network(_) => true,
            Failure::Local(_) => false,
        }
    }

    /// The same failure, its message led by `what` (what was being done when it failed).
    pub fn context(self, what: &str) -> Self {
        match self {
            Failure::B2 {
                status,
                code,
                message,
            } => Failure::B2 {
                status,
                code,
                message: format!("{what}: {message}"),
            },
            Failure::Network(m) => Failure::Network(format!("{what}: {m}")),
            Failure::Local(m) => Failure::Local(format!("{what}: {m}")),
        }
    }

    /// True when the key lacks a capability, or the bucket or name prefix it needs.
    pub fn is_denied(&self) -> bool {
        matches!(self.code(), Some("unauthorized" | "access_denied"))
    }
}

impl From<&B2Error> for Failure {
    fn from(err: &B2Error) -> Self {
        match err {
            B2Error::Api {
                status,
                code,
                message,
                ..
            } => Failure::B2 {
                status: *status,
                code: code.clone(),
                message: message.clone(),
            },
            B2Error::Http(_) | B2Error::Decode(_) => Failure::Network(err.to_string()),
            other => Failure::Local(other.to_string()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code() {
            Some(code) => write!(f, "{code}: {}", self.message()),
            None => f.write_str(self.message()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str, message: &str) -> B2Error {
        B2Error::Api {
            status,
            code: code.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    #[test]
    fn classifies_b2_and_local_failures() {
        let denied = Failure::from(&api(401, "unauthorized", "no listKeys"));
        assert!(denied.is_denied() && !denied.is_retryable());
        assert_eq!(denied.to_string(), "unauthorized: no listKeys");
        let busy = Failure::from(&api(503, "service_unavailable", ""));
        assert!(busy.is_retryable());
        assert_eq!(busy.message(), "service_unavailable");
        let down = Failure::from(&B2Error::Http("reset".into()));
        assert!(down.is_retryable() && down.code().is_none());
        let bad = Failure::from(&B2Error::InvalidInput("empty name".into()));
        assert!(!bad.is_retryable());
        assert_eq!(bad.to_string(), "empty name");
    }
}
