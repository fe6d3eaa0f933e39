//! JSON shapes of B2 objects (§3): file versions, folders, buckets, keys, parts.
//! Field names and nesting follow the recorded real responses.

use serde::Serialize;
use serde_json::{Map, Value, json};

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

/// A file version or folder as B2 sends it. Serialized straight from borrowed fields:
/// listings write 10,000 of these per page without building `Value`s.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileShape<'a> {
    account_id: &'a str,
    action: &'a str,
    bucket_id: &'a str,
    content_length: u64,
    content_md5: Option<&'a str>,
    content_sha1: Option<&'a str>,
    content_type: Option<&'a str>,
    file_id: Option<&'a str>,
    file_info: &'a Map<String, Value>,
    file_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_retention: Option<Readable<Retention<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_hold: Option<Readable<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_side_encryption: Option<SseShape<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replication_status: Option<&'a str>,
    /// v1 listings name the length `size` (rclone reads only that); v1 sends both.
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    upload_timestamp: i64,
}

/// `{isClientAuthorizedToRead, value}`; the value is null when not readable.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Readable<T> {
    is_client_authorized_to_read: bool,
    value: Option<T>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention<'a> {
    mode: Option<&'a str>,
    retain_until_timestamp: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SseShape<'a> {
    algorithm: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_key_md5: Option<&'a str>,
    mode: Option<&'a str>,
}

impl<'a> SseShape<'a> {
    pub fn of(sse: &'a Sse) -> SseShape<'a> {
        let (mode, customer_key_md5) = sse.to_columns();
        SseShape {
            algorithm: mode.map(|_| "AES256"),
            customer_key_md5,
            mode,
        }
    }
}

/// The file info of folders.
static EMPTY_INFO: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

pub fn file_shape<'a>(v: &'a VersionRow, account_id: &'a str, viewer: Viewer) -> FileShape<'a> {
    let sha1 = if v.large {
        Some("none")
    } else {
        v.sha1.as_deref()
    };
    let plain = v.action != Action::Hide;
    let retention = viewer.can("readFileRetentions");
    let hold = viewer.can("readFileLegalHolds");
    FileShape {
        account_id,
        action: v.action.as_str(),
        bucket_id: &v.bucket_id,
        content_length: v.size,
        content_md5: if v.large { None } else { v.md5.as_deref() },
        content_sha1: sha1,
        content_type: Some(&v.content_type),
        file_id: Some(&v.file_id),
        file_info: &v.info,
        file_name: &v.name,
        file_retention: plain.then_some(Readable {
            is_client_authorized_to_read: retention,
            value: retention.then_some(Retention {
                mode: v.lock.mode.as_deref(),
                retain_until_timestamp: v.lock.retain_until,
            }),
        }),
        legal_hold: plain.then_some(Readable {
            is_client_authorized_to_read: hold,
            value: if hold {
                v.lock.legal_hold.as_deref()
            } else {
                None
            },
        }),
        server_side_encryption: plain.then(|| SseShape::of(&v.sse)),
        replication_status: v.replication.as_deref(),
        size: (viewer.version == 1).then_some(v.size),
        upload_timestamp: v.upload_ts,
    }
}

pub fn folder_shape<'a>(
    name: &'a str,
    bucket_id: &'a str,
    account_id: &'a str,
    version: u8,
) -> FileShape<'a> {
    FileShape {
        account_id,
        action: "folder",
        bucket_id,
        content_length: 0,
        content_md5: None,
        content_sha1: None,
        content_type: None,
        file_id: None,
        file_info: &EMPTY_INFO,
        file_name: name,
        file_retention: None,
        legal_hold: None,
        server_side_encryption: None,
        replication_status: None,
        size: (version == 1).then_some(0),
        upload_timestamp: 0,
    }
}

fn to_value(shape: &FileShape) -> Value {
    serde_json::to_value(shape).unwrap_or(Value::Null)
}

pub fn file_json(v: &VersionRow, account_id: &str, viewer: Viewer) -> Value {
    to_value(&file_shape(v, account_id, viewer))
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
        "replicationConfiguration": readable("readBucketReplications", b.replication.clone()),
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
