//! `Backend` for the real client: plain forwards, so the worker's logic stays testable
//! with an in-memory backend.

use super::Backend;
use crate::b2::{
    B2Client, B2Error, Bucket, ListFileNamesRequest, ListFileNamesResponse,
    ListFileVersionsRequest, ListFileVersionsResponse,
};

impl Backend for B2Client {
    fn account_id(&self) -> String {
        B2Client::account_id(self)
    }

    async fn list_buckets(&self) -> Result<Vec<Bucket>, B2Error> {
        B2Client::list_buckets(self).await
    }

    async fn list_file_names(
        &self,
        req: &ListFileNamesRequest,
    ) -> Result<ListFileNamesResponse, B2Error> {
        B2Client::list_file_names(self, req).await
    }

    async fn list_file_versions(
        &self,
        req: &ListFileVersionsRequest,
    ) -> Result<ListFileVersionsResponse, B2Error> {
        B2Client::list_file_versions(self, req).await
    }
}
