//! The one paging loop over B2's list continuations (`nextFileName`/`nextFileId`,
//! `nextPartNumber`, `nextApplicationKeyId`), as lazy streams of [`Page`]s: file names,
//! file versions (plain or with Object Lock state), unfinished large files, parts and keys.

use std::future::Future;

use futures::Stream;

use super::buckets::LockedVersion;
use super::client::B2Client;
use super::error::B2Error;
use super::keys::ApplicationKey;
use super::types::{
    BucketId, FileId, FileVersion, ListFileNamesRequest, ListFileVersionsRequest, Part,
};

/// One page of a listing, and where the next one starts (`None` on the last page).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

impl<T, C> Page<T, C> {
    /// True when no page follows.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

impl<T, C> IntoIterator for Page<T, C> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Where `b2_list_file_versions` goes on: `nextFileName` and `nextFileId`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionCursor {
    pub file_name: String,
    pub file_id: Option<FileId>,
}

/// A listing that pages: one call for one page, and the request of the page after.
pub trait Listing: Sized + Send + 'static {
    type Item: Send + 'static;
    type Cursor: Clone + Send + 'static;
    /// Makes the call for this page.
    fn fetch(
        &self,
        client: &B2Client,
    ) -> impl Future<Output = Result<Page<Self::Item, Self::Cursor>, B2Error>> + Send;
    /// The request of the page that starts at `cursor`.
    fn resume(self, cursor: Self::Cursor) -> Self;
}

/// Every page of `first` on, lazily: a call is made only when the previous page has been
/// consumed, so a caller that stops early (or drops the stream) makes no further calls.
pub fn pages<L: Listing>(
    client: B2Client,
    first: L,
) -> impl Stream<Item = Result<Page<L::Item, L::Cursor>, B2Error>> + Send {
    futures::stream::try_unfold(Some(first), move |state| {
        let client = client.clone();
        async move {
            let Some(req) = state else { return Ok(None) };
            let page = req.fetch(&client).await?;
            let following = page.next.clone().map(|cursor| req.resume(cursor));
            Ok(Some((page, following)))
        }
    })
}

/// Every page of `b2_list_file_names` from `req` on.
pub fn file_names(
    client: B2Client,
    req: ListFileNamesRequest,
) -> impl Stream<Item = Result<Page<FileVersion, String>, B2Error>> + Send {
    pages(client, req)
}

/// Every page of `b2_list_file_versions` from `req` on.
pub fn file_versions(
    client: B2Client,
    req: ListFileVersionsRequest,
) -> impl Stream<Item = Result<Page<FileVersion, VersionCursor>, B2Error>> + Send {
    pages(client, req)
}

/// Every page of `b2_list_file_versions` with each version's Object Lock state.
pub fn locked_versions(
    client: B2Client,
    req: ListFileVersionsRequest,
) -> impl Stream<Item = Result<Page<LockedVersion, VersionCursor>, B2Error>> + Send {
    pages(client, Locked(req))
}

/// Every page of `b2_list_unfinished_large_files` in a bucket, under `name_prefix`.
pub fn unfinished_large_files(
    client: B2Client,
    bucket_id: BucketId,
    name_prefix: Option<String>,
) -> impl Stream<Item = Result<Page<FileVersion, FileId>, B2Error>> + Send {
    let req = Unfinished {
        bucket_id,
        name_prefix,
        start: None,
    };
    pages(client, req)
}

/// Every page of `b2_list_parts` of an unfinished large file (1000 parts a page).
pub fn parts(
    client: B2Client,
    file_id: FileId,
) -> impl Stream<Item = Result<Page<Part, u32>, B2Error>> + Send {
    pages(
        client,
        Parts {
            file_id,
            start: None,
        },
    )
}

/// Every page of `b2_list_keys` on API `version` (3, or 4 for multi-bucket keys).
pub fn keys(
    client: B2Client,
    version: u8,
    page_size: u32,
) -> impl Stream<Item = Result<Page<ApplicationKey, String>, B2Error>> + Send {
    let req = Keys {
        version,
        page_size,
        start: None,
    };
    pages(client, req)
}

impl Listing for ListFileNamesRequest {
    type Item = FileVersion;
    type Cursor = String;
    async fn fetch(&self, client: &B2Client) -> Result<Page<FileVersion, String>, B2Error> {
        let page = client.list_file_names(self).await?;
        Ok(Page {
            items: page.files,
            next: page.next_file_name,
        })
    }
    fn resume(self, name: String) -> Self {
        Self {
            start_file_name: Some(name),
            ..self
        }
    }
}

fn version_cursor(name: Option<String>, id: Option<FileId>) -> Option<VersionCursor> {
    name.map(|file_name| VersionCursor {
        file_name,
        file_id: id,
    })
}

impl Listing for ListFileVersionsRequest {
    type Item = FileVersion;
    type Cursor = VersionCursor;
    async fn fetch(&self, client: &B2Client) -> Result<Page<FileVersion, VersionCursor>, B2Error> {
        let page = client.list_file_versions(self).await?;
        Ok(Page {
            items: page.files,
            next: version_cursor(page.next_file_name, page.next_file_id),
        })
    }
    fn resume(self, cursor: VersionCursor) -> Self {
        Self {
            start_file_name: Some(cursor.file_name),
            start_file_id: cursor.file_id,
            ..self
        }
    }
}

/// `b2_list_file_versions`, read with Object Lock state.
struct Locked(ListFileVersionsRequest);

impl Listing for Locked {
    type Item = LockedVersion;
    type Cursor = VersionCursor;
    async fn fetch(
        &self,
        client: &B2Client,
    ) -> Result<Page<LockedVersion, VersionCursor>, B2Error> {
        let page = client.list_locked_versions(&self.0).await?;
        Ok(Page {
            items: page.files,
            next: version_cursor(page.next_file_name, page.next_file_id),
        })
    }
    fn resume(self, cursor: VersionCursor) -> Self {
        Self(self.0.resume(cursor))
    }
}

struct Unfinished {
    bucket_id: BucketId,
    name_prefix: Option<String>,
    start: Option<FileId>,
}

impl Listing for Unfinished {
    type Item = FileVersion;
    type Cursor = FileId;
    async fn fetch(&self, client: &B2Client) -> Result<Page<FileVersion, FileId>, B2Error> {
        let page = client
            .list_unfinished_large_files(
                &self.bucket_id,
                self.name_prefix.as_deref(),
                self.start.as_ref(),
            )
            .await?;
        Ok(Page {
            items: page.files,
            next: page.next_file_id,
        })
    }
    fn resume(self, id: FileId) -> Self {
        Self {
            start: Some(id),
            ..self
        }
    }
}

struct Parts {
    file_id: FileId,
    start: Option<u32>,
}

impl Listing for Parts {
    type Item = Part;
    type Cursor = u32;
    async fn fetch(&self, client: &B2Client) -> Result<Page<Part, u32>, B2Error> {
        let page = client
            .list_parts(&self.file_id, self.start, Some(1000))
            .await?;
        Ok(Page {
            items: page.parts,
            next: page.next_part_number,
        })
    }
    fn resume(self, part: u32) -> Self {
        Self {
            start: Some(part),
            ..self
        }
    }
}

struct Keys {
    version: u8,
    page_size: u32,
    start: Option<String>,
}

impl Listing for Keys {
    type Item = ApplicationKey;
    type Cursor = String;
    async fn fetch(&self, client: &B2Client) -> Result<Page<ApplicationKey, String>, B2Error> {
        let page = client
            .list_keys(self.version, self.start.as_deref(), self.page_size)
            .await?;
        Ok(Page {
            items: page.keys,
            next: page.next_application_key_id,
        })
    }
    fn resume(self, id: String) -> Self {
        Self {
            start: Some(id),
            ..self
        }
    }
}
