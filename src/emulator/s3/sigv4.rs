//! AWS Signature Version 4 as S3 uses it: the `Authorization: AWS4-HMAC-SHA256 ...` header
//! or a presigned query (`X-Amz-*`). Parsing is separate from checking, so the caller can
//! look the access key up in the store between the two.

use axum::http::{HeaderMap, Method, Uri};
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::S3Error;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub const UNSIGNED: &str = "UNSIGNED-PAYLOAD";
/// aws-chunked body, each chunk signed in a chain from the request's signature.
pub const STREAMING: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/// The same with signed trailing headers (a checksum) after the last chunk.
pub const STREAMING_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
/// aws-chunked body without chunk signatures, with trailing headers.
pub const UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
/// SHA-256 of nothing, part of every chunk's string to sign.
pub(super) const EMPTY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Largest difference between the request's time and the server's clock.
pub const MAX_SKEW_MS: i64 = 15 * 60 * 1000;
/// Longest validity of a presigned URL (7 days, as S3).
const MAX_EXPIRES_SECS: i64 = 7 * 24 * 3600;

/// Characters AWS leaves unencoded: letters, digits and `-_.~`.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// How the body is vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Unsigned,
    /// Lower-case hex SHA-256 of the body, to be checked as it is read.
    Sha256(String),
    /// aws-chunked with chunk signatures; `trailer` when trailing headers follow.
    Streaming {
        trailer: bool,
    },
    /// aws-chunked without signatures, with trailing headers.
    UnsignedTrailer,
}

impl Payload {
    /// Whether the body is aws-chunked.
    pub fn chunked(&self) -> bool {
        matches!(self, Payload::Streaming { .. } | Payload::UnsignedTrailer)
    }
}

/// A parsed signature, not yet checked.
#[derive(Debug, Clone)]
pub struct Signed {
    pub access_key: String,
    date: String,
    region: String,
    pub(super) amz_date: String,
    signed_headers: Vec<String>,
    pub(super) signature: String,
    payload_claim: String,
    pub payload: Payload,
    presigned: bool,
    expires_secs: i64,
}

/// Whether a request carries an S3 signature at all.
pub fn is_signed(headers: &HeaderMap, uri: &Uri) -> bool {
    let header = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(ALGORITHM));
    header
        || uri
            .query()
            .is_some_and(|q| q.split('&').any(|p| p.starts_with("X-Amz-Algorithm=")))
}

fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn malformed(message: &str) -> S3Error {
    S3Error::bad_request("AuthorizationHeaderMalformed", message)
}

/// Reads the signature of a request (header form, else presigned query).
pub fn parse(headers: &HeaderMap, uri: &Uri) -> Result<Signed, S3Error> {
    let header = headers.get("authorization").and_then(|v| v.to_str().ok());
    if let Some(value) = header.filter(|v| v.starts_with(ALGORITHM)) {
        let mut credential = None;
        let mut signed = None;
        let mut signature = None;
        for part in value[ALGORITHM.len()..].split(',') {
            let Some((k, v)) = part.trim().split_once('=') else {
                continue;
            };
            match k {
                "Credential" => credential = Some(v.to_string()),
                "SignedHeaders" => signed = Some(v.to_string()),
                "Signature" => signature = Some(v.to_string()),
                _ => {}
            }
        }
        let amz_date = header_str(headers, "x-amz-date")
            .ok_or_else(|| S3Error::access_denied("AWS authentication requires x-amz-date"))?;
        let claim = header_str(headers, "x-amz-content-sha256").unwrap_or(UNSIGNED);
        return build(
            credential.ok_or_else(|| malformed("missing Credential"))?,
            &signed.ok_or_else(|| malformed("missing SignedHeaders"))?,
            signature.ok_or_else(|| malformed("missing Signature"))?,
            amz_date.to_string(),
            claim.to_string(),
            false,
            0,
        );
    }
    let pairs = query_pairs(uri);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let missing =
        || S3Error::access_denied("Query-string authentication requires X-Amz-* parameters");
    if get("X-Amz-Algorithm").as_deref() != Some(ALGORITHM) {
        return Err(missing());
    }
    let expires = get("X-Amz-Expires")
        .and_then(|e| e.parse::<i64>().ok())
        .filter(|e| (0..=MAX_EXPIRES_SECS).contains(e))
        .ok_or_else(|| S3Error::access_denied("X-Amz-Expires must be 0 to 604800 seconds"))?;
    build(
        get("X-Amz-Credential").ok_or_else(missing)?,
        &get("X-Amz-SignedHeaders").ok_or_else(missing)?,
        get("X-Amz-Signature").ok_or_else(missing)?,
        get("X-Amz-Date").ok_or_else(missing)?,
        UNSIGNED.to_string(),
        true,
        expires,
    )
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn build(
    credential: String,
    signed_headers: &str,
    signature: String,
    amz_date: String,
    payload_claim: String,
    presigned: bool,
    expires_secs: i64,
) -> Result<Signed, S3Error> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, "aws4_request"] = parts.as_slice() else {
        return Err(malformed(
            "Credential must be KEY/DATE/REGION/s3/aws4_request",
        ));
    };
    if *service != "s3" {
        return Err(malformed("the credential's service must be s3"));
    }
    if !amz_date.starts_with(date) {
        return Err(malformed("the credential's date does not match X-Amz-Date"));
    }
    let payload = match payload_claim.as_str() {
        UNSIGNED => Payload::Unsigned,
        hex if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            Payload::Sha256(hex.to_ascii_lowercase())
        }
        STREAMING if !presigned => Payload::Streaming { trailer: false },
        STREAMING_TRAILER if !presigned => Payload::Streaming { trailer: true },
        UNSIGNED_TRAILER if !presigned => Payload::UnsignedTrailer,
        _ => {
            return Err(S3Error::bad_request(
                "InvalidArgument",
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a hex SHA-256 or a STREAMING-* mode",
            ));
        }
    };
    Ok(Signed {
        access_key: access_key.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        amz_date,
        signed_headers: signed_headers.split(';').map(str::to_string).collect(),
        signature,
        payload_claim,
        payload,
        presigned,
        expires_secs,
    })
}

/// Milliseconds since the epoch of an `X-Amz-Date` (`20130524T000000Z`).
pub(super) fn parse_amz_date(text: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

/// The canonical query string: every parameter but the signature, strictly encoded, sorted.
fn canonical_query(uri: &Uri) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(uri)
        .into_iter()
        .filter(|(k, _)| k != "X-Amz-Signature")
        .map(|(k, v)| {
            (
                utf8_percent_encode(&k, STRICT).to_string(),
                utf8_percent_encode(&v, STRICT).to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn canonical_headers(headers: &HeaderMap, names: &[String]) -> Result<String, S3Error> {
    let mut out = String::new();
    for name in names {
        let values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if values.is_empty() {
            return Err(S3Error::access_denied(&format!(
                "signed header {name} is missing from the request"
            )));
        }
        out.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    Ok(out)
}

pub(super) fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length.
        Err(_) => Vec::new(),
    }
}

/// The expected signature of the request for `secret`.
pub fn expected_signature(
    signed: &Signed,
    secret: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<String, S3Error> {
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.as_str(),
        uri.path(),
        canonical_query(uri),
        canonical_headers(headers, &signed.signed_headers)?,
        signed.signed_headers.join(";"),
        signed.payload_claim
    );
    let to_sign = format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        signed.amz_date,
        scope(signed),
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    Ok(hex::encode(hmac(&signing_key(signed, secret), &to_sign)))
}

pub(super) fn scope(signed: &Signed) -> String {
    format!("{}/{}/s3/aws4_request", signed.date, signed.region)
}

/// The key derived from the secret for the request's date and region.
pub(super) fn signing_key(signed: &Signed, secret: &str) -> Vec<u8> {
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), &signed.date);
    for part in [signed.region.as_str(), "s3", "aws4_request"] {
        key = hmac(&key, part);
    }
    key
}

/// Checks the signature and the request's time against `now_ms`.
pub fn verify(
    signed: &Signed,
    secret: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    now_ms: i64,
) -> Result<(), S3Error> {
    let expected = expected_signature(signed, secret, method, uri, headers)?;
    if !constant_time_eq(expected.as_bytes(), signed.signature.as_bytes()) {
        return Err(S3Error::signature_mismatch());
    }
    let at = parse_amz_date(&signed.amz_date)
        .ok_or_else(|| S3Error::access_denied("X-Amz-Date must be YYYYMMDDTHHMMSSZ"))?;
    if signed.presigned {
        if now_ms > at + signed.expires_secs * 1000 {
            return Err(S3Error::access_denied("Request has expired"));
        }
        if at - now_ms > MAX_SKEW_MS {
            return Err(S3Error::access_denied("Request is not valid yet"));
        }
    } else if (now_ms - at).abs() > MAX_SKEW_MS {
        return Err(S3Error::skewed());
    }
    Ok(())
}

pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The GET Object example of the AWS Signature V4 documentation for S3.
    #[test]
    fn aws_documented_example() {
        let uri: Uri = "/test.txt".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", "examplebucket.s3.amazonaws.com".parse().unwrap());
        headers.insert("range", "bytes=0-9".parse().unwrap());
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        headers.insert("x-amz-content-sha256", empty.parse().unwrap());
        headers.insert("x-amz-date", "20130524T000000Z".parse().unwrap());
        headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
                .parse()
                .unwrap(),
        );
        let signed = parse(&headers, &uri).unwrap();
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let at = parse_amz_date("20130524T000000Z").unwrap();
        verify(&signed, secret, &Method::GET, &uri, &headers, at + 1000).unwrap();
        let wrong = verify(&signed, "other", &Method::GET, &uri, &headers, at);
        assert_eq!(wrong.unwrap_err().code, "SignatureDoesNotMatch");
        let late = verify(
            &signed,
            secret,
            &Method::GET,
            &uri,
            &headers,
            at + MAX_SKEW_MS + 1,
        );
        assert_eq!(late.unwrap_err().code, "RequestTimeTooSkewed");
    }

    #[test]
    fn query_is_sorted_and_strictly_encoded() {
        let uri: Uri = "/b?list-type=2&prefix=a%2Fb%20c&delimiter=%2F&X-Amz-Signature=x"
            .parse()
            .unwrap();
        assert_eq!(
            canonical_query(&uri),
            "delimiter=%2F&list-type=2&prefix=a%2Fb%20c"
        );
    }
}
