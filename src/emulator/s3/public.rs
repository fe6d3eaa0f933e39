//! Requests without a signature on the S3 paths. B2's S3 endpoint serves the files of an
//! `allPublic` bucket to anyone (GetObject and HeadObject, path style or virtual-hosted);
//! every other unsigned request on a bucket is 403 `AccessDenied`, listings of public
//! buckets included (B2: "The S3-Compatible API does not support unauthenticated
//! ListObject calls on public buckets"). Paths that name no existing bucket stay with
//! the Native router (its 404).

use std::sync::Arc;

use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;

use super::{S3Error, S3Request, locate, reads, sigv4, xml};
use crate::emulator::State;
use crate::emulator::store::KeyRow;

/// Query parameters a public read may carry (anything else is a subresource).
const READ_QUERY: [&str; 2] = ["versionId", "partNumber"];

/// A key with no capability, no bucket and no name prefix: an anonymous caller.
fn nobody() -> KeyRow {
    KeyRow {
        key_id: String::new(),
        key_name: String::new(),
        capabilities: Vec::new(),
        buckets: Some(vec![String::new()]),
        name_prefix: None,
        expires_ms: None,
        is_master: false,
    }
}

/// The S3 answer to an unsigned request on an existing bucket; the request back when
/// it names none.
pub async fn route(state: &Arc<State>, request: Request) -> Result<Response, Request> {
    let (bucket, object) = locate(
        state.config.s3_host.as_deref(),
        request.headers(),
        request.uri(),
    );
    let Some(bucket_name) = bucket else {
        return Err(request);
    };
    let lookup = bucket_name.clone();
    let found = state
        .db(move |db, _| db.bucket_by_name(&lookup))
        .await
        .ok()
        .flatten();
    let Some(found) = found else {
        return Err(request);
    };
    let head = request.method() == Method::HEAD;
    let resource = request.uri().path().to_string();
    let (parts, _) = request.into_parts();
    let plain_query = parts.uri.query().is_none_or(|q| {
        q.split('&').filter(|p| !p.is_empty()).all(|p| {
            let name = p.split_once('=').map_or(p, |(n, _)| n);
            READ_QUERY.contains(&name) || name.starts_with("response-")
        })
    });
    let readable = matches!(parts.method, Method::GET | Method::HEAD)
        && object.is_some()
        && plain_query
        && found.is_public();
    let outcome = if readable {
        let request = S3Request {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            key: nobody(),
            payload: sigv4::Payload::Unsigned,
            chain: None,
            bucket: Some(bucket_name),
            object,
            anonymous: true,
        };
        reads::get(state, request).await
    } else {
        Err(S3Error::access_denied(
            "Unauthenticated requests are not supported on this resource; only the files of public buckets are readable without a signature.",
        ))
    };
    Ok(outcome
        .unwrap_or_else(|err| xml::error(err.status, err.code, &err.message, &resource, head)))
}
