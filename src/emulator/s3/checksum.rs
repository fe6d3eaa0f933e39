//! The additional checksums of S3 uploads (`x-amz-checksum-crc32|crc32c|sha1|sha256`, as
//! a header or an aws-chunked trailer): base64 of the big-endian CRC or of the digest.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Reflected CRC-32 polynomials: IEEE (crc32) and Castagnoli (crc32c).
const IEEE: u32 = 0xEDB8_8320;
const CASTAGNOLI: u32 = 0x82F6_3B78;

fn table(poly: u32) -> [u32; 256] {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut crc = i as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
        }
        *slot = crc;
    }
    table
}

/// A running checksum of one of S3's algorithms.
pub enum Checksum {
    Crc { table: Box<[u32; 256]>, crc: u32 },
    Sha1(Sha1),
    Sha256(Sha256),
}

impl Checksum {
    /// The checksum for a header or trailer name (`x-amz-checksum-crc32`...).
    pub fn for_header(name: &str) -> Option<Checksum> {
        let crc = |poly| Checksum::Crc {
            table: Box::new(table(poly)),
            crc: !0,
        };
        match name.strip_prefix("x-amz-checksum-")? {
            "crc32" => Some(crc(IEEE)),
            "crc32c" => Some(crc(CASTAGNOLI)),
            "sha1" => Some(Checksum::Sha1(Sha1::new())),
            "sha256" => Some(Checksum::Sha256(Sha256::new())),
            _ => None,
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Checksum::Crc { table, crc } => {
                for byte in data {
                    *crc = table[((*crc ^ u32::from(*byte)) & 0xff) as usize] ^ (*crc >> 8);
                }
            }
            Checksum::Sha1(h) => h.update(data),
            Checksum::Sha256(h) => h.update(data),
        }
    }

    /// The base64 text S3 sends and expects.
    pub fn finish(self) -> String {
        match self {
            Checksum::Crc { crc, .. } => STANDARD.encode((!crc).to_be_bytes()),
            Checksum::Sha1(h) => STANDARD.encode(h.finalize()),
            Checksum::Sha256(h) => STANDARD.encode(h.finalize()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn of(name: &str, data: &[u8]) -> String {
        let mut sum = Checksum::for_header(name).unwrap();
        sum.update(data);
        sum.finish()
    }

    #[test]
    fn known_values() {
        // CRC-32 of "123456789" is CBF43926, CRC-32C E3069283.
        assert_eq!(of("x-amz-checksum-crc32", b"123456789"), "y/Q5Jg==");
        assert_eq!(of("x-amz-checksum-crc32c", b"123456789"), "4waSgw==");
        assert_eq!(
            of("x-amz-checksum-sha1", b""),
            "2jmj7l5rSw0yVb/vlWAYkK/YBwk="
        );
        assert!(Checksum::for_header("x-amz-checksum-md5").is_none());
    }
}
