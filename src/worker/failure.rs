//! Why a worker request failed, as the app receives it: a typed value the app decides on
//! by kind and code and renders itself, never text to match.

use std::fmt;

use crate::b2::B2Error;
use crate::b2::advice;

/// A failed request, after the client's own retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// B2 answered with an error.
    B2 {
        status: u16,
        code: String,
        message: String,
    },
    /// B2 answered `call` (`b2_list_file_names`) with an error.
    Refused {
        call: &'static str,
        status: u16,
        code: String,
        message: String,
    },
    /// Object Lock protects the version: B2 refused to delete or change it.
    Locked(Lock),
    /// No usable answer: connection, timeout, or a body that could not be read.
    Network(String),
    /// The server answered, but not as a B2 API (the text says what it answered).
    NotB2(String),
    /// Refused before anything was sent, or a local file problem.
    Local(String),
}

/// The Object Lock state that made B2 refuse a change to a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    /// Unexpired retention: its mode (`governance`, `compliance`) and end (ms).
    pub retention: Option<(String, i64)>,
    /// The legal hold is on.
    pub legal_hold: bool,
    /// What was being done, when known (`delete 1 version of a.txt`).
    pub what: String,
    /// The same in words, times in UTC (for the command line and logs).
    text: String,
}

impl Lock {
    /// A lock with its text; None when neither retention nor a legal hold protects.
    pub fn new(retention: Option<(String, i64)>, legal_hold: bool) -> Option<Self> {
        if retention.is_none() && !legal_hold {
            return None;
        }
        let text = lock_text(retention.as_ref(), legal_hold, |ms| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| ms.to_string())
        });
        Some(Self {
            retention,
            legal_hold,
            what: String::new(),
            text,
        })
    }

    /// The protection in words with `time` formatting the end of retention:
    /// `retention until 2027-01-05 12:00 UTC (governance)`, `legal hold`, or both.
    pub fn describe(&self, time: impl Fn(i64) -> String) -> String {
        lock_text(self.retention.as_ref(), self.legal_hold, time)
    }

    /// What can be done about it.
    pub fn advice(&self) -> &'static str {
        match (&self.retention, self.legal_hold) {
            (_, true) => {
                "A version under legal hold cannot be deleted until the hold is released \
                 (L on the version; needs writeFileLegalHolds)."
            }
            (Some((mode, _)), false) if mode == "governance" => {
                "Governance retention can be removed early by a key with bypassGovernance \
                 and writeFileRetentions (L on the version); otherwise wait until it ends."
            }
            _ => {
                "Compliance retention cannot be shortened or removed by anyone: the version \
                  can be deleted once the retention ends."
            }
        }
    }
}

fn lock_text(
    retention: Option<&(String, i64)>,
    legal_hold: bool,
    time: impl Fn(i64) -> String,
) -> String {
    let retention =
        retention.map(|(mode, until)| format!("retention until {} ({mode})", time(*until)));
    match (retention, legal_hold) {
        (Some(r), true) => format!("{r} and a legal hold"),
        (Some(r), false) => r,
        (None, _) => "legal hold".to_owned(),
    }
}

impl Failure {
    /// B2's error code, when B2 answered (`unauthorized`, `not_found`, ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            Failure::B2 { code, .. } | Failure::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The call B2 refused, when known (`b2_list_file_names`).
    pub fn call(&self) -> Option<&'static str> {
        match self {
            Failure::Refused { call, .. } => Some(call),
            _ => None,
        }
    }

    /// What went wrong in words: B2's message (else its code), or the local reason.
    pub fn message(&self) -> &str {
        match self {
            Failure::B2 { code, message, .. } | Failure::Refused { code, message, .. }
                if message.is_empty() =>
            {
                code
            }
            Failure::B2 { message, .. } | Failure::Refused { message, .. } => message,
            Failure::Locked(lock) => &lock.text,
            Failure::Network(m) | Failure::NotB2(m) | Failure::Local(m) => m,
        }
    }

    /// True for failures that may go away by themselves (408, 429, 5xx, the network).
    pub fn is_retryable(&self) -> bool {
        match self {
            Failure::B2 { status, .. } | Failure::Refused { status, .. } => {
                matches!(status, 408 | 429 | 500..=599)
            }
            Failure::Network(_) => true,
            Failure::Locked(_) | Failure::NotB2(_) | Failure::Local(_) => false,
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
            Failure::Refused {
                call,
                status,
                code,
                message,
            } => Failure::Refused {
                call,
                status,
                code,
                message: format!("{what}: {message}"),
            },
            Failure::Locked(mut lock) => {
                lock.what = what.to_owned();
                lock.text = format!("{what}: {}", lock.text);
                Failure::Locked(lock)
            }
            Failure::Network(m) => Failure::Network(format!("{what}: {m}")),
            Failure::NotB2(m) => Failure::NotB2(format!("{what}: {m}")),
            Failure::Local(m) => Failure::Local(format!("{what}: {m}")),
        }
    }

    /// True when the key lacks a capability, or the bucket or name prefix it needs.
    pub fn is_denied(&self) -> bool {
        matches!(self.code(), Some("unauthorized" | "access_denied"))
    }

    /// What the user can do about it, from the one advice table (`b2::advice`), when there
    /// is something to say.
    pub fn advice(&self) -> Option<String> {
        match self {
            Failure::B2 { code, message, .. } => advice::advice(None, code, message),
            Failure::Refused {
                call,
                code,
                message,
                ..
            } => advice::advice(Some(call), code, message),
            Failure::Locked(lock) => Some(lock.advice().to_owned()),
            Failure::Network(_) | Failure::NotB2(_) | Failure::Local(_) => None,
        }
    }
}

impl From<&B2Error> for Failure {
    fn from(err: &B2Error) -> Self {
        match err {
            B2Error::Api {
                status,
                code,
                message,
                call: Some(call),
                ..
            } => Failure::Refused {
                call,
                status: *status,
                code: code.clone(),
                message: message.clone(),
            },
            B2Error::Api {
                status,
                code,
                message,
                call: None,
                ..
            } => Failure::B2 {
                status: *status,
                code: code.clone(),
                message: message.clone(),
            },
            B2Error::NotB2 { .. } => Failure::NotB2(err.to_string()),
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
            call: None,
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

    #[test]
    fn a_refused_call_keeps_its_name_for_the_advice() {
        let e = B2Error::Api {
            status: 401,
            code: "unauthorized".into(),
            message: String::new(),
            retry_after: None,
            call: Some("b2_delete_file_version"),
        };
        let f = Failure::from(&e);
        assert_eq!(f.call(), Some("b2_delete_file_version"));
        assert!(f.is_denied());
        let advice = f.advice().unwrap_or_default();
        assert!(advice.contains("deleteFiles"), "{advice}");
        assert_eq!(
            f.clone().context("x").call(),
            Some("b2_delete_file_version")
        );
    }

    #[test]
    fn a_lock_says_until_when_and_which_mode() {
        assert_eq!(Lock::new(None, false), None);
        let lock = Lock::new(Some(("governance".into(), 1_800_000_000_000)), false).unwrap();
        let f = Failure::Locked(lock.clone());
        assert_eq!(
            f.to_string(),
            "retention until 2027-01-15 08:00 UTC (governance)"
        );
        assert!(!f.is_retryable() && !f.is_denied());
        assert!(f.advice().unwrap_or_default().contains("bypassGovernance"));
        assert_eq!(
            lock.describe(|_| "then".into()),
            "retention until then (governance)"
        );
        let held = Lock::new(Some(("compliance".into(), 0)), true).unwrap();
        assert!(
            held.describe(|_| "t".into())
                .ends_with("(compliance) and a legal hold")
        );
        assert!(held.advice().contains("legal hold"));
    }
}
