//! The signature chain of a body sent aws-chunked with `STREAMING-AWS4-HMAC-SHA256-
//! PAYLOAD[-TRAILER]`: the key derived for the request signs each chunk in turn, each
//! signature covering the previous one from the request's own (seed) signature, and the
//! trailing headers last.

use sha2::{Digest, Sha256};

use super::S3Error;
use super::sigv4::{EMPTY_SHA256, Payload, Signed, constant_time_eq, hmac, scope, signing_key};

/// The signature chain of an aws-chunked body: each chunk's signature covers the
/// previous one, starting from the request's (seed) signature.
#[derive(Clone)]
pub struct ChunkChain {
    key: Vec<u8>,
    amz_date: String,
    scope: String,
    previous: String,
}

impl std::fmt::Debug for ChunkChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkChain")
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

impl ChunkChain {
    /// The chain of a request whose signature was verified with `secret`; None unless
    /// its body is signed chunk by chunk.
    pub fn for_request(signed: &Signed, secret: &str) -> Option<ChunkChain> {
        matches!(signed.payload, Payload::Streaming { .. }).then(|| ChunkChain {
            key: signing_key(signed, secret),
            amz_date: signed.amz_date.clone(),
            scope: scope(signed),
            previous: signed.signature.clone(),
        })
    }

    fn check(&mut self, to_sign: String, claimed: &str) -> Result<(), S3Error> {
        let expected = hex::encode(hmac(&self.key, &to_sign));
        if !constant_time_eq(expected.as_bytes(), claimed.as_bytes()) {
            return Err(S3Error::signature_mismatch());
        }
        self.previous = expected;
        Ok(())
    }

    /// Checks the signature of the next chunk, whose content has SHA-256 `sha256_hex`.
    pub fn chunk(&mut self, sha256_hex: &str, claimed: &str) -> Result<(), S3Error> {
        let to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{}\n{}\n{}\n{EMPTY_SHA256}\n{sha256_hex}",
            self.amz_date, self.scope, self.previous
        );
        self.check(to_sign, claimed)
    }

    /// Checks the signature of the trailing headers (`name:value\n` each).
    pub fn trailer(&mut self, trailer_text: &str, claimed: &str) -> Result<(), S3Error> {
        let to_sign = format!(
            "AWS4-HMAC-SHA256-TRAILER\n{}\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            self.previous,
            hex::encode(Sha256::digest(trailer_text.as_bytes()))
        );
        self.check(to_sign, claimed)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use axum::http::{HeaderMap, Method, Uri};

    use super::*;
    use crate::emulator::s3::sigv4::{STREAMING, parse, parse_amz_date, verify};

    /// The chunked upload example of the AWS documentation ("Signature Calculations for
    /// the Authorization Header: Transferring Payload in Multiple Chunks").
    #[test]
    fn aws_documented_chunk_chain() {
        let uri: Uri = "/examplebucket/chunkObject.txt".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", "s3.amazonaws.com".parse().unwrap());
        headers.insert("x-amz-date", "20130524T000000Z".parse().unwrap());
        headers.insert("x-amz-storage-class", "REDUCED_REDUNDANCY".parse().unwrap());
        headers.insert("x-amz-content-sha256", STREAMING.parse().unwrap());
        headers.insert("content-encoding", "aws-chunked".parse().unwrap());
        headers.insert("x-amz-decoded-content-length", "66560".parse().unwrap());
        headers.insert("content-length", "66824".parse().unwrap());
        headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
                .parse()
                .unwrap(),
        );
        let signed = parse(&headers, &uri).unwrap();
        assert_eq!(signed.payload, Payload::Streaming { trailer: false });
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let at = parse_amz_date("20130524T000000Z").unwrap();
        verify(&signed, secret, &Method::PUT, &uri, &headers, at).unwrap();
        let mut chain = ChunkChain::for_request(&signed, secret).unwrap();
        let sha = |data: &[u8]| hex::encode(Sha256::digest(data));
        let wrong = chain.clone().chunk(&sha(&[b'a'; 65536]), "00");
        assert_eq!(wrong.unwrap_err().code, "SignatureDoesNotMatch");
        chain
            .chunk(
                &sha(&[b'a'; 65536]),
                "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            )
            .unwrap();
        chain
            .chunk(
                &sha(&[b'a'; 1024]),
                "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            )
            .unwrap();
        chain
            .chunk(
                &sha(b""),
                "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
            )
            .unwrap();
    }
}
