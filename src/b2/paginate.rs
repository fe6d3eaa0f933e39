//! The one paging loop over B2's list continuations (`nextFileName`/`nextFileId`,
//! `nextPartNumber`, `nextApplicationKeyId`), as lazy streams of [`Page`]s: file names,
//! file versions (plain or with Object Lock state), unfinished large files, parts and keys.

use std::future::Future;

use futures::StreamExt;
use futures::stream::BoxStream;

use super::buckets::LockedVersion;
use super::client::B2Client;
use super::error::B2Error;
use super::keys::ApplicationKey;
use super::types::{
    BucketId, FileId, FileVersion, FilesPage, ListFileNamesRequest, ListFileVersionsRequest, Part,
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

/// A listing that pages: the call for one page, from the start or from a cursor.
pub trait Listing: Send + Sync + 'static {
    type Item: Send + 'static;
    type Cursor: Clone + Send + Sync + 'static;
    /// Makes the call for the page at `start` (`None`: the first page).
    fn fetch(
        &self,
        client: &B2Client,
        start: Option<&Self::Cursor>,
    ) -> impl Future<Output = Result<Page<Self::Item, Self::Cursor>, B2Error>> + Send;
}

/// A stream of pages, as every function of this module returns it.
pub type Pages<T, C> = BoxStream<'static, Result<Page<T, C>, B2Error>>;

/// Every page of `listing`, lazily: a call is made only when the previous page has been
/// consumed, so a caller that stops early (or drops the stream) makes no further calls.
pub fn pages<L: Listing>(client: B2Client, listing: L) -> Pages<L::Item, L::Cursor> {
    let listing = std::sync::Arc::new(listing);
    futures::stream::try_unfold(Some(None), move |state| {
        let (client, listing) = (client.clone(), std::sync::Arc::clone(&listing));
        async move {
            let Some(start) = state else { return Ok(None) };
            let page = listing.fetch(&client, start.as_ref()).await?;
            let following = page.next.clone().map(Some);
            Ok(Some((page, following)))
        }
    })
    .boxed()
}

/// Every page of `b2_list_file_names` from `req` on.
pub fn file_names(client: B2Client, req: ListFileNamesRequest) -> Pages<FileVersion, String> {
    pages(client, req)
}

/// Every page of `b2_list_file_versions` from `req` on.
pub fn file_versions(
    client: B2Client,
    req: ListFileVersionsRequest,
) -> Pages<FileVersion, VersionCursor> {
    pages(client, req)
}

/// Every page of `b2_list_file_versions` with each version's Object Lock state.
pub fn locked_versions(
    client: B2Client,
    req: ListFileVersionsRequest,
) -> Pages<LockedVersion, VersionCursor> {
    pages(client, Locked(req))
}

/// Every page of `b2_list_unfinished_large_files` in a bucket, under `name_prefix`.
pub fn unfinished_large_files(
    client: B2Client,
    bucket_id: BucketId,
    name_prefix: Option<String>,
) -> Pages<FileVersion, FileId> {
    let req = Unfinished {
        bucket_id,
        name_prefix,
    };
    pages(client, req)
}

/// Every page of `b2_list_parts` of an unfinished large file (1000 parts a page).
pub fn parts(client: B2Client, file_id: FileId) -> Pages<Part, u32> {
    pages(client, Parts(file_id))
}

/// Every page of `b2_list_keys` on API `version` (3, or 4 for multi-bucket keys).
pub fn keys(client: B2Client, version: u8, page_size: u32) -> Pages<ApplicationKey, String> {
    pages(client, Keys { version, page_size })
}

impl<T> FilesPage<T> {
    /// This page, continued at `nextFileName`.
    fn by_name(self) -> Page<T, String> {
        Page {
            items: self.files,
            next: self.next_file_name,
        }
    }

    /// This page, continued at `nextFileName` and `nextFileId`.
    fn by_version(self) -> Page<T, VersionCursor> {
        let next = self.next_file_name.map(|file_name| VersionCursor {
            file_name,
            file_id: self.next_file_id,
        });
        Page {
            items: self.files,
            next,
        }
    }

    /// This page, continued at `nextFileId`.
    fn by_id(self) -> Page<T, FileId> {
        Page {
            items: self.files,
            next: self.next_file_id,
        }
    }
}

impl Listing for ListFileNamesRequest {
    type Item = FileVersion;
    type Cursor = String;
    async fn fetch(
        &self,
        client: &B2Client,
        start: Option<&String>,
    ) -> Result<Page<FileVersion, String>, B2Error> {
        let resumed;
        let req = match start {
            None => self,
            Some(name) => {
                resumed = Self {
                    start_file_name: Some(name.clone()),
                    ..self.clone()
                };
                &resumed
            }
        };
        Ok(client.list_file_names(req).await?.by_name())
    }
}

/// `b2_list_file_versions` from `start`, or as asked.
fn versions_from(
    req: &ListFileVersionsRequest,
    start: Option<&VersionCursor>,
) -> ListFileVersionsRequest {
    match start {
        None => req.clone(),
        Some(c) => ListFileVersionsRequest {
            start_file_name: Some(c.file_name.clone()),
            start_file_id: c.file_id.clone(),
            ..req.clone()
        },
    }
}

impl Listing for ListFileVersionsRequest {
    type Item = FileVersion;
    type Cursor = VersionCursor;
    async fn fetch(
        &self,
        client: &B2Client,
        start: Option<&VersionCursor>,
    ) -> Result<Page<FileVersion, VersionCursor>, B2Error> {
        let req = versions_from(self, start);
        Ok(client.list_file_versions(&req).await?.by_version())
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
        start: Option<&VersionCursor>,
    ) -> Result<Page<LockedVersion, VersionCursor>, B2Error> {
        let req = versions_from(&self.0, start);
        Ok(client.list_locked_versions(&req).await?.by_version())
    }
}

struct Unfinished {
    bucket_id: BucketId,
    name_prefix: Option<String>,
}

impl Listing for Unfinished {
    type Item = FileVersion;
    type Cursor = FileId;
    async fn fetch(
        &self,
        client: &B2Client,
        start: Option<&FileId>,
    ) -> Result<Page<FileVersion, FileId>, B2Error> {
        let prefix = self.name_prefix.as_deref();
        let page = client
            .list_unfinished_large_files(&self.bucket_id, prefix, start)
            .await?;
        Ok(page.by_id())
    }
}

struct Parts(FileId);

impl Listing for Parts {
    type Item = Part;
    type Cursor = u32;
    async fn fetch(
        &self,
        client: &B2Client,
        start: Option<&u32>,
    ) -> Result<Page<Part, u32>, B2Error> {
        let page = client
            .list_parts(&self.0, start.copied(), Some(1000))
            .await?;
        Ok(Page {
            items: page.parts,
            next: page.next_part_number,
        })
    }
}

struct Keys {
    version: u8,
    page_size: u32,
}

impl Listing for Keys {
    type Item = ApplicationKey;
    type Cursor = String;
    async fn fetch(
        &self,
        client: &B2Client,
        start: Option<&String>,
    ) -> Result<Page<ApplicationKey, String>, B2Error> {
        let start = start.map(String::as_str);
        let page = client
            .list_keys(self.version, start, self.page_size)
            .await?;
        Ok(Page {
            items: page.keys,
            next: page.next_application_key_id,
        })
    }
}
