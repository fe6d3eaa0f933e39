//! ListObjectVersions (`GET /bucket?versions`): every B2 file version in name order, newest
//! first, through b2_list_file_versions' store walk. An upload is a `<Version>` (VersionId
//! = its file id), a hide marker a `<DeleteMarker>`; unfinished large files are left out.
//! Pages resume after `key-marker` (and `version-id-marker`), the last entry of the page
//! before. Also the one version a `/bucket/key` subresource request (`?acl`,
//! `?retention`, `?legal-hold`) addresses.

use std::collections::HashMap;
use std::sync::Arc;

use axum::response::Response;

use super::listing::Query;
use super::objects::chosen;
use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request, bucket_named};
use crate::emulator::State;
use crate::emulator::store::{Action, BucketRow, Entry, ListRequest, VersionRow};

/// The bucket and the version a `/bucket/key` subresource request addresses: its
/// `versionId` (a hide marker too, never an unfinished large file), else the key's newest
/// version when that is an upload. NoSuchBucket or NoSuchKey when there is none.
pub async fn addressed_version(
    state: &Arc<State>,
    request: &S3Request,
) -> Result<(BucketRow, VersionRow), S3Error> {
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    let version_id = request.query("versionId");
    state
        .db(move |db, _| {
            let bucket = match bucket_named(db, &bucket_name) {
                Ok(b) => b,
                Err(err) => return Ok(Err(err)),
            };
            let version = chosen(db, &bucket.bucket_id, &name, version_id.as_deref())?
                .filter(|v| version_id.is_some() || v.action == Action::Upload);
            Ok(version
                .map(|v| (bucket, v))
                .ok_or_else(S3Error::no_such_key))
        })
        .await?
}

/// A listed version and whether it is the newest of its name.
struct Listed {
    entry: Entry,
    latest: bool,
}

pub async fn list_versions(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
) -> Result<Response, S3Error> {
    let query = Query::read(&request, &bucket)?;
    let key_marker = request.query("key-marker").filter(|m| !m.is_empty());
    let version_marker = request.query("version-id-marker").filter(|m| !m.is_empty());
    if version_marker.is_some() && key_marker.is_none() {
        return Err(S3Error::bad_request(
            "InvalidArgument",
            "A version-id marker cannot be specified without a key marker.",
        ));
    }
    let (start_name, start_file_id) = match (&key_marker, &version_marker) {
        (Some(k), Some(v)) => (Some(k.clone()), Some(v.clone())),
        (Some(k), None) => (query.after(k), None),
        _ => (None, None),
    };
    let exhausted = key_marker.is_some() && start_name.is_none();
    let bucket_id = bucket.bucket_id.clone();
    let list = ListRequest {
        bucket_id: bucket.bucket_id.clone(),
        start_name,
        start_file_id: start_file_id.clone(),
        prefix: query.prefix.clone(),
        delimiter: query.delimiter.clone(),
        // One more when the page starts at the marker version itself, which is skipped.
        max: query.max_keys + usize::from(start_file_id.is_some()),
    };
    let max_keys = query.max_keys;
    let (listed, next) = if max_keys == 0 || exhausted {
        (Vec::new(), None)
    } else {
        state
            .db(move |db, _| {
                let page = match db.list_versions(&list) {
                    Ok(page) => page,
                    // The marker version is gone: S3 answers 400 for an unknown marker.
                    Err(err) if err.code == "invalid_file_id" => {
                        return Ok(Err(S3Error::bad_request(
                            "InvalidArgument",
                            "Invalid version id specified",
                        )));
                    }
                    Err(err) => return Err(err),
                };
                let mut entries = page.entries;
                if let (Some(marker), Some(Entry::Version(first))) =
                    (&start_file_id, entries.first())
                    && first.file_id == *marker
                {
                    entries.remove(0);
                }
                let mut truncated = page.next_name.is_some();
                if entries.len() > max_keys {
                    entries.truncate(max_keys);
                    truncated = true;
                }
                // The last entry read, unfinished large files included, is where the
                // next page resumes.
                let next = truncated.then(|| entries.last().map(marker_of)).flatten();
                let mut newest: HashMap<String, Option<String>> = HashMap::new();
                let mut listed = Vec::new();
                for entry in entries {
                    let latest = match &entry {
                        Entry::Version(v) if v.action == Action::Start => continue,
                        Entry::Version(v) => {
                            if !newest.contains_key(&v.name) {
                                let id = db.newest_version(&bucket_id, &v.name)?.map(|n| n.file_id);
                                newest.insert(v.name.clone(), id);
                            }
                            newest.get(&v.name).cloned().flatten().as_deref()
                                == Some(v.file_id.as_str())
                        }
                        Entry::Folder(_) => false,
                    };
                    listed.push(Listed { entry, latest });
                }
                Ok(Ok((listed, next)))
            })
            .await??
    };
    let owner = state.store.account_id().to_string();
    let url = query.url;
    let mut body = format!("<ListVersionsResult xmlns=\"{NAMESPACE}\">");
    body.push_str(&element("Name", &bucket.name));
    body.push_str(&element("Prefix", &xml::listed(&query.prefix, url)));
    body.push_str(&element(
        "KeyMarker",
        &xml::listed(key_marker.as_deref().unwrap_or_default(), url),
    ));
    body.push_str(&element(
        "VersionIdMarker",
        version_marker.as_deref().unwrap_or_default(),
    ));
    if let Some((key, version)) = &next {
        body.push_str(&element("NextKeyMarker", &xml::listed(key, url)));
        if let Some(version) = version {
            body.push_str(&element("NextVersionIdMarker", version));
        }
    }
    if let Some(d) = &query.delimiter {
        body.push_str(&element("Delimiter", &xml::listed(d, url)));
    }
    if url {
        body.push_str(&element("EncodingType", "url"));
    }
    body.push_str(&element("MaxKeys", &max_keys.to_string()));
    body.push_str(&element("IsTruncated", &next.is_some().to_string()));
    for item in &listed {
        match &item.entry {
            Entry::Version(v) => body.push_str(&version_xml(v, item.latest, &owner, url)),
            Entry::Folder(f) => {
                body.push_str("<CommonPrefixes>");
                body.push_str(&element("Prefix", &xml::listed(f, url)));
                body.push_str("</CommonPrefixes>");
            }
        }
    }
    body.push_str("</ListVersionsResult>");
    Ok(xml::ok(body))
}

/// The key and version markers that resume a listing after `entry`.
fn marker_of(entry: &Entry) -> (String, Option<String>) {
    match entry {
        Entry::Version(v) => (v.name.clone(), Some(v.file_id.clone())),
        Entry::Folder(f) => (f.clone(), None),
    }
}

fn version_xml(v: &VersionRow, latest: bool, owner: &str, url: bool) -> String {
    let tag = if v.action == Action::Hide {
        "DeleteMarker"
    } else {
        "Version"
    };
    let mut out = format!("<{tag}>");
    out.push_str(&element("Key", &xml::listed(&v.name, url)));
    out.push_str(&element("VersionId", &v.file_id));
    out.push_str(&element("IsLatest", &latest.to_string()));
    out.push_str(&element("LastModified", &xml::iso_time(v.upload_ts)));
    if v.action != Action::Hide {
        out.push_str(&element("ETag", &super::objects::etag(v)));
        out.push_str(&element("Size", &v.size.to_string()));
        out.push_str(&element("StorageClass", "STANDARD"));
    }
    out.push_str("<Owner>");
    out.push_str(&element("ID", owner));
    out.push_str(&element("DisplayName", ""));
    out.push_str(&format!("</Owner></{tag}>"));
    out
}
