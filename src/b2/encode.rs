//! B2's percent-encoding of names in headers, URL paths and query strings (§10):
//! keep `A–Z a–z 0–9 - . _ ~ /` literal, encode every other byte; decode both forms,
//! with `+` read as a space.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
const KEEP_SLASH: &AsciiSet = &KEEP.remove(b'/');

/// Encodes a file name for `X-Bz-File-Name` or a `/file/<bucket>/<name>` path (`/` literal).
pub fn encode_name(name: &str) -> String {
    utf8_percent_encode(name, KEEP_SLASH).to_string()
}

/// Encodes a value for a query string or an `X-Bz-Info-*` header (`/` encoded too).
pub fn encode_value(value: &str) -> String {
    utf8_percent_encode(value, KEEP).to_string()
}

/// Decodes a percent-encoded value from B2 (`+` is a space). Invalid UTF-8 is replaced.
pub fn decode(value: &str) -> String {
    let plus_as_space = value.replace('+', " ");
    percent_decode_str(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_b2_expects() {
        assert_eq!(encode_name("a b/c+d.txt"), "a%20b/c%2Bd.txt");
        assert_eq!(encode_name("自由"), "%E8%87%AA%E7%94%B1");
        assert_eq!(encode_name("\u{10400}"), "%F0%90%90%80");
        assert_eq!(encode_value("x/y"), "x%2Fy");
        assert_eq!(encode_name("~_-."), "~_-.");
    }

    #[test]
    fn decodes_both_forms() {
        assert_eq!(decode("a+b%2Bc"), "a b+c");
        assert_eq!(decode("%41%20/"), "A /");
        assert_eq!(decode(&encode_name("été/ü x")), "été/ü x");
    }
}
