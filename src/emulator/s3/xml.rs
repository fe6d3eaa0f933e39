//! The XML of S3 answers: escaping, the `<Error>` document and the time formats S3 uses.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub const NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// What `encoding-type=url` leaves unencoded in keys: letters, digits, `-_.~/`.
const KEY_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Escapes text for an element's content; control characters become character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `<name>escaped text</name>`.
pub fn element(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", escape(text))
}

/// A key or prefix as listed: percent-encoded when the client asked `encoding-type=url`.
pub fn listed(text: &str, url_encoded: bool) -> String {
    if url_encoded {
        utf8_percent_encode(text, KEY_SAFE).to_string()
    } else {
        text.to_string()
    }
}

/// `2009-10-12T17:50:30.000Z`, as in listings.
pub fn iso_time(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// `Wed, 21 Oct 2015 07:28:00 GMT`, as in `Last-Modified`.
pub fn http_time(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// A 200 XML answer with `body` after the XML declaration.
pub fn ok(body: String) -> Response {
    let mut response = Response::new(Body::from(format!("{DECLARATION}{body}")));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    response
}

/// The `<Error>` document with `status`; no body for HEAD requests.
pub fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    resource: &str,
    head: bool,
) -> Response {
    let body = if head {
        Body::empty()
    } else {
        Body::from(format!(
            "{DECLARATION}<Error>{}{}{}</Error>",
            element("Code", code),
            element("Message", message),
            element("Resource", resource)
        ))
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;&#x1;");
        assert_eq!(listed("a b/ü%", true), "a%20b/%C3%BC%25");
        assert_eq!(iso_time(1_000), "1970-01-01T00:00:01.000Z");
        assert_eq!(http_time(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
