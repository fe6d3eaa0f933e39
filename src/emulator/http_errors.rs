//! The answers the HTTP layer gives on its own, before any call runs (a malformed request
//! line, `Content-Length` or header, control bytes in a header, a head too large), as B2
//! gives them: the same status with a JSON body `{"status","code","message"}`, and the
//! connection closed.

use crate::emulator::error::ApiError;
use axum::http::StatusCode;

/// Longest head the HTTP layer writes for its own errors.
const MAX_HEAD: usize = 512;

/// The JSON answer to send in place of `bytes` when they are the HTTP layer's own bare
/// error head (status 400, 414 or 431 with only `content-length: 0`, `date` and
/// `connection` headers); None for anything else.
pub fn rewrite(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() > MAX_HEAD || !bytes.ends_with(b"\r\n\r\n") {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.trim_end_matches("\r\n").split("\r\n");
    let status_line = lines.next()?;
    let code: u16 = status_line
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()?;
    let message = match code {
        400 => {
            "The request could not be read as HTTP: a malformed request line, Content-Length \
             or header (control characters are not allowed in headers)"
        }
        414 => "The request URL is too long",
        431 => "The request headers are too large",
        _ => return None,
    };
    let mut date = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" if value.trim() == "0" => {}
            "connection" => {}
            "date" => date = Some(value.trim()),
            _ => return None,
        }
    }
    let status = StatusCode::from_u16(code).ok()?;
    let body = ApiError::new(status, "bad_request", message)
        .to_json()
        .to_string();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json;charset=utf-8\r\n\
         cache-control: max-age=0, no-cache, no-store\r\ncontent-length: {}\r\n\
         connection: close\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len()
    );
    if let Some(date) = date {
        head.push_str(&format!("date: {date}\r\n"));
    }
    head.push_str("\r\n");
    let mut answer = head.into_bytes();
    answer.extend_from_slice(body.as_bytes());
    Some(answer)
}

/// Test support for a reader of raw bytes: fails, naming the input, unless `refused` is
/// true for every one of `inputs` (each a malformed document, head or request).
#[cfg(test)]
pub(crate) fn assert_each_refused(inputs: &[&[u8]], refused: impl Fn(&[u8]) -> bool) {
    for input in inputs {
        assert!(
            refused(input),
            "not refused: {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_bare_error_heads() {
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Sat, 05 Dec 2026 03:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(rewrite(bare).expect("rewritten")).expect("utf-8");
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
        assert!(answer.contains("connection: close\r\n"), "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).expect("body");
        let json: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(json["status"], 400);
        assert_eq!(json["code"], "bad_request");
        let big = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        assert!(rewrite(big).is_some());
        assert_each_refused(
            &[
                b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n",
                b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
                b"HTTP/1.1 400 Bad Request\r\ncontent-length: 5\r\n\r\n",
                b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nbody",
            ],
            |other| rewrite(other).is_none(),
        );
    }
}
