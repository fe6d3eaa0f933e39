//! The one error type of the B2 client, and the one place that classifies errors
//! (retry, re-authorize, new upload URL). Never carries a secret.

use std::time::Duration;

/// Anything a B2 call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum B2Error {
    /// B2 answered with its JSON error body `{status, code, message}`.
    #[error("{code} ({status}): {message}")]
    Api {
        status: u16,
        code: String,
        message: String,
        /// `Retry-After` from the response, if any.
        retry_after: Option<Duration>,
    },
    /// The request never got an answer (connect, reset, timeout, TLS).
    #[error("connection to B2 failed: {0}")]
    Http(String),
    /// The answer could not be read as the expected shape.
    #[error("unexpected answer from B2: {0}")]
    Decode(String),
    /// Downloaded or uploaded bytes did not hash to what B2 says they are.
    #[error("SHA-1 mismatch: expected {expected}, got {actual}")]
    Sha1Mismatch { expected: String, actual: String },
    /// The caller asked for something that cannot be sent.
    #[error("{0}")]
    InvalidInput(String),
}

impl B2Error {
    /// Builds an API error from a status and B2's body, tolerating a non-JSON body.
    pub fn from_response(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        #[derive(serde::Deserialize)]
        struct Body {
            #[serde(default)]
            code: String,
            #[serde(default)]
            message: String,
        }
        match serde_json::from_slice::<Body>(body) {
            Ok(b) => Self::Api {
                status,
                code: if b.code.is_empty() {
                    status_code_name(status)
                } else {
                    b.code
                },
                message: b.message,
                retry_after,
            },
            Err(_) => Self::Api {
                status,
                code: status_code_name(status),
                message: String::from_utf8_lossy(body).chars().take(200).collect(),
                retry_after,
            },
        }
    }

    /// B2's error code, when B2 answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// HTTP status, when B2 answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// 408, 429, 5xx and connection failures are worth another try.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } => matches!(status, 408 | 429 | 500..=599),
            Self::Http(_) => true,
            _ => false,
        }
    }

    /// 401 `expired_auth_token` / `bad_auth_token`: re-authorize once, then retry.
    pub fn is_expired_auth(&self) -> bool {
        matches!(self, Self::Api { status: 401, code, .. }
            if code == "expired_auth_token" || code == "bad_auth_token")
    }

    /// b2_upload_file / b2_upload_part: after these, take a fresh upload URL.
    pub fn needs_new_upload_url(&self) -> bool {
        match self {
            Self::Api { status, code, .. } => {
                matches!(status, 401 | 408 | 500..=599) || code == "auth_token_limit"
            }
            Self::Http(_) => true,
            _ => false,
        }
    }

    /// A download body that broke: retryable failures and bodies cut short or garbled
    /// (`Decode`) are worth a range request from where it stopped.
    pub fn is_resumable(&self) -> bool {
        self.is_retryable() || matches!(self, Self::Decode(_))
    }

    /// `Retry-After` sent with the error, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl From<reqwest::Error> for B2Error {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display includes the URL; ours never carry secrets in the query except
        // download-authorization tokens, so strip the URL to be safe.
        Self::Http(e.without_url().to_string())
    }
}

fn status_code_name(status: u16) -> String {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "request_timeout",
        409 => "conflict",
        416 => "range_not_satisfiable",
        429 => "too_many_requests",
        503 => "service_unavailable",
        _ => "internal_error",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_b2_errors() {
        let e = B2Error::from_response(
            401,
            br#"{"status":401,"code":"expired_auth_token","message":"x"}"#,
            None,
        );
        assert!(e.is_expired_auth());
        assert!(!e.is_retryable());
        let e = B2Error::from_response(503, b"<html>", None);
        assert_eq!(e.code(), Some("service_unavailable"));
        assert!(e.is_retryable());
        assert!(e.needs_new_upload_url());
        let e = B2Error::from_response(400, br#"{"code":"bad_request","message":"m"}"#, None);
        assert!(!e.is_retryable());
        assert_eq!(e.to_string(), "bad_request (400): m");
    }
}
