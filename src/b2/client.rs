//! `B2Client`: one method per B2 call (named after the call minus `b2_`). Every JSON call
//! goes through `call`, which retries, re-authorizes once on an expired token, and maps
//! errors; uploads go through `upload_bytes`, which takes a fresh upload URL after failures.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::auth::{Credentials, Session};
use super::download::{Download, Range};
use super::encode;
use super::error::B2Error;
use super::retry::{self, Call, Failure, Reauthorize, RetryPolicy};
use super::types::{
    AuthorizeResponse, Bucket, BucketId, DeletedFileVersion, FileId, FileVersion,
    ListBucketsRequest, ListBucketsResponse, ListFileNamesRequest, ListFileNamesResponse,
    ListFileVersionsRequest, ListFileVersionsResponse, UploadMeta, UploadUrl,
};
use super::upload::UploadBody;

/// Backblaze's API entry point.
pub const DEFAULT_ENDPOINT: &str = "https://api.backblazeb2.com";

/// How the client behaves; the defaults suit real B2.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub retry: RetryPolicy,
    /// `X-Bz-Test-Mode` to send on every call (resilience testing).
    pub test_mode: Option<String>,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of an answer (reset by each read), so a server that
    /// stops answering fails the call (and its retries) instead of hanging it.
    pub read_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            test_mode: None,
            connect_timeout: Duration::from_secs(20),
            read_timeout: Duration::from_secs(120),
        }
    }
}

/// A B2 account session; cheap to clone, safe to share between tasks.
#[derive(Clone)]
pub struct B2Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    creds: Credentials,
    options: ClientOptions,
    session: RwLock<Arc<Session>>,
    reauth: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for B2Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("B2Client")
            .field("endpoint", &self.inner.endpoint)
            .finish_non_exhaustive()
    }
}

impl B2Client {
    /// Authorizes against `endpoint` (e.g. [`DEFAULT_ENDPOINT`]) with default options.
    pub async fn authorize(endpoint: &str, creds: Credentials) -> Result<Self, B2Error> {
        Self::authorize_with(endpoint, creds, ClientOptions::default()).await
    }

    /// Authorizes with explicit options.
    pub async fn authorize_with(
        endpoint: &str,
        creds: Credentials,
        options: ClientOptions,
    ) -> Result<Self, B2Error> {
        let endpoint = endpoint.trim_end_matches('/').to_owned();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(B2Error::InvalidInput(format!(
                "endpoint must start with http:// or https://, got {endpoint:?}"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .user_agent(concat!("b2tui/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let session = fetch_session(&http, &endpoint, &creds, &options).await?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                endpoint,
                creds,
                options,
                session: RwLock::new(Arc::new(session)),
                reauth: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The API base URL the user gave.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The current session (account, URLs, capabilities).
    pub fn session(&self) -> Arc<Session> {
        match self.inner.session.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The id of the application key this client authorized with.
    pub fn key_id(&self) -> &str {
        &self.inner.creds.key_id
    }

    /// The account id from the authorization.
    pub fn account_id(&self) -> String {
        self.session().account_id.0.clone()
    }

    /// How hard calls are retried; transfers apply the same policy to uploads and ranges.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.options.retry
    }

    /// The HTTP client, for the upload and download calls of sibling modules.
    pub(super) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// `X-Bz-Test-Mode` configured for every call, if any.
    pub(super) fn test_mode(&self) -> Option<&str> {
        self.inner.options.test_mode.as_deref()
    }

    /// Authorizes again, unless another task already did since `stale_token` was issued.
    pub async fn reauthorize(&self, stale_token: &str) -> Result<(), B2Error> {
        let _guard = self.inner.reauth.lock().await;
        if self.session().token != stale_token {
            return Ok(());
        }
        let fresh = fetch_session(
            &self.inner.http,
            &self.inner.endpoint,
            &self.inner.creds,
            &self.inner.options,
        )
        .await?;
        match self.inner.session.write() {
            Ok(mut s) => *s = Arc::new(fresh),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(fresh),
        }
        Ok(())
    }

    /// One JSON call to `{apiUrl}/b2api/v3/b2_{name}`. Other files of `b2` add their calls
    /// on top of it (one `impl B2Client` block per family of calls).
    pub(crate) async fn call<Req, Resp>(&self, name: &str, body: &Req) -> Result<Resp, B2Error>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        self.call_version(3, name, body).await
    }

    /// [`B2Client::call`] on another API version, `{apiUrl}/b2api/v{version}/b2_{name}`
    /// (v4 for multi-bucket application keys). Retried, re-authorizing once on an expired
    /// token.
    pub(crate) async fn call_version<Req, Resp>(
        &self,
        version: u8,
        name: &str,
        body: &Req,
    ) -> Result<Resp, B2Error>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        retry::run(self.retry_policy(), Call::Api(self), |_| async move {
            let session = self.session();
            let url = format!("{}/b2api/v{version}/b2_{name}", session.api_url);
            let req = self
                .inner
                .http
                .post(url)
                .header("Authorization", &session.token)
                .json(body);
            Ok(read_json(self.with_test_mode(req).send().await?).await?)
        })
        .await
    }

    /// Adds the configured `X-Bz-Test-Mode`, if any.
    pub(super) fn with_test_mode(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self.test_mode() {
            Some(mode) => req.header("X-Bz-Test-Mode", mode),
            None => req,
        }
    }

    /// The buckets the key can see: `b2_list_buckets` for the account, or for each bucket
    /// a restricted key allows (v4 for a key with several). A restricted key without
    /// `listBuckets` still sees its buckets, from what `b2_authorize_account` named
    /// (`bucketType` is then empty: unknown). Deleted buckets are left out.
    pub async fn list_buckets(&self) -> Result<Vec<Bucket>, B2Error> {
        let session = self.session();
        let account_id = session.account_id.0.clone();
        let Some(allowed) = &session.allowed_buckets else {
            let req = ListBucketsRequest {
                account_id,
                ..Default::default()
            };
            let resp: ListBucketsResponse = self.call("list_buckets", &req).await?;
            return Ok(resp.buckets);
        };
        if !session.has_capability("listBuckets") {
            return Ok(allowed
                .iter()
                .filter_map(|b| {
                    Some(Bucket::named(
                        session.account_id.clone(),
                        b.id.clone(),
                        b.name.clone()?,
                    ))
                })
                .collect());
        }
        let version = if allowed.len() > 1 { 4 } else { 3 };
        let mut buckets = Vec::new();
        for b in allowed {
            // A bucket-restricted key must name its bucket (b2_list_buckets, v2+).
            let req = ListBucketsRequest {
                account_id: account_id.clone(),
                bucket_id: Some(b.id.clone()),
                bucket_name: None,
            };
            let resp: ListBucketsResponse =
                self.call_version(version, "list_buckets", &req).await?;
            buckets.extend(resp.buckets);
        }
        Ok(buckets)
    }

    /// `b2_list_file_names`: one page. A prefix above the key's name prefix is narrowed
    /// to it ([`Session::scoped_prefix`]).
    pub async fn list_file_names(
        &self,
        req: &ListFileNamesRequest,
    ) -> Result<ListFileNamesResponse, B2Error> {
        let prefix = self.session().scoped_prefix(req.prefix.as_deref());
        if prefix != req.prefix {
            let req = ListFileNamesRequest {
                prefix,
                ..req.clone()
            };
            return self.call("list_file_names", &req).await;
        }
        self.call("list_file_names", req).await
    }

    /// `b2_list_file_versions`: one page, its prefix narrowed like `list_file_names`.
    pub async fn list_file_versions(
        &self,
        req: &ListFileVersionsRequest,
    ) -> Result<ListFileVersionsResponse, B2Error> {
        let prefix = self.session().scoped_prefix(req.prefix.as_deref());
        if prefix != req.prefix {
            let req = ListFileVersionsRequest {
                prefix,
                ..req.clone()
            };
            return self.call("list_file_versions", &req).await;
        }
        self.call("list_file_versions", req).await
    }

    /// `b2_get_file_info`.
    pub async fn get_file_info(&self, file_id: &FileId) -> Result<FileVersion, B2Error> {
        self.call_on_file("get_file_info", file_id).await
    }

    /// A call whose body is only `{"fileId": …}`.
    pub(crate) async fn call_on_file<Resp: DeserializeOwned>(
        &self,
        name: &str,
        file_id: &FileId,
    ) -> Result<Resp, B2Error> {
        self.call(name, &serde_json::json!({ "fileId": file_id }))
            .await
    }

    /// `b2_hide_file`: hides the newest version of a name.
    pub async fn hide_file(
        &self,
        bucket_id: &BucketId,
        file_name: &str,
    ) -> Result<FileVersion, B2Error> {
        let body = serde_json::json!({ "bucketId": bucket_id, "fileName": file_name });
        self.call("hide_file", &body).await
    }

    /// `b2_delete_file_version`: removes one version (or hide marker) for good.
    pub async fn delete_file_version(
        &self,
        file_name: &str,
        file_id: &FileId,
    ) -> Result<DeletedFileVersion, B2Error> {
        let body = serde_json::json!({ "fileName": file_name, "fileId": file_id });
        self.call("delete_file_version", &body).await
    }

    /// `b2_get_upload_url`.
    pub async fn get_upload_url(&self, bucket_id: &BucketId) -> Result<UploadUrl, B2Error> {
        self.call(
            "get_upload_url",
            &serde_json::json!({ "bucketId": bucket_id }),
        )
        .await
    }

    /// `b2_upload_file` on a given upload URL, once (no retry): the SHA-1 is computed and
    /// sent, the name and file info are percent-encoded.
    pub async fn upload_file(
        &self,
        url: &UploadUrl,
        meta: &UploadMeta,
        body: Bytes,
    ) -> Result<FileVersion, B2Error> {
        self.upload_file_body(url, meta, UploadBody::Bytes(body))
            .await
    }

    /// `b2_upload_file` on a given upload URL, once (no retry), with a body in memory or
    /// streamed (`hex_digits_at_end`).
    pub async fn upload_file_body(
        &self,
        url: &UploadUrl,
        meta: &UploadMeta,
        body: UploadBody,
    ) -> Result<FileVersion, B2Error> {
        if meta.file_name.is_empty() {
            return Err(B2Error::InvalidInput("file name must not be empty".into()));
        }
        let mut req = self
            .inner
            .http
            .post(&url.upload_url)
            .header("Authorization", &url.authorization_token)
            .header("X-Bz-File-Name", encode::encode_name(&meta.file_name))
            .header(
                "Content-Type",
                meta.content_type.as_deref().unwrap_or("b2/x-auto"),
            );
        for (k, v) in &meta.file_info {
            req = req.header(format!("X-Bz-Info-{k}"), encode::encode_value(v));
        }
        if let Some(mode) = meta.test_mode.as_deref().or(self.test_mode()) {
            req = req.header("X-Bz-Test-Mode", mode);
        }
        read_json(body.attach(req).send().await?).await
    }

    /// Uploads bytes as a new version of `meta.file_name`: gets an upload URL, uploads, and
    /// on failure takes a fresh URL and tries again within the retry policy.
    pub async fn upload_bytes(
        &self,
        bucket_id: &BucketId,
        meta: &UploadMeta,
        body: Bytes,
    ) -> Result<FileVersion, B2Error> {
        retry::run(self.retry_policy(), Call::Upload, |_| async {
            // b2_upload_file: 401/408/5xx/connection errors → new upload URL, then retry.
            let url = self
                .get_upload_url(bucket_id)
                .await
                .map_err(Failure::Stop)?;
            Ok(self.upload_file(&url, meta, body.clone()).await?)
        })
        .await
    }

    /// Downloads a version by id; `range` asks for part of it.
    pub async fn download_file_by_id(
        &self,
        file_id: &FileId,
        range: Option<Range>,
    ) -> Result<Download, B2Error> {
        let file_id = encode::encode_value(file_id.as_str());
        self.download(
            |s| {
                format!(
                    "{}/b2api/v3/b2_download_file_by_id?fileId={file_id}",
                    s.download_url
                )
            },
            range,
        )
        .await
    }

    /// Downloads the newest version of a name.
    pub async fn download_file_by_name(
        &self,
        bucket_name: &str,
        file_name: &str,
        range: Option<Range>,
    ) -> Result<Download, B2Error> {
        let path = format!(
            "{}/{}",
            encode::encode_value(bucket_name),
            encode::encode_name(file_name)
        );
        self.download(|s| format!("{}/file/{path}", s.download_url), range)
            .await
    }

    async fn download<F>(&self, url: F, range: Option<Range>) -> Result<Download, B2Error>
    where
        F: Fn(&Session) -> String,
    {
        let url = &url;
        retry::run(self.retry_policy(), Call::Api(self), |_| async move {
            let session = self.session();
            let mut req = self
                .inner
                .http
                .get(url(&session))
                .header("Authorization", &session.token);
            if let Some(r) = range {
                req = req.header("Range", r.to_header());
            }
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            if !(200..300).contains(&status) {
                return Err(error_from(resp).await.into());
            }
            Ok(Download::from_response(resp, range)?)
        })
        .await
    }
}

impl Reauthorize for B2Client {
    fn current_token(&self) -> String {
        self.session().token.clone()
    }

    fn reauthorize<'a>(
        &'a self,
        stale: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<(), B2Error>> {
        Box::pin(B2Client::reauthorize(self, stale))
    }
}

/// `b2_authorize_account` (v4, the version every kind of key may use, multi-bucket keys
/// included), retried on transient failures.
async fn fetch_session(
    http: &reqwest::Client,
    endpoint: &str,
    creds: &Credentials,
    options: &ClientOptions,
) -> Result<Session, B2Error> {
    retry::run(&options.retry, Call::Plain, |_| async {
        let mut req = http
            .get(format!("{endpoint}/b2api/v4/b2_authorize_account"))
            .header("Authorization", creds.basic_auth());
        if let Some(mode) = &options.test_mode {
            req = req.header("X-Bz-Test-Mode", mode);
        }
        let resp: AuthorizeResponse = read_json(req.send().await?).await?;
        Ok(Session::from_response(resp))
    })
    .await
}

/// A success's JSON body as `T`. A failure becomes B2's error (or, without B2's JSON, a
/// server that is not B2); a success that is not JSON at all is not B2 either.
pub(super) async fn read_json<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, B2Error> {
    if !resp.status().is_success() {
        return Err(error_from(resp).await);
    }
    let url = resp.url().clone();
    let status = resp.status();
    let content_type = content_type(&resp);
    let body = resp.bytes().await?;
    serde_json::from_slice(&body).map_err(|e| {
        let call = super::advice::call_of_path(url.path());
        let object = matches!(
            serde_json::from_slice::<serde_json::Value>(&body),
            Ok(serde_json::Value::Object(_))
        );
        // Any B2 answers authorization with its account; other JSON is another service.
        if object && call != Some("b2_authorize_account") {
            let call = call.unwrap_or("the call");
            B2Error::Decode(format!("{call} answered JSON b2tui cannot read: {e}"))
        } else {
            B2Error::not_b2(&url, status, content_type.as_deref())
        }
    })
}

/// Reads B2's error body and `Retry-After` from a failed response.
pub(crate) async fn error_from(resp: reqwest::Response) -> B2Error {
    let status = resp.status();
    let url = resp.url().clone();
    let content_type = content_type(&resp);
    let retry_after = resp
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    match resp.bytes().await {
        Ok(body) => B2Error::from_answer(&url, status, content_type.as_deref(), &body, retry_after),
        Err(e) => e.into(),
    }
}

fn content_type(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
