//! Deleting objects, shared by DeleteObject and DeleteObjects (`POST /bucket?delete`). By
//! name, a visible file gets a B2 hide marker (needs `writeFiles`); with a version id, that
//! version is deleted (needs `deleteFiles`), unless Object Lock protects it. Deleting a
//! hide marker by its id shows the file again.

use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;

use super::objects::chosen;
use super::xml::{self, NAMESPACE, element};
use super::xmlin::{self, malformed};
use super::{S3Error, S3Request};
use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::events::EventType;
use crate::emulator::handlers::lock::check_delete;
use crate::emulator::store::{Action, BucketRow, Db, KeyRow};

/// Most keys in one DeleteObjects request.
pub const MAX_KEYS: usize = 1000;

/// What a delete did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to do (no such version, or the name is already hidden or absent).
    Nothing,
    /// A hide marker was added with this id.
    Hidden(String),
    /// This version was deleted; `true` when it was a hide marker.
    Deleted(String, bool),
}

/// The capability a delete of `version_id` (or of the name) needs.
pub fn capability(version_id: Option<&str>) -> &'static str {
    if version_id.is_some() {
        "deleteFiles"
    } else {
        "writeFiles"
    }
}

/// Deletes `name` (a hide marker) or its version `version_id` in the bucket; the inner
/// error is AccessDenied when Object Lock protects the version.
pub fn delete_one(
    db: &Db,
    now: i64,
    bucket_id: &str,
    name: &str,
    version_id: Option<&str>,
    key: &KeyRow,
    bypass: bool,
) -> Result<Result<Outcome, S3Error>, ApiError> {
    let Some(version_id) = version_id else {
        // By name: a hide marker over a visible file; nothing to do otherwise.
        return match db.newest_version(bucket_id, name)? {
            Some(v) if v.action == Action::Upload => {
                let marker = db.hide_file(bucket_id, name, now)?;
                db.record_event(EventType::Hide, &marker, now)?;
                Ok(Ok(Outcome::Hidden(marker.file_id)))
            }
            _ => Ok(Ok(Outcome::Nothing)),
        };
    };
    let Some(version) = chosen(db, bucket_id, name, Some(version_id))? else {
        return Ok(Ok(Outcome::Nothing));
    };
    if let Err(err) = check_delete(&version, key, bypass, now) {
        return Ok(Err(S3Error::access_denied(&err.message)));
    }
    let deleted = db.delete_version(&version.file_id, name)?;
    db.record_event(EventType::Delete, &deleted, now)?;
    Ok(Ok(Outcome::Deleted(
        deleted.file_id,
        deleted.action == Action::Hide,
    )))
}

/// Whether `x-amz-bypass-governance-retention: true` was sent.
pub fn bypass_asked(request: &S3Request) -> bool {
    request
        .header("x-amz-bypass-governance-retention")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// One `<Object>` of the request.
struct Target {
    key: String,
    version_id: Option<String>,
}

/// `POST /bucket?delete`: each key is judged alone; a refused key is an `<Error>` entry.
pub async fn delete_objects(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
    body: Body,
) -> Result<Response, S3Error> {
    let bytes = xmlin::read_body(body, &request, true).await?;
    let root = xmlin::parse(&bytes)?;
    if root.name != "Delete" {
        return Err(malformed());
    }
    let quiet = root
        .text_of("Quiet")
        .is_some_and(|q| q.eq_ignore_ascii_case("true"));
    let targets: Vec<Target> = root
        .all("Object")
        .map(|o| {
            Ok(Target {
                key: o.text_of("Key").ok_or_else(malformed)?.to_string(),
                version_id: o
                    .text_of("VersionId")
                    .filter(|v| !v.is_empty())
                    .map(str::to_string),
            })
        })
        .collect::<Result<_, S3Error>>()?;
    if targets.is_empty() || targets.len() > MAX_KEYS {
        return Err(malformed());
    }
    // Capabilities and name prefix first, per key; the allowed ones in one transaction.
    let judged: Vec<(Target, Result<(), S3Error>)> = targets
        .into_iter()
        .map(|t| {
            let allowed =
                request.require(capability(t.version_id.as_deref()), &bucket, Some(&t.key));
            (t, allowed)
        })
        .collect();
    let key = request.key.clone();
    let bypass = bypass_asked(&request);
    let bucket_id = bucket.bucket_id.clone();
    let results = state
        .db(move |db, now| {
            let mut out = Vec::new();
            for (target, allowed) in judged {
                let outcome = match allowed {
                    Ok(()) => delete_one(
                        db,
                        now,
                        &bucket_id,
                        &target.key,
                        target.version_id.as_deref(),
                        &key,
                        bypass,
                    )?,
                    Err(err) => Err(err),
                };
                out.push((target, outcome));
            }
            Ok(out)
        })
        .await?;
    let mut body = format!("<DeleteResult xmlns=\"{NAMESPACE}\">");
    for (target, outcome) in results {
        match outcome {
            Ok(_) if quiet => {}
            Ok(outcome) => body.push_str(&deleted_xml(&target, &outcome)),
            Err(err) => {
                body.push_str("<Error>");
                body.push_str(&element("Key", &target.key));
                if let Some(v) = &target.version_id {
                    body.push_str(&element("VersionId", v));
                }
                body.push_str(&element("Code", err.code));
                body.push_str(&element("Message", &err.message));
                body.push_str("</Error>");
            }
        }
    }
    body.push_str("</DeleteResult>");
    Ok(xml::ok(body))
}

fn deleted_xml(target: &Target, outcome: &Outcome) -> String {
    let mut out = String::from("<Deleted>");
    out.push_str(&element("Key", &target.key));
    if let Some(v) = &target.version_id {
        out.push_str(&element("VersionId", v));
    }
    match outcome {
        Outcome::Hidden(marker) | Outcome::Deleted(marker, true) => {
            out.push_str(&element("DeleteMarker", "true"));
            out.push_str(&element("DeleteMarkerVersionId", marker));
        }
        Outcome::Deleted(_, false) | Outcome::Nothing => {}
    }
    out.push_str("</Deleted>");
    out
}
