//! b2_list_file_names, b2_list_file_versions, b2_get_file_info, b2_hide_file and
//! b2_delete_file_version.

use std::sync::Arc;

use serde_json::{Value, json};

use super::Call;
use super::lock::{self};
use super::shapes::{FileShape, file_json, file_shape, folder_shape};
use crate::emulator::State;
use crate::emulator::auth::Need;
use crate::emulator::error::ApiError;
use crate::emulator::events::EventType;
use crate::emulator::names;
use crate::emulator::store::Db;
use crate::emulator::store::{Action, Entry, ListPage, ListRequest};

/// Largest page of a file listing.
const MAX_LIST_COUNT: usize = 10_000;
/// Largest small file (and copy result), 5 GB.
pub const MAX_FILE_SIZE: u64 = 5_000_000_000;

fn list_request(call: &Call) -> Result<ListRequest, ApiError> {
    Ok(ListRequest {
        bucket_id: call.params.str("bucketId")?,
        start_name: call.params.opt_str("startFileName")?,
        start_file_id: call.params.opt_str("startFileId")?,
        prefix: call.params.opt_str("prefix")?.unwrap_or_default(),
        delimiter: match call.params.opt_str("delimiter")? {
            Some(d) if d.is_empty() => {
                return Err(ApiError::bad_request("delimiter must not be empty"));
            }
            other => other,
        },
        max: call.params.count("maxFileCount", 100, MAX_LIST_COUNT)?,
    })
}

/// One listing page as JSON text: `{"files": [...], "nextFileId"?, "nextFileName"}`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PageShape<'a> {
    files: Vec<FileShape<'a>>,
    /// Only b2_list_file_versions has it (null at the end).
    #[serde(skip_serializing_if = "Option::is_none")]
    next_file_id: Option<Option<&'a str>>,
    next_file_name: Option<&'a str>,
}

fn page_text(
    account_id: &str,
    call: &Call,
    bucket_id: &str,
    key: &crate::emulator::store::KeyRow,
    page: &ListPage,
    versions: bool,
) -> Result<Vec<u8>, ApiError> {
    let files = page
        .entries
        .iter()
        .map(|entry| match entry {
            Entry::Version(v) => file_shape(v, account_id, call.viewer(key)),
            Entry::Folder(name) => folder_shape(name, bucket_id, account_id, call.version),
        })
        .collect();
    let shape = PageShape {
        files,
        next_file_id: versions.then_some(page.next_file_id.as_deref()),
        next_file_name: page.next_name.as_deref(),
    };
    // About 700 bytes per entry.
    let mut out = Vec::with_capacity(page.entries.len() * 768 + 64);
    serde_json::to_writer(&mut out, &shape)
        .map_err(|err| ApiError::internal(format!("listing JSON: {err}")))?;
    Ok(out)
}

async fn list(state: &Arc<State>, call: Call, versions: bool) -> Result<Vec<u8>, ApiError> {
    state
        .db(move |db, now| {
            let mut req = list_request(&call)?;
            let need = Need::capability("listFiles")
                .bucket(&req.bucket_id)
                .listing(&req.prefix);
            let key = call.authorize(db, now, need)?;
            db.require_bucket(&req.bucket_id)?;
            if !versions {
                req.start_file_id = None;
                let page = db.list_names(&req)?;
                return page_text(db.account_id(), &call, &req.bucket_id, &key, &page, false);
            }
            if req.start_file_id.is_some() && req.start_name.is_none() {
                return Err(ApiError::bad_request(
                    "startFileId is only valid with startFileName",
                ));
            }
            let page = db.list_versions(&req)?;
            page_text(db.account_id(), &call, &req.bucket_id, &key, &page, true)
        })
        .await
}

/// b2_list_file_names; the answer is JSON text.
pub async fn list_file_names(state: &Arc<State>, call: Call) -> Result<Vec<u8>, ApiError> {
    list(state, call, false).await
}

/// b2_list_file_versions; the answer is JSON text.
pub async fn list_file_versions(state: &Arc<State>, call: Call) -> Result<Vec<u8>, ApiError> {
    list(state, call, true).await
}

/// Rejects ids that cannot be B2 file ids (400), before looking them up.
pub fn check_file_id(file_id: &str) -> Result<(), ApiError> {
    if crate::emulator::ids::bucket_of_file_id(file_id).is_none() {
        return Err(ApiError::bad_request(format!("Invalid fileId: {file_id}")));
    }
    Ok(())
}

pub fn get_file_info(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let file_id = call.params.str("fileId")?;
    let version = db.version(&file_id)?.filter(|v| v.action != Action::Start);
    let mut need = Need::capability("readFiles");
    if let Some(v) = &version {
        need = need.bucket(&v.bucket_id).file(&v.name);
    }
    let key = call.authorize(db, now, need)?;
    check_file_id(&file_id)?;
    let version =
        version.ok_or_else(|| ApiError::not_found(format!("File not present: {file_id}")))?;
    Ok(file_json(&version, db.account_id(), call.viewer(&key)))
}

pub fn hide_file(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let name = call.params.str("fileName")?;
    let need = Need::capability("writeFiles")
        .bucket(&bucket_id)
        .file(&name);
    let key = call.authorize(db, now, need)?;
    db.require_bucket(&bucket_id)?;
    names::validate_file_name(&name)?;
    let mut marker = db.hide_file(&bucket_id, &name, now)?;
    db.replicate_new(&mut marker)?;
    db.record_event(EventType::Hide, &marker, now)?;
    Ok(file_json(&marker, db.account_id(), call.viewer(&key)))
}

pub fn delete_file_version(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let name = call.params.str("fileName")?;
    let file_id = call.params.str("fileId")?;
    let bucket_id = crate::emulator::ids::bucket_of_file_id(&file_id)
        .unwrap_or_default()
        .to_string();
    let bypass = call.params.opt_bool("bypassGovernance")?.unwrap_or(false);
    let need = Need::capability("deleteFiles")
        .bucket(&bucket_id)
        .file(&name);
    let key = call.authorize(db, now, need)?;
    check_file_id(&file_id)?;
    if let Some(version) = db.version(&file_id)?.filter(|v| v.name == name) {
        lock::check_delete(&version, &key, bypass, now)?;
    }
    let deleted = db.delete_version(&file_id, &name)?;
    db.record_event(EventType::Delete, &deleted, now)?;
    Ok(json!({"fileId": deleted.file_id, "fileName": deleted.name}))
}
