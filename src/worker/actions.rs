//! File actions of the browse panes: a version's full details (`b2_get_file_info`), a
//! version fetched into a private temporary file to edit in `$EDITOR` or to hand to the
//! system opener, and an edited file saved back as a new version once the name's newest
//! version is checked to still be the one that was opened.
//!
//! Temporary files live in one private folder per process (0700, files 0600), removed by
//! [`remove_temp_dir`] when b2tui exits; an edited file is removed as soon as its edit
//! ends (saved, unchanged or discarded).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;
use sha1::{Digest, Sha1};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc::UnboundedSender;

use super::{Failure, RequestId, WorkerEvent};
use crate::b2::{B2Client, BucketId, FileId, FileVersion, ListFileNamesRequest, UploadMeta};

/// Files larger than this are not opened in an editor.
pub const EDIT_LIMIT: u64 = 10 << 20;

/// Environment variable naming the program that opens files (`O`), instead of the system's
/// (read once at start).
pub const OPENER_ENV: &str = "B2TUI_OPENER";

/// What a fetched file is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchPurpose {
    /// Edit it: refused when binary (a NUL byte) or over [`EDIT_LIMIT`].
    Edit,
    /// Hand it to `opener` (None: the system's, `open` on macOS, else `xdg-open`).
    Open { opener: Option<String> },
}

/// Where an edited file goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveTarget {
    /// The name it was opened from, only if its newest version is still the opened one
    /// and the content changed (else `Unchanged` or `Conflict` answers).
    Checked,
    /// This name, without checking (overwrite, or a copy).
    Name(String),
}

/// A file-action request.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionCommand {
    /// `b2_get_file_info` of one version.
    Info { req: RequestId, file_id: FileId },
    /// Downloads `version` by its id into a private temporary file, checked by its SHA-1.
    Fetch {
        req: RequestId,
        version: Box<FileVersion>,
        purpose: FetchPurpose,
    },
    /// Uploads the edited file at `path` (opened from `opened`) as a new version.
    Save {
        req: RequestId,
        bucket: BucketId,
        path: PathBuf,
        opened: Box<FileVersion>,
        target: SaveTarget,
    },
    /// Drops an edited file (its folder too).
    Discard { req: RequestId, path: PathBuf },
}

impl ActionCommand {
    pub fn req(&self) -> RequestId {
        match self {
            Self::Info { req, .. }
            | Self::Fetch { req, .. }
            | Self::Save { req, .. }
            | Self::Discard { req, .. } => *req,
        }
    }
}

/// A file-action result. Failures come as `WorkerEvent::RequestFailed`.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionEvent {
    /// Every field of a version.
    Info {
        req: RequestId,
        version: Box<FileVersion>,
    },
    /// The file is at `path` (for `Open`: already handed to `opener`).
    Fetched {
        req: RequestId,
        path: PathBuf,
        opener: Option<String>,
    },
    /// The file cannot be edited (binary, too large); nothing was kept.
    Refused { req: RequestId, why: String },
    /// The edited file holds the opened bytes: nothing was uploaded; it is removed.
    Unchanged { req: RequestId },
    /// The name's newest version is no longer the opened one (`None`: the name is gone or
    /// hidden); nothing was uploaded and the edited file is kept for the answer.
    Conflict {
        req: RequestId,
        newest: Option<Box<FileVersion>>,
    },
    /// Uploaded as a new version; the edited file is removed.
    Saved {
        req: RequestId,
        version: Box<FileVersion>,
    },
    /// The edited file was removed.
    Discarded { req: RequestId },
}

/// Runs one file-action command.
pub async fn execute(client: &B2Client, cmd: ActionCommand, tx: &UnboundedSender<WorkerEvent>) {
    let req = cmd.req();
    let result = match cmd {
        ActionCommand::Info { req, file_id } => client
            .get_file_info(&file_id)
            .await
            .map(|v| ActionEvent::Info {
                req,
                version: Box::new(v),
            })
            .map_err(|e| Failure::from(&e)),
        ActionCommand::Fetch {
            req,
            version,
            purpose,
        } => fetch(client, req, &version, &purpose).await,
        ActionCommand::Save {
            req,
            bucket,
            path,
            opened,
            target,
        } => save(client, req, &bucket, &path, &opened, target).await,
        ActionCommand::Discard { req, path } => {
            remove_edit(&path);
            Ok(ActionEvent::Discarded { req })
        }
    };
    let event = match result {
        Ok(ev) => WorkerEvent::Actions(ev),
        Err(error) => WorkerEvent::RequestFailed { req, error },
    };
    let _ = tx.send(event);
}

/// The process's private folder for temporary files, made on first use.
static TEMP_DIR: Mutex<Option<tempfile::TempDir>> = Mutex::new(None);

fn temp_root() -> std::io::Result<PathBuf> {
    let mut dir = TEMP_DIR.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(d) = dir.as_ref() {
        return Ok(d.path().to_path_buf());
    }
    let made = tempfile::Builder::new().prefix("b2tui-").tempdir()?;
    let path = made.path().to_path_buf();
    private(&path)?;
    *dir = Some(made);
    Ok(path)
}

/// Makes a folder readable by its owner only.
fn private(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Removes the folder of temporary files (opened files, edits left over), if one was made.
pub fn remove_temp_dir() {
    let taken = TEMP_DIR.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(d) = taken {
        let _ = d.close();
    }
}

/// A fresh private folder (one per fetch, so two files of one name never meet) and the
/// file's path in it: the name's last segment, stripped of anything a path must not hold.
fn temp_path(version: &FileVersion) -> std::io::Result<PathBuf> {
    let root = temp_root()?;
    let dir = tempfile::Builder::new()
        .prefix("f")
        .tempdir_in(root)?
        .keep();
    let base = version
        .file_name
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() || c == '\\' { '_' } else { c })
        .collect::<String>();
    let base = match base.as_str() {
        "" | "." | ".." => "file".to_owned(),
        _ => base,
    };
    Ok(dir.join(base))
}

fn local(what: &str, path: &Path, e: &std::io::Error) -> Failure {
    Failure::Local(format!("{what} {}: {e}", path.display()))
}

async fn fetch(
    client: &B2Client,
    req: RequestId,
    version: &FileVersion,
    purpose: &FetchPurpose,
) -> Result<ActionEvent, Failure> {
    let edit = *purpose == FetchPurpose::Edit;
    let Some(file_id) = version.file_id.as_ref() else {
        return Err(Failure::Local(format!(
            "{} has no file id",
            version.file_name
        )));
    };
    if edit && version.content_length > EDIT_LIMIT {
        return Ok(ActionEvent::Refused {
            req,
            why: format!(
                "it is larger than {} MiB; download it (d) instead",
                EDIT_LIMIT >> 20
            ),
        });
    }
    let path = temp_path(version).map_err(|e| Failure::Local(e.to_string()))?;
    let written = write_download(client, file_id, &path, edit).await;
    let refused = match written {
        Ok(binary) => edit && binary,
        Err(e) => {
            remove_edit(&path);
            return Err(e);
        }
    };
    if refused {
        remove_edit(&path);
        return Ok(ActionEvent::Refused {
            req,
            why: "it holds binary data (a NUL byte); open it with O or download it".to_owned(),
        });
    }
    let opener = match purpose {
        FetchPurpose::Edit => None,
        FetchPurpose::Open { opener } => Some(open_with(opener.as_deref(), &path)?),
    };
    Ok(ActionEvent::Fetched { req, path, opener })
}

/// Streams the version into a new private file at `path` (0600); the download checks the
/// bytes against B2's SHA-1. True when they hold a NUL byte.
async fn write_download(
    client: &B2Client,
    file_id: &FileId,
    path: &Path,
    edit: bool,
) -> Result<bool, Failure> {
    let mut download = client
        .download_file_by_id(file_id, None)
        .await
        .map_err(|e| Failure::from(&e))?;
    if edit && download.info.content_length > EDIT_LIMIT {
        return Err(Failure::Local(format!(
            "it is larger than {} MiB",
            EDIT_LIMIT >> 20
        )));
    }
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options
        .open(path)
        .await
        .map_err(|e| local("creating", path, &e))?;
    let mut binary = false;
    while let Some(chunk) = download.next_chunk().await.map_err(|e| Failure::from(&e))? {
        binary |= chunk.contains(&0);
        file.write_all(&chunk)
            .await
            .map_err(|e| local("writing", path, &e))?;
    }
    file.flush().await.map_err(|e| local("writing", path, &e))?;
    Ok(binary)
}

/// Starts `opener` (else the system's: `open` on macOS, `xdg-open` elsewhere) on `path`,
/// detached from the terminal (no input, output dropped); it is not waited for (it may
/// keep running after b2tui).
fn open_with(opener: Option<&str>, path: &Path) -> Result<String, Failure> {
    let program = match opener {
        Some(o) => o.to_owned(),
        None if cfg!(target_os = "macos") => "open".to_owned(),
        None => "xdg-open".to_owned(),
    };
    let mut child = tokio::process::Command::new(&program)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| Failure::Local(format!("could not start {program}: {e}")))?;
    // Reaped in the background so that no zombie is left.
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    Ok(program)
}

/// Removes an edited file and the private folder made for it.
fn remove_edit(path: &Path) {
    let _ = std::fs::remove_file(path);
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir(dir);
    }
}

async fn save(
    client: &B2Client,
    req: RequestId,
    bucket: &BucketId,
    path: &Path,
    opened: &FileVersion,
    target: SaveTarget,
) -> Result<ActionEvent, Failure> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| local("reading", path, &e))?;
    let name = match target {
        SaveTarget::Name(n) => n,
        SaveTarget::Checked => {
            let sha1 = hex::encode(Sha1::digest(&bytes));
            if opened
                .content_sha1
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&sha1))
            {
                remove_edit(path);
                return Ok(ActionEvent::Unchanged { req });
            }
            let newest = newest_version(client, bucket, &opened.file_name).await?;
            if newest.as_ref().and_then(|v| v.file_id.as_ref()) != opened.file_id.as_ref() {
                return Ok(ActionEvent::Conflict {
                    req,
                    newest: newest.map(Box::new),
                });
            }
            opened.file_name.clone()
        }
    };
    // The edit's time, as uploads of local files record it.
    let mut file_info = std::collections::BTreeMap::new();
    if let Some(ms) = tokio::fs::metadata(path)
        .await
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
    {
        file_info.insert(
            "src_last_modified_millis".to_owned(),
            ms.as_millis().to_string(),
        );
    }
    let meta = UploadMeta {
        file_name: name,
        content_type: opened.content_type.clone(),
        file_info,
        test_mode: None,
    };
    let version = client
        .upload_bytes(bucket, &meta, Bytes::from(bytes))
        .await
        .map_err(|e| Failure::from(&e))?;
    remove_edit(path);
    Ok(ActionEvent::Saved {
        req,
        version: Box::new(version),
    })
}

/// The newest version of exactly `name`, if it exists and is not hidden.
async fn newest_version(
    client: &B2Client,
    bucket: &BucketId,
    name: &str,
) -> Result<Option<FileVersion>, Failure> {
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        start_file_name: Some(name.to_owned()),
        max_file_count: Some(1),
        prefix: Some(name.to_owned()),
        delimiter: None,
    };
    let page = client
        .list_file_names(&req)
        .await
        .map_err(|e| Failure::from(&e))?;
    Ok(page.files.into_iter().find(|f| f.file_name == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_are_private_and_removed_at_exit() {
        let v = FileVersion {
            account_id: None,
            action: crate::b2::FileAction::Upload,
            bucket_id: None,
            content_length: 1,
            content_sha1: None,
            content_md5: None,
            content_type: None,
            file_id: None,
            file_info: std::collections::BTreeMap::new(),
            file_name: "a/../b\\c\u{7}.txt".to_owned(),
            replication_status: None,
            upload_timestamp: 0,
        };
        let one = temp_path(&v).expect("temp path");
        let two = temp_path(&v).expect("temp path");
        assert_ne!(one.parent(), two.parent(), "one folder per file");
        assert_eq!(one.file_name().and_then(|n| n.to_str()), Some("b_c_.txt"));
        let root = one
            .parent()
            .and_then(Path::parent)
            .expect("root")
            .to_path_buf();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&root).expect("root").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        std::fs::write(&one, b"x").expect("write");
        remove_temp_dir();
        assert!(!root.exists());
    }
}
