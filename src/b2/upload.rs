//! Upload bodies for b2_upload_file and b2_upload_part: bytes in memory (SHA-1 sent in the
//! header), a stream that ends with its own SHA-1 (`hex_digits_at_end`), so a file is read
//! from disk once, in bounded memory, or a stream whose SHA-1 is already known.

use bytes::Bytes;
use sha1::{Digest, Sha1};

/// The bytes of one upload.
pub enum UploadBody {
    /// In memory; the SHA-1 is computed when the request is built.
    Bytes(Bytes),
    /// A stream of `content_length` bytes followed by the 40 lower-case hex digits of their
    /// SHA-1 (`X-Bz-Content-Sha1: hex_digits_at_end`); B2 checks the digits.
    HexAtEnd {
        content_length: u64,
        stream: reqwest::Body,
    },
    /// A stream of `content_length` bytes whose SHA-1 (40 hex) is already known, sent in
    /// the header: the bytes are not hashed again on the way out; B2 still checks them.
    Known {
        content_length: u64,
        sha1: String,
        stream: reqwest::Body,
    },
}

impl std::fmt::Debug for UploadBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "UploadBody::Bytes({} bytes)", b.len()),
            Self::HexAtEnd { content_length, .. } => {
                write!(f, "UploadBody::HexAtEnd({content_length} bytes)")
            }
            Self::Known { content_length, .. } => {
                write!(f, "UploadBody::Known({content_length} bytes)")
            }
        }
    }
}

/// Length of the SHA-1 trailer of `hex_digits_at_end`.
pub const SHA1_HEX_LEN: u64 = 40;

impl UploadBody {
    /// Sets `Content-Length`, `X-Bz-Content-Sha1` and the body. Content-Length is always
    /// explicit: B2 refuses chunked uploads.
    pub(super) fn attach(self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Self::Bytes(body) => req
                .header("Content-Length", body.len())
                .header("X-Bz-Content-Sha1", hex::encode(Sha1::digest(&body)))
                .body(body),
            Self::HexAtEnd {
                content_length,
                stream,
            } => req
                .header("Content-Length", content_length + SHA1_HEX_LEN)
                .header("X-Bz-Content-Sha1", "hex_digits_at_end")
                .body(stream),
            Self::Known {
                content_length,
                sha1,
                stream,
            } => req
                .header("Content-Length", content_length)
                .header("X-Bz-Content-Sha1", sha1)
                .body(stream),
        }
    }
}
