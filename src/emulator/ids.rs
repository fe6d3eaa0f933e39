//! Id generation. Ids come from counters (kept in the store), never from randomness,
//! so they are unique and deterministic; only tokens and secrets are random.

use chrono::{DateTime, Utc};
use sha1::{Digest, Sha1};

/// accountId: 12 hex digits derived from the master key id, stable across restarts.
pub fn account_id(master_key_id: &str) -> String {
    let digest = Sha1::digest(format!("b2tui-account:{master_key_id}").as_bytes());
    hex::encode(digest)[..12].to_string()
}

/// bucketId: 24 hex digits, a counter followed by the account id.
pub fn bucket_id(account_id: &str, counter: u64) -> String {
    format!(
        "{:012x}{:0>12}",
        counter & 0xffff_ffff_ffff,
        &account_id[..account_id.len().min(12)]
    )
}

/// applicationKeyId of a non-master key: `00` + `3` + account id + 10 hex counter digits.
pub fn key_id(account_id: &str, counter: u64) -> String {
    format!("003{account_id}{:010x}", counter & 0xff_ffff_ffff)
}

/// fileId in the shape B2 uses (`4_z<bucket>_f<T><15 hex>_d<date>_m<time>_c000_v0001000_t<NNNN>`),
/// `T` = 1 for a small file, 2 for a large one. Clients and tools match `^4_z` and read `T`.
pub fn file_id(bucket_id: &str, large: bool, counter: u64, timestamp_ms: i64) -> String {
    let when = DateTime::<Utc>::from_timestamp_millis(timestamp_ms).unwrap_or_default();
    format!(
        "4_z{bucket_id}_f{}{:015x}_d{}_m{}_c000_v0001000_t{:04}",
        if large { 2 } else { 1 },
        counter & 0x0fff_ffff_ffff_ffff,
        when.format("%Y%m%d"),
        when.format("%H%M%S"),
        counter % 10_000,
    )
}

/// The bucket id embedded in a well-formed file id.
pub fn bucket_of_file_id(file_id: &str) -> Option<&str> {
    let rest = file_id.strip_prefix("4_z")?;
    let end = rest.find("_f")?;
    Some(&rest[..end])
}

/// A random opaque string of `bytes` random bytes, hex-encoded.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    hex::encode(buf)
}

/// A random secret of `len` characters from letters and digits (application keys).
pub fn random_secret(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut buf = vec![0u8; len];
    rand::fill(&mut buf[..]);
    buf.iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// Secrets are kept only as a salted SHA-1 hex digest.
pub fn secret_hash(key_id: &str, secret: &str) -> String {
    hex::encode(Sha1::digest(
        format!("b2tui-key:{key_id}:{secret}").as_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_id_shape() {
        let id = file_id("000000000001aabbccddeeff", false, 7, 1_767_225_600_000);
        assert_eq!(
            id,
            "4_z000000000001aabbccddeeff_f1000000000000007_d20260101_m000000_c000_v0001000_t0007"
        );
        assert_eq!(bucket_of_file_id(&id), Some("000000000001aabbccddeeff"));
        assert!(file_id("b", true, 1, 0).contains("_f2"));
    }

    #[test]
    fn bucket_and_account_ids() {
        let account = account_id("0012abc");
        assert_eq!(account.len(), 12);
        let bucket = bucket_id(&account, 1);
        assert_eq!(bucket.len(), 24);
        assert!(bucket.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(key_id(&account, 1).len(), 25);
    }
}
