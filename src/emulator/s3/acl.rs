//! ACLs as B2 has them: set per bucket only, as its type. `private` is `allPrivate`,
//! `public-read` is `allPublic`. Reading an ACL (bucket: `listBuckets`, object:
//! `readFiles`) gives the account FULL_CONTROL, plus READ for AllUsers on a public bucket.
//! PutBucketAcl (`writeBuckets`) takes a canned `x-amz-acl` and changes the bucket type;
//! PutObjectAcl (`writeFiles`) accepts only the bucket's own ACL. ACLs in an XML body or
//! `x-amz-grant-*` headers are not supported, as on B2.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Method;
use axum::response::Response;

use super::bucket_admin::update_settings;
use super::versions::addressed_version;
use super::xml::{self, NAMESPACE, element};
use super::xmlin;
use super::{S3Error, S3Request};
use crate::emulator::State;
use crate::emulator::store::{BucketRow, BucketUpdate};

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

/// The bucket type a canned ACL stands for, when B2 has one.
pub fn bucket_type(canned: &str) -> Result<&'static str, S3Error> {
    match canned {
        "private" => Ok("allPrivate"),
        "public-read" => Ok("allPublic"),
        _ => Err(S3Error::not_implemented(
            "only the canned ACLs private and public-read are supported",
        )),
    }
}

/// The canned ACL named in `x-amz-acl`; an XML body or grant headers are refused.
async fn canned(request: &S3Request, body: Body) -> Result<String, S3Error> {
    let bytes = xmlin::read_body(body, request, false).await?;
    let grants = request
        .headers
        .keys()
        .any(|h| h.as_str().starts_with("x-amz-grant-"));
    if !bytes.is_empty() || grants {
        return Err(S3Error::not_implemented(
            "setting an ACL with an XML body or grant headers is not supported; use x-amz-acl",
        ));
    }
    request
        .header("x-amz-acl")
        .map(|a| a.trim().to_string())
        .ok_or_else(|| S3Error::bad_request("MissingSecurityHeader", "Missing x-amz-acl header"))
}

/// The `<AccessControlPolicy>` of a bucket (and so of its objects).
fn policy(owner: &str, public: bool) -> String {
    let mut body = format!("<AccessControlPolicy xmlns=\"{NAMESPACE}\"><Owner>");
    body.push_str(&element("ID", owner));
    body.push_str(&element("DisplayName", ""));
    body.push_str("</Owner><AccessControlList>");
    body.push_str(
        "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:type=\"CanonicalUser\">",
    );
    body.push_str(&element("ID", owner));
    body.push_str(&element("DisplayName", ""));
    body.push_str("</Grantee><Permission>FULL_CONTROL</Permission></Grant>");
    if public {
        body.push_str(
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:type=\"Group\">",
        );
        body.push_str(&element("URI", ALL_USERS));
        body.push_str("</Grantee><Permission>READ</Permission></Grant>");
    }
    body.push_str("</AccessControlList></AccessControlPolicy>");
    body
}

/// `/bucket?acl`: GetBucketAcl and PutBucketAcl.
pub async fn bucket(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
    body: Body,
) -> Result<Response, S3Error> {
    if request.method == Method::GET {
        request.require("listBuckets", &bucket, None)?;
        let owner = state.store.account_id().to_string();
        return Ok(xml::ok(policy(&owner, bucket.is_public())));
    }
    if request.method != Method::PUT {
        return Err(S3Error::not_implemented(
            "this ACL operation is not supported",
        ));
    }
    request.require("writeBuckets", &bucket, None)?;
    let wanted = bucket_type(&canned(&request, body).await?)?.to_string();
    if wanted != bucket.bucket_type {
        let update = BucketUpdate {
            bucket_type: Some(wanted),
            ..BucketUpdate::default()
        };
        update_settings(state, bucket.bucket_id, update).await?;
    }
    Ok(Response::new(Body::empty()))
}

/// `/bucket/key?acl`: GetObjectAcl and PutObjectAcl of an existing version.
pub async fn object(
    state: &Arc<State>,
    request: S3Request,
    body: Body,
) -> Result<Response, S3Error> {
    let capability = match request.method {
        Method::GET => "readFiles",
        Method::PUT => "writeFiles",
        _ => {
            return Err(S3Error::not_implemented(
                "this ACL operation is not supported",
            ));
        }
    };
    let (bucket, version) = addressed_version(state, &request).await?;
    request.require(capability, &bucket, request.object.as_deref())?;
    let mut response = if request.method == Method::GET {
        let owner = state.store.account_id().to_string();
        xml::ok(policy(&owner, bucket.is_public()))
    } else {
        let wanted = bucket_type(&canned(&request, body).await?)?;
        if wanted != bucket.bucket_type {
            return Err(S3Error::not_implemented(
                "an object's ACL can only be set to its bucket's ACL",
            ));
        }
        Response::new(Body::empty())
    };
    if let Ok(value) = axum::http::HeaderValue::try_from(version.file_id) {
        response.headers_mut().insert("x-amz-version-id", value);
    }
    Ok(response)
}
