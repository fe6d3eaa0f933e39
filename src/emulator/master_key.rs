//! The master key a local B2 keeps in its data folder (`b2tui serve --data DIR`): made on
//! the first start, read on every later one, so a restart serves the same key id and key
//! and tools configured with them keep working. The file holds the secret: mode 0600,
//! written whole under a temporary name and linked into place, never overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Config;
use super::error::EmulatorError;

/// The key file inside the data folder.
pub const FILE_NAME: &str = "master-key.toml";

/// The master key of a data folder.
#[derive(Clone)]
pub struct StoredKey {
    pub key_id: String,
    pub key: String,
    /// Where it is kept.
    pub path: PathBuf,
    /// Made by this call (the first start on this folder).
    pub created: bool,
    /// The file can be read by other users (mode wider than 0600).
    pub readable_by_others: bool,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field("key_id", &self.key_id)
            .field("path", &self.path)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct KeyFile {
    key_id: String,
    key: String,
}

/// The key kept in `dir`, made (and the folder with it) when there is none yet.
pub fn load_or_create(dir: &Path) -> Result<StoredKey, EmulatorError> {
    let path = dir.join(FILE_NAME);
    if path.exists() {
        return load(&path);
    }
    std::fs::create_dir_all(dir)?;
    let fresh = Config::default();
    let text = format!(
        "# The master application key of the local B2 in this folder (b2tui serve --data).\n\
         # Anyone who can read it controls the whole local account: keep it private.\n\
         key_id = \"{}\"\nkey = \"{}\"\n",
        fresh.master_key_id, fresh.master_key
    );
    let tmp = dir.join(format!(".{FILE_NAME}.{}", std::process::id()));
    let written = write_private(&tmp, text.as_bytes()).and_then(|()| {
        // A link fails if another start made the file meanwhile: then that one is used.
        std::fs::hard_link(&tmp, &path)
    });
    let _ = std::fs::remove_file(&tmp);
    match written {
        Ok(()) => {
            sync_dir(dir);
            Ok(StoredKey {
                key_id: fresh.master_key_id,
                key: fresh.master_key,
                path,
                created: true,
                readable_by_others: false,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load(&path),
        Err(e) => Err(EmulatorError::Invalid(format!(
            "cannot keep the master key in {}: {e}",
            path.display()
        ))),
    }
}

fn load(path: &Path) -> Result<StoredKey, EmulatorError> {
    let bad = |why: String| {
        EmulatorError::Invalid(format!(
            "cannot read the master key from {}: {why} (fix the file, or move it away to \
             make a new key)",
            path.display()
        ))
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let file: KeyFile = toml::from_str(&text).map_err(|e| bad(e.message().to_owned()))?;
    if file.key_id.trim().is_empty() || file.key.trim().is_empty() {
        return Err(bad("key_id and key must not be empty".into()));
    }
    Ok(StoredKey {
        key_id: file.key_id,
        key: file.key,
        path: path.to_owned(),
        created: false,
        readable_by_others: readable_by_others(path),
    })
}

/// Writes `bytes` to a new file only its owner may read, and flushes it to disk.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}

/// Makes the new name durable (best effort: not every platform can open a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let first = load_or_create(&data).expect("made");
        assert!(first.created && !first.readable_by_others);
        assert!(first.key_id.starts_with("0012") && first.key.starts_with("K001"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first.path)
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = load_or_create(&data).expect("read");
        assert!(!again.created);
        assert_eq!((again.key_id, again.key), (first.key_id, first.key));
        let names: Vec<_> = std::fs::read_dir(&data)
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, [FILE_NAME], "no temporary file is left");
    }

    #[test]
    fn a_broken_file_is_named_and_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "key_id = \"x\"\n").expect("write");
        let err = load_or_create(dir.path()).expect_err("no key");
        let text = err.to_string();
        assert!(text.contains(FILE_NAME) && text.contains("key"), "{text}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("kept"),
            "key_id = \"x\"\n"
        );
    }
}
