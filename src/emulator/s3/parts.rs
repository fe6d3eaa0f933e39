//! Completing a multipart upload (the XML part list checked against the stored parts,
//! then the B2 large file finished with them, under `If-None-Match: *` / `If-Match`)
//! and ListParts.

use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use futures::StreamExt;

use super::multipart::load_upload;
use super::objects::{current_etag, etag, insert};
use super::uploads::{count, owner};
use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request, conditions, encrypt};
use crate::emulator::State;
use crate::emulator::events::EventType;

/// Largest CompleteMultipartUpload document read (10,000 parts fit well within it).
const MAX_COMPLETE_XML: usize = 2 << 20;

fn malformed() -> S3Error {
    S3Error::bad_request(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
}

fn invalid_part(number: u32) -> S3Error {
    S3Error::bad_request(
        "InvalidPart",
        &format!(
            "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (part {number})"
        ),
    )
}

/// The text of each `<name>...</name>` in `text`, in order.
fn elements<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    out
}

/// `(PartNumber, ETag without quotes)` of each `<Part>` of a CompleteMultipartUpload.
fn parse_parts(text: &str) -> Result<Vec<(u32, String)>, S3Error> {
    let mut parts = Vec::new();
    for part in elements(text, "Part") {
        let number = elements(part, "PartNumber")
            .first()
            .and_then(|n| n.trim().parse::<u32>().ok())
            .ok_or_else(malformed)?;
        let etag = elements(part, "ETag")
            .first()
            .map(|e| e.replace("&quot;", "\"").replace("&#34;", "\""))
            .ok_or_else(malformed)?;
        parts.push((number, etag.trim().trim_matches('"').to_string()));
    }
    if parts.is_empty() {
        return Err(malformed());
    }
    Ok(parts)
}

/// `POST /bucket/key?uploadId=ID`.
pub async fn complete(
    state: &Arc<State>,
    request: S3Request,
    body: Body,
) -> Result<Response, S3Error> {
    let (bucket, started) = load_upload(state, &request, "writeFiles").await?;
    let written = conditions::WriteConditions::of(&request);
    let mut text = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(|err| {
            S3Error::bad_request("IncompleteBody", &format!("request body failed: {err}"))
        })?;
        text.extend_from_slice(&piece);
        if text.len() > MAX_COMPLETE_XML {
            return Err(malformed());
        }
    }
    let text = String::from_utf8(text).map_err(|_| malformed())?;
    let listed = parse_parts(&text)?;
    if listed.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err(S3Error::bad_request(
            "InvalidPartOrder",
            "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
        ));
    }
    let min_part = state.config.absolute_minimum_part_size;
    let file_id = started.file_id.clone();
    let (bucket_id, name) = (bucket.bucket_id.clone(), started.name.clone());
    let finished = state
        .db(move |db, now| {
            let current = current_etag(db, &bucket_id, &name)?;
            if let Err(err) = written.check(current.as_deref()) {
                return Ok(Err(err));
            }
            let stored = db.parts(&file_id, 1, u32::MAX)?;
            // Every listed part must exist with its ETag before sizes are looked at.
            let mut chosen = Vec::with_capacity(listed.len());
            for (number, etag) in &listed {
                match stored.iter().find(|p| p.part_number == *number) {
                    Some(part) if part.md5.eq_ignore_ascii_case(etag) => chosen.push(part),
                    _ => return Ok(Err(invalid_part(*number))),
                }
            }
            for (index, part) in chosen.iter().enumerate() {
                let number = part.part_number;
                if index + 1 < chosen.len() && part.size < min_part {
                    return Ok(Err(S3Error::bad_request(
                        "EntityTooSmall",
                        &format!(
                            "Your proposed upload is smaller than the minimum allowed object size. Part {number} has {} bytes; every part but the last needs at least {min_part}.",
                            part.size
                        ),
                    )));
                }
            }
            let numbers: Vec<u32> = listed.iter().map(|(n, _)| *n).collect();
            let mut finished = db.finish_with_parts(&file_id, &numbers)?;
            db.replicate_new(&mut finished)?;
            db.record_event(EventType::MultipartUpload, &finished, now)?;
            Ok(Ok(finished))
        })
        .await??;
    let location = format!("/{}/{}", bucket.name, finished.name);
    let mut response = xml::ok(format!(
        "<CompleteMultipartUploadResult xmlns=\"{NAMESPACE}\">{}{}{}{}</CompleteMultipartUploadResult>",
        element("Location", &location),
        element("Bucket", &bucket.name),
        element("Key", &finished.name),
        element("ETag", &etag(&finished)),
    ));
    insert(&mut response, "x-amz-version-id", &finished.file_id);
    encrypt::echo(&mut response, &finished.sse);
    Ok(response)
}

/// `GET /bucket/key?uploadId=ID`: parts by number, after `part-number-marker`.
pub async fn list_parts(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let (bucket, started) = load_upload(state, &request, "writeFiles").await?;
    let marker: u32 = match request.query("part-number-marker") {
        None => 0,
        Some(text) => text.trim().parse().map_err(|_| {
            S3Error::bad_request("InvalidArgument", "part-number-marker must be a number")
        })?,
    };
    let max = count(&request, "max-parts", 1000)?;
    let file_id = started.file_id.clone();
    let limit = u32::try_from(max + 1).unwrap_or(u32::MAX);
    let mut parts = state
        .db(move |db, _| db.parts(&file_id, marker.saturating_add(1), limit))
        .await?;
    let truncated = parts.len() > max;
    parts.truncate(max);
    let account = state.store.account_id().to_string();
    let mut body = format!("<ListPartsResult xmlns=\"{NAMESPACE}\">");
    body.push_str(&element("Bucket", &bucket.name));
    body.push_str(&element("Key", &started.name));
    body.push_str(&element("UploadId", &started.file_id));
    body.push_str(&owner(&account, "Initiator"));
    body.push_str(&owner(&account, "Owner"));
    body.push_str(&element("StorageClass", "STANDARD"));
    body.push_str(&element("PartNumberMarker", &marker.to_string()));
    if let Some(last) = parts.last().filter(|_| truncated) {
        body.push_str(&element(
            "NextPartNumberMarker",
            &last.part_number.to_string(),
        ));
    }
    body.push_str(&element("MaxParts", &max.to_string()));
    body.push_str(&element("IsTruncated", &truncated.to_string()));
    for part in &parts {
        body.push_str("<Part>");
        body.push_str(&element("PartNumber", &part.part_number.to_string()));
        body.push_str(&element("LastModified", &xml::iso_time(part.upload_ts)));
        body.push_str(&element("ETag", &format!("\"{}\"", part.md5)));
        body.push_str(&element("Size", &part.size.to_string()));
        body.push_str("</Part>");
    }
    body.push_str("</ListPartsResult>");
    Ok(xml::ok(body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn complete_documents() {
        let text = "<CompleteMultipartUpload><Part><ETag>&quot;aa&quot;</ETag><PartNumber>1</PartNumber></Part>\
                    <Part><PartNumber>3</PartNumber><ETag>\"bb\"</ETag></Part></CompleteMultipartUpload>";
        assert_eq!(
            parse_parts(text).unwrap(),
            vec![(1, "aa".to_string()), (3, "bb".to_string())]
        );
        assert_eq!(
            parse_parts("<CompleteMultipartUpload/>").unwrap_err().code,
            "MalformedXML"
        );
    }
}
