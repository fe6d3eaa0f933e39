//! b2_authorize_account: HTTP Basic with a key id (or the account id for the master key)
//! and secret; the answer's shape depends on the API version (§1).

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{auth_header, base_url, basic_credentials};
use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::store::TokenKind;

/// A malformed `Authorization` header: 401 `bad_auth_token`, as recorded from B2.
fn malformed_credentials() -> ApiError {
    ApiError::bad_auth_token("")
}

/// A well-formed key id and key that B2 does not know together: 401 `unauthorized`.
fn bad_credentials() -> ApiError {
    ApiError::unauthorized("")
}

pub async fn authorize_account(
    state: &Arc<State>,
    version: u8,
    request: Request,
) -> Result<Value, ApiError> {
    if request.method() != Method::GET && request.method() != Method::POST {
        return Err(ApiError::method_not_allowed());
    }
    if auth_header(request.headers()).is_none() {
        return Err(ApiError::bad_auth_token("missing Authorization header"));
    }
    let (key_id, secret) =
        basic_credentials(request.headers()).ok_or_else(malformed_credentials)?;
    let base = base_url(request.headers());
    let master_key_id = state.store.master_key_id().to_string();
    let token_state = Arc::clone(state);
    let (key, token, bucket_names) = state
        .db(move |db, now| {
            // The account id also names the master key.
            let key_id = if key_id == db.account_id() {
                master_key_id
            } else {
                key_id
            };
            let key = db
                .key_with_secret(&key_id, &secret)?
                .ok_or_else(bad_credentials)?;
            if key.expires_ms.is_some_and(|e| e <= now) {
                return Err(ApiError::unauthorized("application key has expired"));
            }
            if version < 4 && key.is_multi_bucket() {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unsupported",
                    format!(
                        "a key restricted to several buckets cannot be used with API version v{version}; use v4"
                    ),
                ));
            }
            // The configured lifetime, bounded by the key's own expiry.
            let expires = key.expires_ms.map_or(token_state.token_expiry(now), |e| {
                e.min(token_state.token_expiry(now))
            });
            let token = db.issue_token(&key.key_id, TokenKind::Account, expires)?;
            // One name per restricted bucket; None once that bucket was deleted.
            let mut bucket_names = Vec::new();
            for id in key.buckets.iter().flatten() {
                bucket_names.push(db.bucket(id)?.map(|b| b.name));
            }
            Ok((key, token, bucket_names))
        })
        .await?;

    let account_id = state.store.account_id().to_string();
    let config = &state.config;
    let bucket_name = bucket_names.first().cloned().flatten();
    let allowed_v2 = json!({
        "bucketId": key.single_bucket(),
        "bucketName": bucket_name,
        "capabilities": key.capabilities,
        "namePrefix": key.name_prefix,
    });
    // The S3-compatible API is served on the same listener: at `--s3-host` (on the port
    // the client used) when given, else path style at the same address.
    let s3 = match &config.s3_host {
        Some(host) => {
            let port = base
                .rsplit_once(':')
                .map(|(_, p)| p)
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()));
            match port {
                Some(port) => format!("http://{host}:{port}"),
                None => format!("http://{host}"),
            }
        }
        None => base.clone(),
    };
    Ok(match version {
        1 | 2 => json!({
            "absoluteMinimumPartSize": config.absolute_minimum_part_size,
            "accountId": account_id,
            "allowed": allowed_v2,
            "apiUrl": base,
            "authorizationToken": token,
            "downloadUrl": base,
            "minimumPartSize": config.recommended_part_size,
            "recommendedPartSize": config.recommended_part_size,
            "s3ApiUrl": s3,
        }),
        3 => json!({
            "accountId": account_id,
            "apiInfo": {
                "groupsApi": {"capabilities": [], "groupsApiUrl": null, "infoType": "groupsApi"},
                "storageApi": {
                    "absoluteMinimumPartSize": config.absolute_minimum_part_size,
                    "allowed": allowed_v2,
                    "apiUrl": base,
                    "bucketId": key.single_bucket(),
                    "bucketName": bucket_name,
                    "capabilities": key.capabilities,
                    "downloadUrl": base,
                    "infoType": "storageApi",
                    "namePrefix": key.name_prefix,
                    "recommendedPartSize": config.recommended_part_size,
                    "s3ApiUrl": s3,
                },
            },
            "applicationKeyExpirationTimestamp": key.expires_ms,
            "authorizationToken": token,
        }),
        _ => json!({
            "accountId": account_id,
            "apiInfo": {
                "groupsApi": {"capabilities": [], "groupsApiUrl": null, "infoType": "groupsApi"},
                "storageApi": {
                    "absoluteMinimumPartSize": config.absolute_minimum_part_size,
                    "allowed": {
                        "buckets": key.buckets.as_ref().map(|ids| {
                            ids.iter()
                                .zip(&bucket_names)
                                .map(|(id, name)| json!({"id": id, "name": name}))
                                .collect::<Vec<_>>()
                        }),
                        "capabilities": key.capabilities,
                        "namePrefix": key.name_prefix,
                    },
                    "apiUrl": base,
                    "downloadUrl": base,
                    "recommendedPartSize": config.recommended_part_size,
                    "s3ApiUrl": s3,
                },
            },
            "applicationKeyExpirationTimestamp": key.expires_ms,
            "authorizationToken": token,
        }),
    })
}
