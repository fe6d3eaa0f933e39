//! The one error type of the B2 client, and the one place that classifies errors
//! (retry, re-authorize, new upload URL). Never carries a secret: a URL is shown as its
//! origin and call name only, never with its query (download authorizations live there).

use std::error::Error as _;
use std::time::Duration;

use super::advice;

/// Anything a B2 call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum B2Error {
    /// B2 answered with its JSON error body `{status, code, message}`.
    #[error("{}", api_text(*call, *status, code, message))]
    Api {
        status: u16,
        code: String,
        message: String,
        /// `Retry-After` from the response, if any.
        retry_after: Option<Duration>,
        /// The call that was refused (`b2_list_file_names`), when known.
        call: Option<&'static str>,
    },
    /// The request never got an answer (connect, DNS, TLS, reset, timeout): a sentence
    /// naming the server, the call and the cause.
    #[error("{0}")]
    Http(String),
    /// Something answered that is not a B2 API: a status without B2's JSON error body, or
    /// a success that is not JSON.
    #[error("{}", not_b2_text(origin, *call, *status, reason, content_type.as_deref()))]
    NotB2 {
        /// `scheme://host:port` of the server.
        origin: String,
        call: Option<&'static str>,
        status: u16,
        /// The status's reason phrase (`Not Found`).
        reason: String,
        content_type: Option<String>,
    },
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
        match b2_error_body(body) {
            Some(b) => Self::Api {
                status,
                code: b.code,
                message: b.message,
                retry_after,
                call: None,
            },
            None => Self::Api {
                status,
                code: status_code_name(status),
                message: String::from_utf8_lossy(body).chars().take(200).collect(),
                retry_after,
                call: None,
            },
        }
    }

    /// Builds the error for a failed answer from `url`: B2's JSON error (with the call
    /// named), or, when the body is not B2's JSON, a server that is not a B2 API. Statuses
    /// that are retried (408, 429, 5xx) stay API errors, so a proxy's error page in front of
    /// B2 is retried as before.
    pub fn from_answer(
        url: &reqwest::Url,
        status: reqwest::StatusCode,
        content_type: Option<&str>,
        body: &[u8],
        retry_after: Option<Duration>,
    ) -> Self {
        let call = advice::call_of_path(url.path());
        let code = status.as_u16();
        let retried = matches!(code, 408 | 429 | 500..=599);
        match b2_error_body(body) {
            Some(b) => Self::Api {
                status: code,
                code: b.code,
                message: b.message,
                retry_after,
                call,
            },
            None if retried => Self::Api {
                status: code,
                code: status_code_name(code),
                message: format!(
                    "answered {} without B2's JSON error{}",
                    status_line(status),
                    content_type.map(|t| format!(" ({t})")).unwrap_or_default()
                ),
                retry_after,
                call,
            },
            None => Self::not_b2(url, status, content_type),
        }
    }

    /// A server at `url` that answered `status` with something other than B2's JSON.
    pub fn not_b2(
        url: &reqwest::Url,
        status: reqwest::StatusCode,
        content_type: Option<&str>,
    ) -> Self {
        Self::NotB2 {
            origin: url.origin().ascii_serialization(),
            call: advice::call_of_path(url.path()),
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
            content_type: content_type.map(|t| t.split(';').next().unwrap_or(t).trim().to_owned()),
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

    /// The call that failed (`b2_list_file_names`), when known.
    pub fn call(&self) -> Option<&'static str> {
        match self {
            Self::Api { call, .. } | Self::NotB2 { call, .. } => *call,
            _ => None,
        }
    }

    /// What the user can do about a refusal (see [`advice::advice`]).
    pub fn advice(&self) -> Option<String> {
        match self {
            Self::Api {
                code,
                message,
                call,
                ..
            } => advice::advice(*call, code, message),
            _ => None,
        }
    }

    /// 408, 429, 5xx and connection failures are worth another try.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } | Self::NotB2 { status, .. } => {
                matches!(status, 408 | 429 | 500..=599)
            }
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
            Self::NotB2 { status, .. } => matches!(status, 401 | 408 | 500..=599),
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
        Self::Http(transport_text(&e))
    }
}

/// B2's error body: a JSON object with a string `code` (`message` optional).
fn b2_error_body(body: &[u8]) -> Option<ErrorBody> {
    let b: ErrorBody = serde_json::from_slice(body).ok()?;
    (!b.code.is_empty()).then_some(b)
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    code: String,
    #[serde(default)]
    message: String,
}

/// `404 Not Found`.
fn status_line(status: reqwest::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn api_text(call: Option<&str>, status: u16, code: &str, message: &str) -> String {
    let mut out = match call {
        Some(call) => format!("{call} refused: {code} ({status})"),
        None => format!("{code} ({status})"),
    };
    if !message.is_empty() {
        out.push_str(": ");
        out.push_str(message);
    }
    if let Some(advice) = advice::advice(call, code, message) {
        out.push_str(". ");
        out.push_str(&advice);
    }
    out
}

fn not_b2_text(
    origin: &str,
    call: Option<&str>,
    status: u16,
    reason: &str,
    content_type: Option<&str>,
) -> String {
    let who = call.unwrap_or("it");
    let what = match content_type {
        Some(t) if !t.is_empty() => format!(" ({t})"),
        _ => " (no content type)".to_owned(),
    };
    let reason = if reason.is_empty() {
        String::new()
    } else {
        format!(" {reason}")
    };
    let hint = if call == Some("b2_authorize_account") {
        "; check --endpoint"
    } else {
        ""
    };
    format!(
        "{origin}/ does not look like a B2 API: {who} answered {status}{reason}{what}, \
         not B2's JSON{hint}"
    )
}

/// A request that got no answer, in words: `cannot reach ORIGIN (CALL): CAUSE`.
fn transport_text(e: &reqwest::Error) -> String {
    let cause = transport_cause(e);
    let Some(url) = e.url() else {
        return format!("HTTP request failed: {cause}");
    };
    let origin = url.origin().ascii_serialization();
    let call = advice::call_of_path(url.path())
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    if e.is_body() || e.is_decode() {
        format!("lost the connection to {origin}{call} while reading the answer: {cause}")
    } else {
        format!("cannot reach {origin}{call}: {cause}")
    }
}

/// Why a request got no answer: the first cause in the error's source chain that names
/// one (refused, DNS, TLS, timeout, reset), else the innermost message.
fn transport_cause(e: &reqwest::Error) -> String {
    let mut chain: Vec<&(dyn std::error::Error + 'static)> = Vec::new();
    let mut next = e.source();
    while let Some(err) = next {
        chain.push(err);
        next = err.source();
    }
    for err in &chain {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            let said = match io.kind() {
                K::ConnectionRefused => Some("connection refused (is the server running?)"),
                K::ConnectionReset => Some("connection reset by the server"),
                K::ConnectionAborted => Some("connection aborted"),
                K::TimedOut => Some("timed out"),
                K::BrokenPipe | K::UnexpectedEof => {
                    Some("the server closed the connection before answering")
                }
                _ => None,
            };
            if let Some(said) = said {
                return said.to_owned();
            }
        }
    }
    let texts: Vec<String> = chain.iter().map(|e| e.to_string()).collect();
    let innermost = texts.last().cloned().unwrap_or_else(|| reqwest_text(e));
    let any = |needles: &[&str]| {
        texts.iter().any(|t| {
            let t = t.to_ascii_lowercase();
            needles.iter().any(|n| t.contains(n))
        })
    };
    if any(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
    ]) {
        let host = e
            .url()
            .and_then(|u| u.host_str())
            .map(|h| format!("{h}: "))
            .unwrap_or_default();
        return format!("name not resolved (DNS): {host}{innermost}");
    }
    if any(&["invalidcontenttype"]) {
        return "TLS failed: the server does not speak TLS (an http:// URL?)".to_owned();
    }
    if any(&[
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "alert",
    ]) {
        return format!("TLS failed: {innermost}");
    }
    if e.is_timeout() || any(&["timed out", "deadline"]) {
        return "timed out".to_owned();
    }
    if any(&[
        "connection closed before message completed",
        "incomplete message",
    ]) {
        return "the server closed the connection before answering".to_owned();
    }
    if any(&["reset"]) {
        return "connection reset".to_owned();
    }
    innermost
}

/// reqwest's own text, its URL cut to the origin (a query may carry a token).
fn reqwest_text(e: &reqwest::Error) -> String {
    let text = e.to_string();
    match e.url() {
        Some(url) => text.replace(url.as_str(), &url.origin().ascii_serialization()),
        None => text,
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

    fn url(u: &str) -> reqwest::Url {
        reqwest::Url::parse(u).expect("url")
    }

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
        assert!(e.to_string().starts_with("bad_request (400): m. "), "{e}");
    }

    #[test]
    fn names_the_refused_call_and_its_capability() {
        let e = B2Error::from_answer(
            &url("http://127.0.0.1:1/b2api/v3/b2_list_file_names"),
            reqwest::StatusCode::UNAUTHORIZED,
            Some("application/json"),
            br#"{"status":401,"code":"unauthorized","message":""}"#,
            None,
        );
        assert_eq!(e.call(), Some("b2_list_file_names"));
        assert_eq!(e.code(), Some("unauthorized"));
        let text = e.to_string();
        assert!(
            text.starts_with("b2_list_file_names refused: unauthorized (401)."),
            "{text}"
        );
        assert!(text.contains("lacks the listFiles capability"), "{text}");
        assert!(!e.is_retryable());
    }

    #[test]
    fn a_server_without_b2_json_is_not_b2() {
        let e = B2Error::from_answer(
            &url("http://example.test:8080/b2api/v3/b2_authorize_account?x=secret"),
            reqwest::StatusCode::NOT_FOUND,
            Some("text/html; charset=utf-8"),
            b"<html>nope</html>",
            None,
        );
        assert_eq!(
            e.to_string(),
            "http://example.test:8080/ does not look like a B2 API: b2_authorize_account \
             answered 404 Not Found (text/html), not B2's JSON; check --endpoint"
        );
        assert!(!e.is_retryable() && e.code().is_none());
        // JSON that is not B2's error shape is not B2 either.
        let e = B2Error::from_answer(
            &url("http://example.test/b2api/v3/b2_list_buckets"),
            reqwest::StatusCode::FORBIDDEN,
            Some("application/json"),
            br#"{"error":"forbidden"}"#,
            None,
        );
        assert!(matches!(e, B2Error::NotB2 { status: 403, .. }), "{e:?}");
        // A proxy's 503 page in front of B2 is still retried as before.
        let e = B2Error::from_answer(
            &url("http://example.test/b2api/v3/b2_list_buckets"),
            reqwest::StatusCode::SERVICE_UNAVAILABLE,
            Some("text/html"),
            b"<html>busy</html>",
            None,
        );
        assert_eq!(e.code(), Some("service_unavailable"));
        assert!(e.is_retryable() && e.needs_new_upload_url());
    }
}
