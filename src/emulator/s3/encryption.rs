//! Bucket encryption (`/bucket?encryption`): the bucket's default server-side encryption,
//! which B2 offers as SSE-B2 (`AES256`) only. GET needs `readBucketEncryption`, PUT and
//! DELETE `writeBucketEncryption`; a bucket without a default answers
//! ServerSideEncryptionConfigurationNotFoundError.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::bucket_admin::update_settings;
use super::xml::{self, NAMESPACE, element};
use super::xmlin::{self, Element, malformed};
use super::{S3Error, S3Request};
use crate::emulator::State;
use crate::emulator::store::{BucketRow, BucketUpdate};

pub async fn encryption(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
    body: Body,
) -> Result<Response, S3Error> {
    let stored = match request.method {
        Method::GET => {
            request.require("readBucketEncryption", &bucket, None)?;
            if bucket.sse.get("mode").and_then(Value::as_str) != Some("SSE-B2") {
                return Err(S3Error::new(
                    StatusCode::NOT_FOUND,
                    "ServerSideEncryptionConfigurationNotFoundError",
                    "The server side encryption configuration was not found",
                ));
            }
            return Ok(xml::ok(format!(
                "<ServerSideEncryptionConfiguration xmlns=\"{NAMESPACE}\"><Rule>\
                 <ApplyServerSideEncryptionByDefault>{}</ApplyServerSideEncryptionByDefault>\
                 </Rule></ServerSideEncryptionConfiguration>",
                element("SSEAlgorithm", "AES256")
            )));
        }
        Method::PUT => {
            request.require("writeBucketEncryption", &bucket, None)?;
            let bytes = xmlin::read_body(body, &request, false).await?;
            parse(&xmlin::parse(&bytes)?)?;
            json!({"algorithm": "AES256", "mode": "SSE-B2"})
        }
        Method::DELETE => {
            request.require("writeBucketEncryption", &bucket, None)?;
            json!({"algorithm": null, "mode": null})
        }
        _ => return Err(S3Error::method_not_allowed()),
    };
    let deleting = request.method == Method::DELETE;
    let update = BucketUpdate {
        sse: Some(stored),
        ..BucketUpdate::default()
    };
    update_settings(state, bucket.bucket_id, update).await?;
    let mut response = Response::new(Body::empty());
    if deleting {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    Ok(response)
}

/// Accepts one rule applying `AES256` by default; KMS is not offered by B2.
fn parse(root: &Element) -> Result<(), S3Error> {
    if root.name != "ServerSideEncryptionConfiguration" {
        return Err(malformed());
    }
    let mut rules = root.all("Rule");
    let rule = rules.next().ok_or_else(malformed)?;
    if rules.next().is_some() {
        return Err(malformed());
    }
    let default = rule
        .child("ApplyServerSideEncryptionByDefault")
        .ok_or_else(malformed)?;
    match default.text_of("SSEAlgorithm") {
        Some("AES256") => Ok(()),
        Some(_) => Err(S3Error::bad_request(
            "InvalidArgument",
            "Only the AES256 server-side encryption algorithm (SSE-B2) is supported",
        )),
        None => Err(malformed()),
    }
}
