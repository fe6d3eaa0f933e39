//! Large-file calls (b2_start_large_file … b2_finish_large_file, b2_list_parts,
//! b2_list_unfinished_large_files, b2_cancel_large_file). Each JSON call retries through
//! `call`; `upload_part` is one try on one URL, like `upload_file`. Paging is in `paginate`.

use super::client::{B2Client, read_json};
use super::error::B2Error;
use super::types::{
    BucketId, CancelledLargeFile, FileId, FileVersion, ListPartsResponse,
    ListUnfinishedLargeFilesResponse, Part, StartLargeFileRequest, UploadPartUrl,
};
use super::upload::UploadBody;

impl B2Client {
    /// `b2_start_large_file`: an unfinished file (`action: "start"`) to upload parts to.
    pub async fn start_large_file(
        &self,
        req: &StartLargeFileRequest,
    ) -> Result<FileVersion, B2Error> {
        self.call("start_large_file", req).await
    }

    /// `b2_get_upload_part_url`: one URL per parallel part uploader.
    pub async fn get_upload_part_url(&self, file_id: &FileId) -> Result<UploadPartUrl, B2Error> {
        self.call_on_file("get_upload_part_url", file_id).await
    }

    /// `b2_upload_part` on a given part URL, once (no retry).
    pub async fn upload_part(
        &self,
        url: &UploadPartUrl,
        part_number: u32,
        body: UploadBody,
    ) -> Result<Part, B2Error> {
        let req = self
            .http()
            .post(&url.upload_url)
            .header("Authorization", &url.authorization_token)
            .header("X-Bz-Part-Number", part_number);
        read_json(body.attach(self.with_test_mode(req)).send().await?).await
    }

    /// `b2_finish_large_file`: `part_sha1s[0]` is part 1's SHA-1.
    pub async fn finish_large_file(
        &self,
        file_id: &FileId,
        part_sha1s: &[String],
    ) -> Result<FileVersion, B2Error> {
        let body = serde_json::json!({ "fileId": file_id, "partSha1Array": part_sha1s });
        self.call("finish_large_file", &body).await
    }

    /// `b2_cancel_large_file`: drops the unfinished file and its parts.
    pub async fn cancel_large_file(&self, file_id: &FileId) -> Result<CancelledLargeFile, B2Error> {
        self.call_on_file("cancel_large_file", file_id).await
    }

    /// `b2_list_parts`: one page from `start_part` (1-based).
    pub async fn list_parts(
        &self,
        file_id: &FileId,
        start_part: Option<u32>,
        max_parts: Option<u32>,
    ) -> Result<ListPartsResponse, B2Error> {
        let mut body = serde_json::json!({ "fileId": file_id });
        if let Some(n) = start_part {
            body["startPartNumber"] = n.into();
        }
        if let Some(n) = max_parts {
            body["maxPartCount"] = n.into();
        }
        self.call("list_parts", &body).await
    }

    /// `b2_list_unfinished_large_files`: one page.
    pub async fn list_unfinished_large_files(
        &self,
        bucket_id: &BucketId,
        name_prefix: Option<&str>,
        start_file_id: Option<&FileId>,
    ) -> Result<ListUnfinishedLargeFilesResponse, B2Error> {
        let mut body = serde_json::json!({ "bucketId": bucket_id, "maxFileCount": 100 });
        if let Some(p) = self.session().scoped_prefix(name_prefix) {
            body["namePrefix"] = p.into();
        }
        if let Some(id) = start_file_id {
            body["startFileId"] = id.as_str().into();
        }
        self.call("list_unfinished_large_files", &body).await
    }
}
