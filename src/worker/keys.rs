//! Application-key commands: list (every page, v3 then v4, one event per page), create and
//! delete. The created key's secret travels only inside `KeysEvent::Created`.

use std::time::{SystemTime, UNIX_EPOCH};

use futures::TryStreamExt;
use tokio::sync::mpsc::UnboundedSender;

use super::{Failure, RequestId, WorkerEvent};
use crate::b2::keys::KEYS_PAGE_SIZE;
use crate::b2::{ApplicationKey, B2Client, B2Error, CreateKeyRequest, CreatedKey, paginate};

/// A key request to the worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyCommand {
    /// List every key of the account, page by page.
    ListKeys { req: RequestId },
    /// Create a key.
    CreateKey {
        req: RequestId,
        request: CreateKeyRequest,
    },
    /// Delete a key by id.
    DeleteKey { req: RequestId, key_id: String },
}

impl KeyCommand {
    /// The request this command answers to.
    pub fn req(&self) -> RequestId {
        match self {
            Self::ListKeys { req } | Self::CreateKey { req, .. } | Self::DeleteKey { req, .. } => {
                *req
            }
        }
    }
}

/// What the worker reports about keys. `now_ms` is the wall clock when the answer came, so
/// the app can tell expired keys without reading the clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeysEvent {
    /// One page of `b2_list_keys`; `done` once the last page of the last API version came.
    KeysListed {
        req: RequestId,
        keys: Vec<ApplicationKey>,
        done: bool,
        now_ms: i64,
    },
    /// A key was created; the secret is in `key.secret` and nowhere else.
    KeyCreated {
        req: RequestId,
        key: Box<CreatedKey>,
        now_ms: i64,
    },
    /// A key was deleted.
    KeyDeleted {
        req: RequestId,
        key: Box<ApplicationKey>,
    },
    /// A key call failed after the client's retries.
    KeyRequestFailed { req: RequestId, error: Failure },
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn failed(req: RequestId, err: &B2Error) -> KeysEvent {
    KeysEvent::KeyRequestFailed {
        req,
        error: Failure::from(err),
    }
}

/// Runs one key command to completion, reporting through `tx` (send errors mean the app is
/// gone and are ignored).
pub async fn execute(client: &B2Client, cmd: KeyCommand, tx: &UnboundedSender<WorkerEvent>) {
    let send = |ev: KeysEvent| tx.send(WorkerEvent::Keys(ev)).is_ok();
    match cmd {
        KeyCommand::ListKeys { req } => list_keys(client, req, &send).await,
        KeyCommand::CreateKey { req, request } => {
            let ev = match client.create_key(&request).await {
                Ok(key) => KeysEvent::KeyCreated {
                    req,
                    key: Box::new(key),
                    now_ms: now_ms(),
                },
                Err(e) => failed(req, &e),
            };
            send(ev);
        }
        KeyCommand::DeleteKey { req, key_id } => {
            let ev = match client.delete_key(&key_id).await {
                Ok(key) => KeysEvent::KeyDeleted {
                    req,
                    key: Box::new(key),
                },
                Err(e) => failed(req, &e),
            };
            send(ev);
        }
    }
}

/// Pages `b2_list_keys` on v3, then on v4 (B2 lists multi-bucket keys only on v4); the app
/// merges the two by key id. A v4 failure after a good v3 listing only ends the listing.
async fn list_keys(client: &B2Client, req: RequestId, send: &impl Fn(KeysEvent) -> bool) {
    for version in [3u8, 4] {
        let mut pages = std::pin::pin!(paginate::keys(client.clone(), version, KEYS_PAGE_SIZE));
        loop {
            let page = match pages.try_next().await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(_) if version == 4 => {
                    send(KeysEvent::KeysListed {
                        req,
                        keys: Vec::new(),
                        done: true,
                        now_ms: now_ms(),
                    });
                    return;
                }
                Err(e) => {
                    send(failed(req, &e));
                    return;
                }
            };
            let done = version == 4 && page.is_last();
            let ok = send(KeysEvent::KeysListed {
                req,
                keys: page.items,
                done,
                now_ms: now_ms(),
            });
            if !ok || done {
                return;
            }
        }
    }
}
