//! Listing commands: buckets, one folder page, and all versions of one name.
//! Each function sends its results as `WorkerEvent`s; none of them retries (the client does).

use tokio::sync::mpsc::UnboundedSender;

use super::{Backend, Command, RequestId, WorkerEvent};
use crate::b2::{BucketId, ListFileNamesRequest, ListFileVersionsRequest};

/// Names per `b2_list_file_names` / `b2_list_file_versions` call: one billed transaction.
pub const PAGE_SIZE: u32 = 1000;

/// Runs one command to completion, reporting through `tx`. A closed channel means the app
/// is gone, so send errors are ignored.
pub async fn execute<B: Backend>(backend: &B, cmd: Command, tx: &UnboundedSender<WorkerEvent>) {
    match cmd {
        Command::ListBuckets { req } => {
            let evt = match backend.list_buckets().await {
                Ok(mut buckets) => {
                    buckets.sort_by(|a, b| a.bucket_name.cmp(&b.bucket_name));
                    WorkerEvent::BucketsListed { req, buckets }
                }
                Err(e) => WorkerEvent::failed(req, &e),
            };
            let _ = tx.send(evt);
        }
        Command::ListFiles {
            req,
            bucket,
            prefix,
            start,
        } => {
            let _ = tx.send(list_files_page(backend, req, bucket, prefix, start).await);
        }
        Command::ListVersions {
            req,
            bucket,
            file_name,
        } => list_versions(backend, req, bucket, file_name, tx).await,
    }
}

/// `b2_list_file_names` with delimiter `/`: one page of a folder.
async fn list_files_page<B: Backend>(
    backend: &B,
    req: RequestId,
    bucket: BucketId,
    prefix: String,
    start: Option<String>,
) -> WorkerEvent {
    let request = ListFileNamesRequest {
        bucket_id: bucket,
        start_file_name: start,
        max_file_count: Some(PAGE_SIZE),
        prefix: Some(prefix),
        delimiter: Some("/".to_owned()),
    };
    match backend.list_file_names(&request).await {
        Ok(resp) => WorkerEvent::FilesListed {
            req,
            entries: resp.files,
            next: resp.next_file_name,
        },
        Err(e) => WorkerEvent::failed(req, &e),
    }
}

/// `b2_list_file_versions` from `startFileName = prefix = name`: every version of `name`,
/// newest first. The prefix also matches longer names (`a.txt` → `a.txt.bak`), so the scan
/// stops at the first entry with another name.
async fn list_versions<B: Backend>(
    backend: &B,
    req: RequestId,
    bucket: BucketId,
    file_name: String,
    tx: &UnboundedSender<WorkerEvent>,
) {
    let mut request = ListFileVersionsRequest {
        bucket_id: bucket,
        start_file_name: Some(file_name.clone()),
        start_file_id: None,
        max_file_count: Some(PAGE_SIZE),
        prefix: Some(file_name.clone()),
        delimiter: None,
    };
    loop {
        let resp = match backend.list_file_versions(&request).await {
            Ok(resp) => resp,
            Err(e) => {
                let _ = tx.send(WorkerEvent::failed(req, &e));
                return;
            }
        };
        let total = resp.files.len();
        let versions: Vec<_> = resp
            .files
            .into_iter()
            .take_while(|v| v.file_name == file_name)
            .collect();
        let other_name_seen = versions.len() < total;
        let next = match (resp.next_file_name, resp.next_file_id) {
            (Some(name), id) if name == file_name && !other_name_seen => Some((name, id)),
            _ => None,
        };
        let done = next.is_none();
        if tx
            .send(WorkerEvent::VersionsListed {
                req,
                versions,
                done,
            })
            .is_err()
        {
            return;
        }
        match next {
            Some((name, id)) => {
                request.start_file_name = Some(name);
                request.start_file_id = id;
            }
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use tokio::sync::mpsc;

    use super::*;
    use crate::b2::{
        B2Error, Bucket, FileAction, FileId, FileVersion, ListFileNamesResponse,
        ListFileVersionsResponse,
    };
    use crate::worker::spawn;

    type Script<T> = Arc<Mutex<VecDeque<Result<T, B2Error>>>>;

    /// Answers from a script and records every request.
    #[derive(Clone, Default)]
    struct Scripted {
        names: Script<ListFileNamesResponse>,
        versions: Script<ListFileVersionsResponse>,
        name_calls: Arc<Mutex<Vec<ListFileNamesRequest>>>,
        version_calls: Arc<Mutex<Vec<ListFileVersionsRequest>>>,
    }

    fn next<T>(script: &Script<T>) -> Result<T, B2Error> {
        script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Err(B2Error::InvalidInput("script ran out".to_owned())))
    }

    impl Backend for Scripted {
        fn account_id(&self) -> String {
            "acct".to_owned()
        }

        async fn list_buckets(&self) -> Result<Vec<Bucket>, B2Error> {
            Ok(Vec::new())
        }

        async fn list_file_names(
            &self,
            req: &ListFileNamesRequest,
        ) -> Result<ListFileNamesResponse, B2Error> {
            self.name_calls.lock().unwrap().push(req.clone());
            next(&self.names)
        }

        async fn list_file_versions(
            &self,
            req: &ListFileVersionsRequest,
        ) -> Result<ListFileVersionsResponse, B2Error> {
            self.version_calls.lock().unwrap().push(req.clone());
            next(&self.versions)
        }
    }

    fn v(name: &str, id: &str) -> FileVersion {
        FileVersion {
            account_id: None,
            action: FileAction::Upload,
            bucket_id: None,
            content_length: 1,
            content_sha1: None,
            content_md5: None,
            content_type: None,
            file_id: Some(FileId::from(id)),
            file_info: Default::default(),
            file_name: name.to_owned(),
            upload_timestamp: 1,
        }
    }

    fn events(rx: &mut mpsc::UnboundedReceiver<WorkerEvent>) -> Vec<WorkerEvent> {
        std::iter::from_fn(|| rx.try_recv().ok()).collect()
    }

    #[tokio::test]
    async fn versions_page_while_the_name_matches_and_stop_at_another_name() {
        let backend = Scripted::default();
        backend.versions.lock().unwrap().extend([
            Ok(ListFileVersionsResponse {
                files: vec![v("a.txt", "v3"), v("a.txt", "v2")],
                next_file_name: Some("a.txt".to_owned()),
                next_file_id: Some(FileId::from("v1")),
            }),
            Ok(ListFileVersionsResponse {
                files: vec![v("a.txt", "v1"), v("a.txt.bak", "b1")],
                next_file_name: Some("a.txt.bak".to_owned()),
                next_file_id: Some(FileId::from("b0")),
            }),
        ]);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let cmd = Command::ListVersions {
            req: RequestId(7),
            bucket: BucketId::from("b"),
            file_name: "a.txt".to_owned(),
        };
        execute(&backend, cmd, &tx).await;

        let calls = backend.version_calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 2, "stops once another name shows up");
        assert_eq!(calls[0].prefix.as_deref(), Some("a.txt"));
        assert_eq!(calls[0].start_file_name.as_deref(), Some("a.txt"));
        assert_eq!(calls[0].start_file_id, None);
        assert_eq!(calls[0].max_file_count, Some(PAGE_SIZE));
        assert_eq!(calls[1].start_file_name.as_deref(), Some("a.txt"));
        assert_eq!(calls[1].start_file_id, Some(FileId::from("v1")));
        assert_eq!(
            events(&mut rx),
            vec![
                WorkerEvent::VersionsListed {
                    req: RequestId(7),
                    versions: vec![v("a.txt", "v3"), v("a.txt", "v2")],
                    done: false,
                },
                WorkerEvent::VersionsListed {
                    req: RequestId(7),
                    versions: vec![v("a.txt", "v1")],
                    done: true,
                },
            ]
        );
    }

    #[tokio::test]
    async fn files_page_asks_for_one_thousand_with_delimiter() {
        let backend = Scripted::default();
        backend
            .names
            .lock()
            .unwrap()
            .push_back(Ok(ListFileNamesResponse {
                files: vec![v("p/x", "1")],
                next_file_name: Some("p/y".to_owned()),
            }));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let cmd = Command::ListFiles {
            req: RequestId(3),
            bucket: BucketId::from("b"),
            prefix: "p/".to_owned(),
            start: Some("p/w".to_owned()),
        };
        execute(&backend, cmd, &tx).await;
        let calls = backend.name_calls.lock().unwrap().clone();
        assert_eq!(
            calls,
            vec![ListFileNamesRequest {
                bucket_id: BucketId::from("b"),
                start_file_name: Some("p/w".to_owned()),
                max_file_count: Some(1000),
                prefix: Some("p/".to_owned()),
                delimiter: Some("/".to_owned()),
            }]
        );
        assert_eq!(
            events(&mut rx),
            vec![WorkerEvent::FilesListed {
                req: RequestId(3),
                entries: vec![v("p/x", "1")],
                next: Some("p/y".to_owned()),
            }]
        );
    }

    #[tokio::test]
    async fn failures_carry_code_and_retryability() {
        let backend = Scripted::default();
        backend.names.lock().unwrap().extend([
            Err(B2Error::Api {
                status: 401,
                code: "unauthorized".to_owned(),
                message: "no listFiles".to_owned(),
                retry_after: None,
            }),
            Err(B2Error::Http("connection reset".to_owned())),
        ]);
        let (tx, mut rx) = mpsc::unbounded_channel();
        for req in [1, 2] {
            let cmd = Command::ListFiles {
                req: RequestId(req),
                bucket: BucketId::from("b"),
                prefix: String::new(),
                start: None,
            };
            execute(&backend, cmd, &tx).await;
        }
        assert_eq!(
            events(&mut rx),
            vec![
                WorkerEvent::RequestFailed {
                    req: RequestId(1),
                    error: "no listFiles".to_owned(),
                    code: Some("unauthorized".to_owned()),
                    retryable: false,
                },
                WorkerEvent::RequestFailed {
                    req: RequestId(2),
                    error: "connection to B2 failed: connection reset".to_owned(),
                    code: None,
                    retryable: true,
                },
            ]
        );
    }

    #[tokio::test]
    async fn spawned_worker_answers_commands() {
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (evt_tx, mut evt_rx) = mpsc::unbounded_channel();
        let handle = spawn(Scripted::default(), cmd_rx, evt_tx);
        cmd_tx
            .send(Command::ListBuckets { req: RequestId(1) })
            .unwrap();
        let ev = evt_rx.recv().await.unwrap();
        assert_eq!(
            ev,
            WorkerEvent::BucketsListed {
                req: RequestId(1),
                buckets: Vec::new()
            }
        );
        drop(cmd_tx);
        handle.await.unwrap();
    }
}
