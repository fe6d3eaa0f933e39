//! Errors of the local B2: `ApiError` is the B2 JSON error body sent to clients,
//! `EmulatorError` is what opening the store or binding the server can fail with.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One B2 error answer: `{"status","code","message"}` with the same HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Sent as `Retry-After` (seconds) when set.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn bad_json(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_json", message)
    }

    pub fn bad_bucket_id(bucket_id: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_bucket_id",
            format!("Bucket {bucket_id} does not exist"),
        )
    }

    pub fn out_of_range(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "out_of_range", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn bad_auth_token(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "bad_auth_token", message)
    }

    pub fn expired_auth_token() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "expired_auth_token",
            "Authorization token has expired",
        )
    }

    pub fn access_denied(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "access_denied", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed",
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", message)
    }

    pub fn service_unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            message,
        )
    }

    pub fn with_retry_after(mut self, seconds: Option<u64>) -> ApiError {
        self.retry_after = seconds;
        self
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "status": self.status.as_u16(),
            "code": self.code,
            "message": self.message,
        })
    }
}

/// A JSON answer with B2's headers. B2 spells the charset `UTF-8` on success and `utf-8`
/// on errors; `content_type` carries that difference.
pub fn json_text_response(
    status: StatusCode,
    text: Vec<u8>,
    content_type: &'static str,
) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=0, no-cache, no-store"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.to_json().to_string().into_bytes();
        let mut response = json_text_response(self.status, body, "application/json;charset=utf-8");
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> ApiError {
        ApiError::internal(format!("database error: {err}"))
    }
}

impl From<std::io::Error> for ApiError {
    fn from(err: std::io::Error) -> ApiError {
        ApiError::internal(format!("storage error: {err}"))
    }
}

/// Failure to open the store or to start serving.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Invalid(String),
}

impl From<ApiError> for EmulatorError {
    fn from(err: ApiError) -> EmulatorError {
        EmulatorError::Invalid(format!(
            "{} {}: {}",
            err.status.as_u16(),
            err.code,
            err.message
        ))
    }
}
