//! The B2 Native API client: wire types, one error type, retries and re-authorization.
//! Knows nothing of the terminal; `anyhow` stays out (typed errors only).

pub mod advice;
pub mod auth;
pub mod buckets;
pub mod client;
pub mod download;
pub mod encode;
pub mod error;
pub mod keys;
pub mod large;
pub mod notifications;
pub mod paginate;
pub mod replication;
pub mod retry;
pub mod types;
pub mod upload;
pub mod versions;
pub mod vocabulary;

pub use auth::{Credentials, Session};
pub use client::{B2Client, ClientOptions, DEFAULT_ENDPOINT};
pub use download::{Download, DownloadInfo, Range};
pub use error::B2Error;
pub use keys::{ApplicationKey, CreateKeyRequest, CreatedKey, ListKeysResponse, Secret};
pub use retry::RetryPolicy;
pub use types::*;
pub use upload::UploadBody;
pub use versions::CopyOptions;
