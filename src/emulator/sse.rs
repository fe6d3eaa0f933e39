//! Server-side encryption of file versions (§3.6): none, SSE-B2 (B2-managed keys) or
//! SSE-C (customer keys). Bytes are kept as sent; what matters to clients is what each
//! version reports and that SSE-C content is only read or copied with the same key. Of a
//! customer key only its MD5 (base64) is ever kept.

use axum::http::HeaderMap;
use base64::Engine;
use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::emulator::error::ApiError;

const ALGORITHM: &str = "AES256";
const SSE_B2: &str = "SSE-B2";
const SSE_C: &str = "SSE-C";

/// B2's answer to reading an SSE-C object without its key.
pub const SSE_C_KEY_MISSING: &str = "The object was stored using a form of Server Side \
Encryption. The correct parameters must be provided to retrieve the object.";

const HEADER_SSE: &str = "x-bz-server-side-encryption";
const HEADER_ALGORITHM: &str = "x-bz-server-side-encryption-customer-algorithm";
const HEADER_KEY: &str = "x-bz-server-side-encryption-customer-key";
const HEADER_KEY_MD5: &str = "x-bz-server-side-encryption-customer-key-md5";

/// How one version is encrypted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Sse {
    #[default]
    None,
    B2,
    /// SSE-C: the base64 MD5 of the customer's key.
    Customer(String),
}

impl Sse {
    /// Stored form: (mode column, key MD5 column).
    pub fn to_columns(&self) -> (Option<&'static str>, Option<&str>) {
        match self {
            Sse::None => (None, None),
            Sse::B2 => (Some(SSE_B2), None),
            Sse::Customer(md5) => (Some(SSE_C), Some(md5.as_str())),
        }
    }

    pub fn from_columns(mode: Option<&str>, key_md5: Option<String>) -> Sse {
        match (mode, key_md5) {
            (Some(SSE_B2), _) => Sse::B2,
            (Some(SSE_C), Some(md5)) => Sse::Customer(md5),
            _ => Sse::None,
        }
    }

    /// The `serverSideEncryption` object of file versions and parts; never the key.
    pub fn to_json(&self) -> Value {
        match self {
            Sse::None => json!({"algorithm": null, "mode": null}),
            Sse::B2 => json!({"algorithm": ALGORITHM, "mode": SSE_B2}),
            Sse::Customer(md5) => {
                json!({"algorithm": ALGORITHM, "customerKeyMd5": md5, "mode": SSE_C})
            }
        }
    }

    /// What a bucket's stored `defaultServerSideEncryption` gives new versions.
    pub fn bucket_default(stored: &Value) -> Sse {
        if stored.get("mode").and_then(Value::as_str) == Some(SSE_B2) {
            Sse::B2
        } else {
            Sse::None
        }
    }

    /// Encryption of an upload (b2_upload_file, b2_upload_part headers): SSE-C when the
    /// customer headers are present, SSE-B2 when asked for or the bucket default.
    pub fn from_upload_headers(headers: &HeaderMap, default: Sse) -> Result<Sse, ApiError> {
        let customer = customer_key_from_headers(headers)?;
        let b2 = header(headers, HEADER_SSE)?;
        match (customer, b2) {
            (Some(_), Some(_)) => Err(ApiError::bad_request(
                "X-Bz-Server-Side-Encryption cannot be combined with customer key headers",
            )),
            (Some(md5), None) => Ok(Sse::Customer(md5)),
            (None, Some(algorithm)) if algorithm == ALGORITHM => Ok(Sse::B2),
            (None, Some(other)) => Err(ApiError::bad_request(format!(
                "Invalid X-Bz-Server-Side-Encryption: {other}: only AES256 is supported"
            ))),
            (None, None) => Ok(default),
        }
    }

    /// Encryption asked for in JSON (`serverSideEncryption` of b2_start_large_file,
    /// `destinationServerSideEncryption` of copies); absent → `default`.
    pub fn from_request_json(value: Option<&Value>, default: Sse) -> Result<Sse, ApiError> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(default);
        };
        match value.get("mode").and_then(Value::as_str) {
            Some(SSE_B2) => {
                check_algorithm(value)?;
                Ok(Sse::B2)
            }
            Some(SSE_C) => customer_key_from_json(value).map(Sse::Customer),
            Some("none") | None => Ok(Sse::None),
            Some(other) => Err(ApiError::bad_request(format!(
                "Invalid server side encryption mode: {other}"
            ))),
        }
    }

    /// Writing to an SSE-C large file (a part, a copied part) needs the key it was
    /// started with (by MD5); a missing or other key is 400 `bad_request`.
    pub fn check_customer_key(&self, given: Option<&str>) -> Result<(), ApiError> {
        let Sse::Customer(stored) = self else {
            return Ok(());
        };
        match given {
            Some(md5) if md5 == stored => Ok(()),
            Some(_) => Err(ApiError::bad_request(
                "The provided customer key does not match the one the file was encrypted with",
            )),
            None => Err(ApiError::bad_request(
                "The file is encrypted with a customer key (SSE-C); send the key to write it",
            )),
        }
    }

    /// Reading SSE-C content (download, copy source) needs the same customer key (by
    /// MD5); anything else reads freely. As B2: a missing key is 400 `bad_request`, a
    /// wrong one 403 `access_denied`.
    pub fn check_read_key(&self, given: Option<&str>) -> Result<(), ApiError> {
        let Sse::Customer(stored) = self else {
            return Ok(());
        };
        match given {
            Some(md5) if md5 == stored => Ok(()),
            Some(_) => Err(ApiError::access_denied(
                "The provided customer key does not match the one the object was encrypted with",
            )),
            None => Err(ApiError::bad_request(SSE_C_KEY_MISSING)),
        }
    }

    /// Response headers of a download of this version.
    pub fn download_headers(&self) -> Vec<(&'static str, String)> {
        match self {
            Sse::None => Vec::new(),
            Sse::B2 => vec![(HEADER_SSE, ALGORITHM.to_string())],
            Sse::Customer(md5) => vec![
                (HEADER_ALGORITHM, ALGORITHM.to_string()),
                (HEADER_KEY_MD5, md5.clone()),
            ],
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map(str::trim)
                .map_err(|_| ApiError::bad_request(format!("header {name} must be ASCII")))
        })
        .transpose()
}

fn check_algorithm(value: &Value) -> Result<(), ApiError> {
    match value.get("algorithm").and_then(Value::as_str) {
        Some(ALGORITHM) | None => Ok(()),
        Some(other) => Err(ApiError::bad_request(format!(
            "Invalid server side encryption algorithm: {other}: only AES256 is supported"
        ))),
    }
}

/// Validates a customer key (base64 of 32 bytes) against its MD5 (base64, computed when
/// absent) and returns the MD5.
fn checked_key_md5(key: &str, md5: Option<&str>) -> Result<String, ApiError> {
    let engine = base64::engine::general_purpose::STANDARD;
    let raw = engine
        .decode(key.trim())
        .map_err(|_| ApiError::bad_request("the customer key must be base64"))?;
    if raw.len() != 32 {
        return Err(ApiError::bad_request(format!(
            "the customer key must be 256 bits, got {} bits",
            raw.len() * 8
        )));
    }
    let computed = engine.encode(Md5::digest(&raw));
    match md5.map(str::trim) {
        Some(given) if given != computed => Err(ApiError::bad_request(
            "the customer key MD5 does not match the customer key",
        )),
        _ => Ok(computed),
    }
}

/// The customer key MD5 from the three `X-Bz-Server-Side-Encryption-Customer-*` headers
/// (None when absent; the algorithm and key must come together).
pub fn customer_key_from_headers(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    customer_key_md5(
        header(headers, HEADER_ALGORITHM)?,
        header(headers, HEADER_KEY)?,
        header(headers, HEADER_KEY_MD5)?,
        "X-Bz-Server-Side-Encryption",
    )
}

/// The customer key MD5 of an SSE-C algorithm, key and (optional) key MD5 given under
/// the header family `family` (`X-Bz-Server-Side-Encryption`, or S3's
/// `x-amz-server-side-encryption`); None when none of them is given.
pub fn customer_key_md5(
    algorithm: Option<&str>,
    key: Option<&str>,
    md5: Option<&str>,
    family: &str,
) -> Result<Option<String>, ApiError> {
    match (algorithm, key) {
        (None, None) if md5.is_none() => Ok(None),
        (Some(ALGORITHM), Some(key)) => checked_key_md5(key, md5).map(Some),
        (Some(other), Some(_)) => Err(ApiError::bad_request(format!(
            "Invalid {family}-Customer-Algorithm: {other}: only AES256"
        ))),
        _ => Err(ApiError::bad_request(format!(
            "SSE-C needs {family}-Customer-Algorithm and -Customer-Key"
        ))),
    }
}

/// The customer key MD5 of an SSE-C JSON setting (`customerKey`, `customerKeyMd5`).
fn customer_key_from_json(value: &Value) -> Result<String, ApiError> {
    check_algorithm(value)?;
    let key = value
        .get("customerKey")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("SSE-C needs customerKey"))?;
    checked_key_md5(key, value.get("customerKeyMd5").and_then(Value::as_str))
}

/// The customer key MD5 given for reading a copy source (`sourceServerSideEncryption`).
pub fn source_key_from_json(value: Option<&Value>) -> Result<Option<String>, ApiError> {
    match value.filter(|v| !v.is_null()) {
        Some(v) if v.get("mode").and_then(Value::as_str) == Some(SSE_C) => {
            customer_key_from_json(v).map(Some)
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_and_md5() -> (String, String) {
        let engine = base64::engine::general_purpose::STANDARD;
        let raw = [7u8; 32];
        (engine.encode(raw), engine.encode(Md5::digest(raw)))
    }

    #[test]
    fn customer_keys_are_checked_and_only_their_md5_kept() {
        let (key, md5) = key_and_md5();
        let mut headers = HeaderMap::new();
        headers.insert(HEADER_ALGORITHM, "AES256".parse().unwrap());
        headers.insert(HEADER_KEY, key.parse().unwrap());
        let sse = Sse::from_upload_headers(&headers, Sse::B2).unwrap();
        assert_eq!(sse, Sse::Customer(md5.clone()));
        assert!(!sse.to_json().to_string().contains(&key));
        headers.insert(HEADER_KEY_MD5, "AAAA".parse().unwrap());
        assert!(Sse::from_upload_headers(&headers, Sse::B2).is_err());
        assert!(sse.check_customer_key(Some(&md5)).is_ok());
        assert!(sse.check_customer_key(Some("other")).is_err());
        assert!(sse.check_customer_key(None).is_err());
        assert!(Sse::B2.check_customer_key(None).is_ok());
    }

    #[test]
    fn defaults_and_requests() {
        let none = HeaderMap::new();
        assert_eq!(Sse::from_upload_headers(&none, Sse::B2).unwrap(), Sse::B2);
        assert_eq!(
            Sse::from_upload_headers(&none, Sse::None).unwrap(),
            Sse::None
        );
        let mut b2 = HeaderMap::new();
        b2.insert(HEADER_SSE, "AES256".parse().unwrap());
        assert_eq!(Sse::from_upload_headers(&b2, Sse::None).unwrap(), Sse::B2);
        let asked = json!({"mode": "SSE-B2", "algorithm": "AES256"});
        assert_eq!(
            Sse::from_request_json(Some(&asked), Sse::None).unwrap(),
            Sse::B2
        );
        assert_eq!(Sse::from_request_json(None, Sse::B2).unwrap(), Sse::B2);
        assert_eq!(
            Sse::bucket_default(&json!({"mode": "SSE-B2", "algorithm": "AES256"})),
            Sse::B2
        );
        assert_eq!(
            Sse::bucket_default(&json!({"mode": null, "algorithm": null})),
            Sse::None
        );
        for sse in [Sse::None, Sse::B2, Sse::Customer("x".into())] {
            let (mode, md5) = sse.to_columns();
            assert_eq!(Sse::from_columns(mode, md5.map(str::to_string)), sse);
        }
    }
}
