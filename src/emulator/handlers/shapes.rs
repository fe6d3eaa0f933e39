//! JSON shapes of B2 objects (§3): file versions, folders, buckets, keys, parts.
//! Field names and nesting follow the recorded real responses.

use serde_json::{Value, json};

use crate::emulator::sse::Sse;
use crate::emulator::store::{Action, BucketRow, KeyRow, PartRow, VersionRow};

/// Who is looking: the API version and the key (for `isClientAuthorizedToRead`).
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub version: u8,
    pub key: Option<&'a KeyRow>,
}

impl Viewer<'_> {
    fn can(&self, capability: &str) -> bool {
        self.key.is_none_or(|k| k.has(capability))
    }
}

pub fn file_json(v: &VersionRow, account_id: &str, viewer: Viewer) -> Value {
    let sha1 = if v.large {
        Some("none".to_string())
    } else {
        v.sha1.clone()
    };
    let mut obj = json!({
        "accountId": account_id,
        "action": v.action.as_str(),
        "bucketId": v.bucket_id,
        "contentLength": v.size,
        "contentMd5": if v.large { None } else { v.md5.clone() },
        "contentSha1": sha1,
        "contentType": v.content_type,
        "fileId": v.file_id,
        "fileInfo": v.info,
        "fileName": v.name,
        "uploadTimestamp": v.upload_ts,
    });
    if v.action != Action::Hide
        && let Some(map) = obj.as_object_mut()
    {
        let retention = viewer.can("readFileRetentions");
        let hold = viewer.can("readFileLegalHolds");
        let retention_value =
            json!({"mode": v.lock.mode, "retainUntilTimestamp": v.lock.retain_until});
        map.insert(
            "fileRetention".into(),
            json!({
                "isClientAuthorizedToRead": retention,
                "value": if retention { retention_value } else { Value::Null },
            }),
        );
        map.insert(
            "legalHold".into(),
            json!({
                "isClientAuthorizedToRead": hold,
                "value": if hold { json!(v.lock.legal_hold) } else { Value::Null },
            }),
        );
        map.insert("serverSideEncryption".into(), v.sse.to_json());
    }
    with_v1_size(obj, v.size, viewer.version)
}

pub fn folder_json(name: &str, bucket_id: &str, account_id: &str, version: u8) -> Value {
    let obj = json!({
        "accountId": account_id,
        "action": "folder",
        "bucketId": bucket_id,
        "contentLength": 0,
        "contentMd5": null,
        "contentSha1": null,
        "contentType": null,
        "fileId": null,
        "fileInfo": {},
        "fileName": name,
        "uploadTimestamp": 0,
    });
    with_v1_size(obj, 0, version)
}

/// v1 listings name the length `size` (rclone reads only that); send both.
fn with_v1_size(mut obj: Value, size: u64, version: u8) -> Value {
    if version == 1
        && let Some(map) = obj.as_object_mut()
    {
        map.insert("size".into(), json!(size));
    }
    obj
}

pub fn bucket_json(b: &BucketRow, account_id: &str, viewer: Viewer) -> Value {
    let readable = |cap: &str, value: Value| {
        let ok = viewer.can(cap);
        json!({"isClientAuthorizedToRead": ok, "value": if ok { value } else { Value::Null }})
    };
    json!({
        "accountId": account_id,
        "bucketId": b.bucket_id,
        "bucketInfo": b.info,
        "bucketName": b.name,
        "bucketType": b.bucket_type,
        "corsRules": b.cors,
        "defaultServerSideEncryption": readable("readBucketEncryption", b.sse.clone()),
        "fileLockConfiguration": readable(
            "readBucketRetentions",
            json!({"defaultRetention": b.default_retention, "isFileLockEnabled": b.file_lock}),
        ),
        "lifecycleRules": b.lifecycle,
        "options": ["s3"],
        "replicationConfiguration": readable("readBucketReplications", Value::Null),
        "revision": b.revision,
    })
}

pub fn key_json(k: &KeyRow, account_id: &str, version: u8, secret: Option<&str>) -> Value {
    let mut obj = json!({
        "accountId": account_id,
        "applicationKeyId": k.key_id,
        "capabilities": k.capabilities,
        "expirationTimestamp": k.expires_ms,
        "keyName": k.key_name,
        "namePrefix": k.name_prefix,
        "options": ["s3"],
    });
    if let Some(map) = obj.as_object_mut() {
        if version >= 4 {
            // null for an unrestricted key, as b2sdk's v4 simulator answers.
            map.insert("bucketIds".into(), json!(k.buckets));
        } else {
            map.insert("bucketId".into(), json!(k.single_bucket()));
        }
        if let Some(secret) = secret {
            map.insert("applicationKey".into(), json!(secret));
        }
    }
    obj
}

/// A part reports the encryption of its large file.
pub fn part_json(p: &PartRow, sse: &Sse) -> Value {
    json!({
        "contentLength": p.size,
        "contentMd5": p.md5,
        "contentSha1": p.sha1,
        "fileId": p.file_id,
        "partNumber": p.part_number,
        "serverSideEncryption": sse.to_json(),
        "uploadTimestamp": p.upload_ts,
    })
}
