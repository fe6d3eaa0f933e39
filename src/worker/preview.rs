//! The preview pane's reads: the first bytes of one version by file id (one `Range`
//! request), or the first page of a folder's names. Only the newest request runs: a new one
//! aborts the one before (its request, if already sent, is dropped), and each waits a short
//! moment before it asks, so a cursor sweeping over many rows costs no request per row.
//! Images that arrived whole are decoded here, off the UI thread.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::{Failure, RequestId, WorkerEvent};
use crate::b2::{B2Client, BucketId, FileAction, FileId, ListFileNamesRequest, Range};

/// How long a request waits before it asks: a newer one arriving meanwhile replaces it.
pub const SETTLE: Duration = Duration::from_millis(60);
/// Images are decoded only up to this many pixels (width × height), and drawn from a copy
/// at most this wide and high.
const MAX_PIXELS: u64 = 64 * 1024 * 1024;
const MAX_SIDE: u32 = 1600;

/// What the preview pane asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreviewCommand {
    /// Bytes `0..bytes` of a version (`Range: bytes=0-{bytes-1}`).
    Fetch {
        req: RequestId,
        file_id: FileId,
        bytes: u64,
        /// The bytes hold the whole file: decode them if they are an image.
        image: bool,
    },
    /// The first page (at most 1,000) of the names in a folder.
    Folder {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
    },
    /// Stop the request in flight (the pane closed).
    Cancel { req: RequestId },
}

impl PreviewCommand {
    pub fn req(&self) -> RequestId {
        match self {
            Self::Fetch { req, .. } | Self::Folder { req, .. } | Self::Cancel { req } => *req,
        }
    }
}

/// One name of a folder's first page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderEntry {
    pub name: String,
    pub size: u64,
    pub folder: bool,
}

/// What came back.
#[derive(Clone, Debug, PartialEq)]
pub enum PreviewEvent {
    /// The first bytes of a version, with its content type; `image` when decoded.
    Fetched {
        req: RequestId,
        file_id: FileId,
        data: Bytes,
        content_type: Option<String>,
        image: Option<Arc<image::DynamicImage>>,
        /// Why an image could not be decoded.
        image_error: Option<String>,
    },
    /// A folder's first names; `more` when others follow.
    Listed {
        req: RequestId,
        entries: Vec<FolderEntry>,
        more: bool,
    },
    /// The read failed (no popup: the pane says it).
    Failed { req: RequestId, error: Failure },
}

/// The one preview request in flight.
#[derive(Clone, Default)]
pub struct Previews(Arc<Mutex<Option<(RequestId, AbortHandle)>>>);

impl Previews {
    /// Starts `cmd`, aborting the request before it. Call in command order.
    pub fn execute(
        &self,
        client: &B2Client,
        cmd: PreviewCommand,
        tx: &UnboundedSender<WorkerEvent>,
    ) {
        let Ok(mut slot) = self.0.lock() else {
            return;
        };
        if let Some((_, old)) = slot.take() {
            old.abort();
        }
        if matches!(cmd, PreviewCommand::Cancel { .. }) {
            return;
        }
        let (client, tx) = (client.clone(), tx.clone());
        let req = cmd.req();
        let task = tokio::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            let event = match cmd {
                PreviewCommand::Fetch {
                    req,
                    file_id,
                    bytes,
                    image,
                } => fetch(&client, req, file_id, bytes, image).await,
                PreviewCommand::Folder {
                    req,
                    bucket,
                    prefix,
                } => list(&client, req, bucket, prefix).await,
                PreviewCommand::Cancel { .. } => return,
            };
            let _ = tx.send(WorkerEvent::Preview(event));
        });
        *slot = Some((req, task.abort_handle()));
    }
}

async fn fetch(
    client: &B2Client,
    req: RequestId,
    file_id: FileId,
    bytes: u64,
    image: bool,
) -> PreviewEvent {
    let range = Range {
        start: 0,
        end: bytes.max(1) - 1,
    };
    let read = async {
        let mut download = client.download_file_by_id(&file_id, Some(range)).await?;
        let content_type = download.info.content_type.clone();
        let mut buf = BytesMut::new();
        while let Some(chunk) = download.next_chunk().await? {
            buf.extend_from_slice(&chunk);
        }
        Ok::<_, crate::b2::B2Error>((buf.freeze(), content_type))
    };
    let (data, content_type) = match read.await {
        Ok(got) => got,
        Err(e) => {
            return PreviewEvent::Failed {
                req,
                error: Failure::from(&e),
            };
        }
    };
    let (image, image_error) = if image && is_image(&data) {
        let bytes = data.clone();
        match tokio::task::spawn_blocking(move || decode(&bytes)).await {
            Ok(Ok(img)) => (Some(Arc::new(img)), None),
            Ok(Err(e)) => (None, Some(e)),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    PreviewEvent::Fetched {
        req,
        file_id,
        data,
        content_type,
        image,
        image_error,
    }
}

/// True for PNG, JPEG, GIF and WebP bytes.
fn is_image(data: &[u8]) -> bool {
    use image::ImageFormat as F;
    matches!(
        image::guess_format(data),
        Ok(F::Png | F::Jpeg | F::Gif | F::WebP)
    )
}

/// Decodes a PNG, JPEG, GIF (first frame) or WebP, shrunk to at most `MAX_SIDE` a side.
fn decode(bytes: &[u8]) -> Result<image::DynamicImage, String> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let (w, h) = reader.into_dimensions().map_err(|e| e.to_string())?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("{w}×{h} pixels is too large to draw"));
    }
    let img = image::load_from_memory(bytes).map_err(|e| e.to_string())?;
    Ok(if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.thumbnail(MAX_SIDE, MAX_SIDE)
    } else {
        img
    })
}

async fn list(client: &B2Client, req: RequestId, bucket: BucketId, prefix: String) -> PreviewEvent {
    let request = ListFileNamesRequest {
        bucket_id: bucket,
        prefix: Some(prefix.clone()),
        delimiter: Some("/".to_owned()),
        max_file_count: Some(1000),
        ..ListFileNamesRequest::default()
    };
    match client.list_file_names(&request).await {
        Ok(page) => PreviewEvent::Listed {
            req,
            entries: page
                .files
                .into_iter()
                .map(|f| FolderEntry {
                    name: f
                        .file_name
                        .strip_prefix(&prefix)
                        .unwrap_or(&f.file_name)
                        .to_owned(),
                    size: f.content_length,
                    folder: f.action == FileAction::Folder,
                })
                .collect(),
            more: page.next_file_name.is_some(),
        },
        Err(e) => PreviewEvent::Failed {
            req,
            error: Failure::from(&e),
        },
    }
}
