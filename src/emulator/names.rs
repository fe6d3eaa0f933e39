//! Name rules of B2: bucket names (§9.1), file names (§9.2), file info (§9.3), and the
//! percent-encoding of names in headers, paths and query strings (§10).

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::emulator::error::ApiError;

/// Longest file name, in UTF-8 bytes.
pub const MAX_FILE_NAME_BYTES: usize = 1024;
/// Longest `/`-separated segment of a file name, in bytes.
const MAX_SEGMENT_BYTES: usize = 250;
/// At most this many custom file-info entries.
pub const MAX_FILE_INFO: usize = 10;
/// File name + info, as encoded header lines, must fit this budget.
const MAX_HEADER_BUDGET: usize = 7000;
/// The smaller budget of files in Object-Lock buckets (§9.3).
pub const LOCK_HEADER_BUDGET: usize = 2048;

/// Infos that become response headers on download instead of `X-Bz-Info-*`.
pub const B2_HEADER_INFOS: [(&str, &str); 5] = [
    ("b2-content-disposition", "content-disposition"),
    ("b2-content-language", "content-language"),
    ("b2-expires", "expires"),
    ("b2-cache-control", "cache-control"),
    ("b2-content-encoding", "content-encoding"),
];

pub fn validate_bucket_name(name: &str) -> Result<(), ApiError> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !(6..=63).contains(&name.len()) || !ok_chars {
        return Err(ApiError::bad_request(format!(
            "Invalid bucketName: {name}: bucket names must be 6-63 characters of letters, digits and '-'"
        )));
    }
    if name.to_ascii_lowercase().starts_with("b2-") {
        return Err(ApiError::bad_request(format!(
            "Invalid bucketName: {name}: names starting with 'b2-' are reserved"
        )));
    }
    Ok(())
}

pub fn validate_file_name(name: &str) -> Result<(), ApiError> {
    let fail = |why: &str| Err(ApiError::bad_request(format!("Invalid fileName: {why}")));
    if name.is_empty() {
        return fail("file name is empty");
    }
    if name.len() > MAX_FILE_NAME_BYTES {
        return fail("file name is longer than 1024 bytes");
    }
    if name.chars().any(|c| c < ' ' || c == '\u{7f}') {
        return fail("file names must not contain control characters");
    }
    if name.starts_with('/') || name.ends_with('/') || name.contains("//") {
        return fail("file names must not start or end with '/' or contain '//'");
    }
    if name
        .split('/')
        .any(|segment| segment.len() > MAX_SEGMENT_BYTES)
    {
        return fail("file name segments must be at most 250 bytes");
    }
    Ok(())
}

/// Checks a set of file-info entries (keys already lower-cased).
pub fn validate_file_info(
    info: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), ApiError> {
    let custom = info.keys().filter(|k| !k.starts_with("b2-")).count();
    if custom > MAX_FILE_INFO {
        return Err(ApiError::bad_request(format!(
            "too many file info entries: {custom}, at most {MAX_FILE_INFO} are allowed"
        )));
    }
    for (key, value) in info {
        validate_info_key(key)?;
        if !value.is_string() {
            return Err(ApiError::bad_request(format!(
                "fileInfo value of {key} must be a string"
            )));
        }
    }
    Ok(())
}

fn validate_info_key(key: &str) -> Result<(), ApiError> {
    const SYMBOLS: &str = "-_.`~!#$%^&*'|+";
    if key.is_empty()
        || key.len() > 50
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SYMBOLS.contains(c))
    {
        return Err(ApiError::bad_request(format!(
            "Invalid fileInfo key: {key}"
        )));
    }
    if key.starts_with("b2-") && !B2_HEADER_INFOS.iter().any(|(k, _)| *k == key) {
        return Err(ApiError::bad_request(format!(
            "Invalid fileInfo key: {key}: keys starting with 'b2-' are reserved"
        )));
    }
    Ok(())
}

/// Enforces the 7,000-byte budget of file name plus info as encoded header lines.
pub fn check_header_budget(
    name: &str,
    info: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), ApiError> {
    check_header_budget_within(name, info, MAX_HEADER_BUDGET)
}

/// Enforces a budget of `limit` bytes for file name plus info as encoded header lines.
pub fn check_header_budget_within(
    name: &str,
    info: &serde_json::Map<String, serde_json::Value>,
    limit: usize,
) -> Result<(), ApiError> {
    let mut total = "X-Bz-File-Name: \r\n".len() + encode(name).len();
    for (key, value) in info {
        let value = value.as_str().unwrap_or_default();
        total += "X-Bz-Info-: \r\n".len() + key.len() + encode(value).len();
    }
    if total > limit {
        return Err(ApiError::bad_request(format!(
            "file name and file info are too large: {total} bytes of headers, at most {limit}"
        )));
    }
    Ok(())
}

/// Bytes that stay literal in the minimal form: letters, digits, `/` and
/// `! $ ' ( ) * - . : ; = @ _ ~`; everything else (space included) becomes `%XX`.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'/')
    .remove(b':')
    .remove(b';')
    .remove(b'=')
    .remove(b'@')
    .remove(b'_')
    .remove(b'~');

/// Percent-decodes a name or value, accepting both B2 forms; `+` means space. A `%` not
/// followed by two hex digits is an error here (the crate would pass it through).
pub fn decode(raw: &str) -> Result<String, ApiError> {
    let bytes = raw.as_bytes();
    let stray_percent = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if stray_percent {
        return Err(ApiError::bad_request(format!(
            "invalid percent-encoding in {raw:?}"
        )));
    }
    percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| ApiError::bad_request(format!("percent-decoded value is not UTF-8: {raw:?}")))
}

/// Percent-encodes in the minimal form (see [`ENCODED`]).
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, ENCODED).to_string()
}

/// Parses a query string into decoded key/value pairs.
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(key)?, decode(value)?))
        })
        .collect()
}

/// The smallest string greater than every string that starts with `prefix`
/// (None when no such string exists). Byte order equals code-point order in UTF-8,
/// so bumping the last character is enough.
pub fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = u32::from(last) + 1;
        if (0xD800..0xE000).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Content type for `b2/x-auto`, from the file extension (`application/octet-stream`
/// when there is none or it is unknown).
pub fn content_type_for(name: &str) -> &'static str {
    mime_guess::from_path(name)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

/// The content type to store: `b2/x-auto` picks one from the file name's extension.
pub fn resolve_content_type(value: &str, file_name: &str) -> Result<String, ApiError> {
    if value == "b2/x-auto" {
        return Ok(content_type_for(file_name).to_string());
    }
    validate_content_type(value)?;
    Ok(value.to_string())
}

/// File info given as a JSON object (start_large_file, copy_file): keys lower-cased,
/// then checked like `X-Bz-Info-*` headers. Absent = empty.
pub fn file_info_from_json(
    value: Option<serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    let map = match value {
        None => serde_json::Map::new(),
        Some(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect(),
        Some(_) => return Err(ApiError::bad_request("fileInfo must be an object")),
    };
    validate_file_info(&map)?;
    Ok(map)
}

/// B2 stores any content type string as given (`arbitrarystring` included); only one
/// that could not be sent back as a `Content-Type` header (empty, or with control
/// characters) is refused.
pub fn validate_content_type(value: &str) -> Result<(), ApiError> {
    if !value.trim().is_empty() && !value.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "Invalid contentType: {}",
            value.escape_debug()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_accepts_both_forms() {
        assert_eq!(decode("a+b%20c").unwrap(), "a b c");
        assert_eq!(decode("%41%42/c").unwrap(), "AB/c");
        assert_eq!(decode("%E8%87%AA%E7%94%B1").unwrap(), "自由");
        assert_eq!(decode("%2B").unwrap(), "+");
        assert!(decode("%G1").is_err());
        assert!(decode("%4").is_err());
        assert!(decode("100%").is_err());
        assert!(decode("%FF").is_err());
    }

    #[test]
    fn encode_keeps_the_minimal_set_literal() {
        assert_eq!(encode("!$'()*-./:;=@_~"), "!$'()*-./:;=@_~");
        assert_eq!(encode("a+b&c é"), "a%2Bb%26c%20%C3%A9");
    }

    #[test]
    fn auto_content_types_come_from_the_extension() {
        for (name, want) in [
            ("notes/a.txt", "text/plain"),
            ("IMG_1.JPG", "image/jpeg"),
            ("site/index.html", "text/html"),
            ("README", "application/octet-stream"),
            ("v1.2/file", "application/octet-stream"),
            ("disk.unknownext", "application/octet-stream"),
        ] {
            assert_eq!(content_type_for(name), want, "{name}");
        }
    }

    #[test]
    fn encode_round_trips() {
        for name in [
            "a b+c",
            "photos/été/crème brûlée.jpg",
            "x%y&z?#",
            "日本語/ファイル.txt",
        ] {
            assert_eq!(decode(&encode(name)).unwrap(), name);
        }
        assert_eq!(encode("a b/c"), "a%20b/c");
    }

    #[test]
    fn successor_skips_prefix() {
        assert_eq!(successor("a/").as_deref(), Some("a0"));
        assert_eq!(successor("é").as_deref(), Some("ê"));
        assert_eq!(successor(""), None);
    }

    #[test]
    fn file_name_rules() {
        assert!(validate_file_name("a/b.txt").is_ok());
        assert!(validate_file_name("/a").is_err());
        assert!(validate_file_name("a/").is_err());
        assert!(validate_file_name("a//b").is_err());
        assert!(validate_file_name("a\nb").is_err());
        assert!(validate_file_name("").is_err());
        assert!(validate_file_name(&"x".repeat(251)).is_err());
    }

    #[test]
    fn bucket_name_rules() {
        assert!(validate_bucket_name("my-bucket").is_ok());
        assert!(validate_bucket_name("short").is_err());
        assert!(validate_bucket_name("b2-reserved").is_err());
        assert!(validate_bucket_name("bad_name!").is_err());
    }
}
