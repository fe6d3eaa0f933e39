//! One loop over B2's list continuations (`nextFileName`/`nextFileId`), as streams of pages.

use futures::Stream;

use super::client::B2Client;
use super::error::B2Error;
use super::types::{FileVersion, ListFileNamesRequest, ListFileVersionsRequest};

/// Every page of `b2_list_file_names` from `req` on, lazily: the next call is made only
/// when the previous page has been consumed.
pub fn file_names(
    client: B2Client,
    req: ListFileNamesRequest,
) -> impl Stream<Item = Result<Vec<FileVersion>, B2Error>> {
    futures::stream::try_unfold(Some(req), move |state| {
        let client = client.clone();
        async move {
            let Some(req) = state else { return Ok(None) };
            let page = client.list_file_names(&req).await?;
            let next = page.next_file_name.map(|name| ListFileNamesRequest {
                start_file_name: Some(name),
                ..req
            });
            Ok(Some((page.files, next)))
        }
    })
}

/// Every page of `b2_list_file_versions` from `req` on, lazily.
pub fn file_versions(
    client: B2Client,
    req: ListFileVersionsRequest,
) -> impl Stream<Item = Result<Vec<FileVersion>, B2Error>> {
    futures::stream::try_unfold(Some(req), move |state| {
        let client = client.clone();
        async move {
            let Some(req) = state else { return Ok(None) };
            let page = client.list_file_versions(&req).await?;
            let next = page.next_file_name.map(|name| ListFileVersionsRequest {
                start_file_name: Some(name),
                start_file_id: page.next_file_id,
                ..req
            });
            Ok(Some((page.files, next)))
        }
    })
}
