//! Receiving an object or part body into a blob, streamed, with every check S3 makes of
//! it: the signed `x-amz-content-sha256`, `Content-MD5`, an `x-amz-checksum-*` header or
//! trailer, aws-chunked decoding (signed chunks or an unsigned body with trailer) and
//! `x-amz-decoded-content-length`. A body that fails a check leaves nothing behind: the
//! blob is only committed by the caller.

use std::sync::Arc;

use axum::body::Body;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures::StreamExt;
use sha2::{Digest, Sha256};

use super::checksum::Checksum;
use super::chunked::Decoder;
use super::sigv4::Payload;
use super::{S3Error, S3Request};
use crate::emulator::State;
use crate::emulator::blobs::{Digests, PendingBlob};
use crate::emulator::handlers::files::MAX_FILE_SIZE;

fn bad_digest(message: &str) -> S3Error {
    S3Error::bad_request("BadDigest", message)
}

/// The checksum a request announces: `(header name, expected base64)`; the value is
/// empty when it comes as a trailer.
fn announced_checksum(request: &S3Request) -> Result<Option<(String, String)>, S3Error> {
    if let Some(trailer) = request.header("x-amz-trailer") {
        let name = trailer.trim().to_ascii_lowercase();
        if Checksum::for_header(&name).is_none() {
            return Err(S3Error::bad_request(
                "InvalidRequest",
                &format!("unsupported trailer {name}"),
            ));
        }
        return Ok(Some((name, String::new())));
    }
    Ok(request.headers.iter().find_map(|(name, value)| {
        let name = name.as_str();
        Checksum::for_header(name)
            .map(|_| (name.to_string(), value.to_str().unwrap_or("").to_string()))
    }))
}

/// The body's length: `x-amz-decoded-content-length` of an aws-chunked body, else
/// `Content-Length` (required, as S3 requires it).
fn declared_length(request: &S3Request) -> Result<u64, S3Error> {
    let name = if request.payload.chunked() {
        "x-amz-decoded-content-length"
    } else {
        "content-length"
    };
    request
        .header(name)
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            S3Error::new(
                StatusCode::LENGTH_REQUIRED,
                "MissingContentLength",
                &format!("You must provide the {name} HTTP header."),
            )
        })
}

/// Streams the body into a new blob and checks it.
pub async fn receive(
    state: &Arc<State>,
    request: &S3Request,
    body: Body,
) -> Result<(Digests, PendingBlob), S3Error> {
    let declared = declared_length(request)?;
    if declared > MAX_FILE_SIZE {
        return Err(S3Error::bad_request(
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size.",
        ));
    }
    let content_md5 = match request.header("content-md5") {
        Some(text) => Some(
            STANDARD
                .decode(text.trim())
                .ok()
                .filter(|raw| raw.len() == 16)
                .map(hex::encode)
                .ok_or_else(|| {
                    S3Error::bad_request(
                        "InvalidDigest",
                        "The Content-MD5 you specified was invalid.",
                    )
                })?,
        ),
        None => None,
    };
    let announced = announced_checksum(request)?;
    let mut checksum = announced
        .as_ref()
        .and_then(|(name, _)| Checksum::for_header(name));
    let mut sha256 = matches!(request.payload, Payload::Sha256(_)).then(Sha256::new);
    let mut writer = state.store.blobs().writer(0).await?;
    let mut received = 0u64;
    let mut take = |piece: &Bytes| -> Result<(), S3Error> {
        received += piece.len() as u64;
        if received > declared {
            return Err(S3Error::bad_request(
                "IncompleteBody",
                "The body is longer than its declared length.",
            ));
        }
        if let Some(h) = &mut sha256 {
            h.update(piece);
        }
        if let Some(c) = &mut checksum {
            c.update(piece);
        }
        Ok(())
    };
    let stream = body.into_data_stream();
    let mut trailers = Vec::new();
    if request.payload.chunked() {
        let mut decoder = Decoder::new(stream, request.chain.clone());
        while let Some(piece) = decoder.next().await? {
            take(&piece)?;
            writer.write(piece).await?;
        }
        trailers = decoder.trailers;
    } else {
        let mut stream = stream;
        while let Some(piece) = stream.next().await {
            let piece = piece.map_err(|err| {
                S3Error::bad_request("IncompleteBody", &format!("upload body failed: {err}"))
            })?;
            take(&piece)?;
            writer.write(piece).await?;
        }
    }
    if received != declared {
        return Err(S3Error::bad_request(
            "IncompleteBody",
            "You did not provide the number of bytes specified by the Content-Length HTTP header.",
        ));
    }
    if let (Payload::Sha256(claimed), Some(h)) = (&request.payload, sha256)
        && *claimed != hex::encode(h.finalize())
    {
        return Err(S3Error::bad_request(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ));
    }
    if let (Some((name, header_value)), Some(sum)) = (announced, checksum) {
        let expected = if header_value.is_empty() {
            trailers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        } else {
            Some(header_value)
        };
        // A trailer announced but not sent is not checked, as the body carries none.
        if let Some(expected) = expected
            && expected.trim() != sum.finish()
        {
            let algorithm = name.trim_start_matches("x-amz-checksum-").to_uppercase();
            return Err(bad_digest(&format!(
                "The {algorithm} you specified did not match the calculated checksum."
            )));
        }
    }
    let (digests, _, pending) = writer.finish().await?;
    if let Some(md5) = content_md5
        && md5 != digests.md5
    {
        return Err(bad_digest(
            "The Content-MD5 you specified did not match what we received.",
        ));
    }
    Ok((digests, pending))
}
