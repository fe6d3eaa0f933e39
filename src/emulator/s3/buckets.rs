//! Service and bucket operations: ListBuckets, and the routing of `/bucket` requests to
//! HeadBucket, GetBucketLocation, GetBucketVersioning here and to the modules that list,
//! create, delete and configure buckets.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Method;
use axum::response::Response;

use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request, acl, bucket_admin, bucket_named, delete, encryption, listing};
use super::{lock, versions};
use crate::emulator::State;

/// `/`: ListBuckets. A bucket-restricted key also needs `listAllBucketNames`, as on B2,
/// and then sees every bucket's name.
pub async fn service(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    if request.method != Method::GET {
        return Err(S3Error::method_not_allowed());
    }
    let key = request.key;
    if !key.has("listBuckets") || (key.buckets.is_some() && !key.has("listAllBucketNames")) {
        return Err(S3Error::access_denied("not entitled"));
    }
    let account = state.store.account_id().to_string();
    let buckets = state
        .db(|db, _| {
            db.buckets()?
                .into_iter()
                .map(|b| Ok((db.bucket_created_ms(&b.bucket_id)?, b)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let mut body = format!("<ListAllMyBucketsResult xmlns=\"{NAMESPACE}\"><Owner>");
    body.push_str(&element("ID", &account));
    body.push_str(&element("DisplayName", ""));
    body.push_str("</Owner><Buckets>");
    for (created, bucket) in buckets {
        body.push_str("<Bucket>");
        body.push_str(&element("Name", &bucket.name));
        body.push_str(&element("CreationDate", &xml::iso_time(created)));
        body.push_str("</Bucket>");
    }
    body.push_str("</Buckets></ListAllMyBucketsResult>");
    Ok(xml::ok(body))
}

/// Bucket subresources of S3 that this B2 does not offer: never read as a listing.
const UNSUPPORTED: [&str; 17] = [
    "accelerate",
    "analytics",
    "cors",
    "intelligent-tiering",
    "inventory",
    "lifecycle",
    "logging",
    "metrics",
    "notification",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "tagging",
    "website",
];

/// A bucket request with none of the query parameters that name a subresource.
fn plain(request: &S3Request) -> bool {
    request.uri.query().is_none_or(|q| {
        q.split('&')
            .filter(|p| !p.is_empty())
            .all(|p| p.starts_with("X-Amz-"))
    })
}

/// `/bucket`: the bucket operations of this version of the API.
pub async fn bucket(
    state: &Arc<State>,
    request: S3Request,
    body: Body,
) -> Result<Response, S3Error> {
    let method = request.method.clone();
    if method == Method::PUT && plain(&request) {
        return bucket_admin::create(state, request, body).await;
    }
    if method == Method::DELETE && plain(&request) {
        return bucket_admin::delete(state, request).await;
    }
    let name = request.bucket.clone().unwrap_or_default();
    let found = state.db(move |db, _| Ok(bucket_named(db, &name))).await??;
    if method == Method::HEAD {
        if !request.key.allows_bucket(&found.bucket_id) {
            return Err(S3Error::access_denied("not entitled"));
        }
        return Ok(Response::new(Body::empty()));
    }
    if request.has_query("acl") {
        return acl::bucket(state, request, found, body).await;
    }
    if request.has_query("encryption") {
        return encryption::encryption(state, request, found, body).await;
    }
    if request.has_query("object-lock") {
        return lock::bucket_config(state, request, found, body).await;
    }
    if method == Method::POST && request.has_query("delete") {
        return delete::delete_objects(state, request, found, body).await;
    }
    if method != Method::GET {
        return Err(S3Error::not_implemented(
            "this bucket operation is not supported by the local B2 yet",
        ));
    }
    if request.has_query("uploads") {
        return super::uploads::list_uploads(state, request, found).await;
    }
    if request.has_query("location") {
        request.require("listBuckets", &found, None)?;
        // Empty, as S3 answers for its default region.
        return Ok(xml::ok(format!(
            "<LocationConstraint xmlns=\"{NAMESPACE}\"></LocationConstraint>"
        )));
    }
    if request.has_query("versioning") {
        request.require("listBuckets", &found, None)?;
        return Ok(xml::ok(format!(
            "<VersioningConfiguration xmlns=\"{NAMESPACE}\"><Status>Enabled</Status></VersioningConfiguration>"
        )));
    }
    if let Some(other) = UNSUPPORTED.iter().find(|q| request.has_query(q)) {
        return Err(S3Error::not_implemented(&format!(
            "the bucket subresource ?{other} is not supported by the local B2"
        )));
    }
    if request.has_query("versions") {
        return versions::list_versions(state, request, found).await;
    }
    if request.query("list-type").as_deref() == Some("2") {
        return listing::list_v2(state, request, found).await;
    }
    listing::list_v1(state, request, found).await
}
