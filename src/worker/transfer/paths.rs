//! Local paths of transfers: the one check that a remote name stays inside the chosen local
//! folder, names for uploads from a local tree, "keep both" names, and temp files that vanish
//! unless persisted. No network here.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Why a remote name is not written locally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsafeName {
    /// Nothing left once the prefix is removed.
    Empty,
    /// Starts with `/`.
    Absolute,
    /// A `.` or `..` segment.
    DotSegment,
    /// `a//b`, or a trailing `/`.
    EmptySegment,
    /// `\` is a separator on Windows.
    Backslash,
    /// `C:` and the like switch drives on Windows.
    DriveLetter,
    /// NUL, another control character, or DEL.
    ControlChar,
    /// A name Windows reserves (`CON`, `NUL`, `COM1`…) or a `:` (stream syntax).
    Reserved,
}

impl fmt::Display for UnsafeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "empty name",
            Self::Absolute => "absolute path",
            Self::DotSegment => "contains a `.` or `..` segment",
            Self::EmptySegment => "contains an empty path segment",
            Self::Backslash => "contains a backslash",
            Self::DriveLetter => "contains a drive letter",
            Self::ControlChar => "contains a control character",
            Self::Reserved => "is a name this system reserves",
        })
    }
}

/// Where the remote name `relative` (its part below the chosen prefix) goes under `root`,
/// or why it must not be written. The only place that decides it: every download asks.
pub fn local_path_for(root: &Path, relative: &str) -> Result<PathBuf, UnsafeName> {
    if relative.is_empty() {
        return Err(UnsafeName::Empty);
    }
    if relative.chars().any(|c| c.is_control()) {
        return Err(UnsafeName::ControlChar);
    }
    if relative.contains('\\') {
        return Err(UnsafeName::Backslash);
    }
    if relative.starts_with('/') {
        return Err(UnsafeName::Absolute);
    }
    let mut path = root.to_path_buf();
    for segment in relative.split('/') {
        check_segment(segment)?;
        path.push(segment);
    }
    // Belt and braces: whatever `push` made of the segments, it must stay under root.
    let below = path.strip_prefix(root).map_err(|_| UnsafeName::Absolute)?;
    if !below
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(UnsafeName::DotSegment);
    }
    Ok(path)
}

fn check_segment(segment: &str) -> Result<(), UnsafeName> {
    match segment {
        "" => return Err(UnsafeName::EmptySegment),
        "." | ".." => return Err(UnsafeName::DotSegment),
        _ => {}
    }
    let b = segment.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(UnsafeName::DriveLetter);
    }
    if cfg!(windows) && is_reserved_on_windows(segment) {
        return Err(UnsafeName::Reserved);
    }
    Ok(())
}

/// Windows device names (with any extension), `:` streams, and trailing dots or spaces.
pub fn is_reserved_on_windows(segment: &str) -> bool {
    const DEVICES: [&str; 22] = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
        "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    let stem = segment.split('.').next().unwrap_or(segment).trim_end();
    DEVICES.iter().any(|d| d.eq_ignore_ascii_case(stem))
        || segment.contains(':')
        || segment.contains(['<', '>', '"', '|', '?', '*'])
        || segment.ends_with('.')
        || segment.ends_with(' ')
}

/// The B2 name for a file at `relative` (below the uploaded folder) under `prefix`:
/// segments joined with `/`. Fails for names that are not UTF-8.
pub fn remote_name_for(prefix: &str, relative: &Path) -> Result<String, String> {
    let mut name = prefix.to_owned();
    for (i, c) in relative.components().enumerate() {
        let Component::Normal(seg) = c else {
            return Err(format!(
                "unexpected path component in {}",
                relative.display()
            ));
        };
        let seg = seg
            .to_str()
            .ok_or_else(|| format!("{} is not valid UTF-8", relative.display()))?;
        if i > 0 {
            name.push('/');
        }
        name.push_str(seg);
    }
    Ok(name)
}

/// A folder prefix as B2 lists it: empty, or ending with `/`.
pub fn as_folder_prefix(prefix: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        prefix.to_owned()
    } else {
        format!("{prefix}/")
    }
}

/// `name (1).ext`, `name (2).ext`… : the first that does not exist yet.
pub fn keep_both_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (1..)
        .map(|n| path.with_file_name(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

/// One regular file found under a local folder.
#[derive(Clone, Debug)]
pub struct LocalEntry {
    pub path: PathBuf,
    /// Relative to the walked folder.
    pub relative: PathBuf,
    pub size: u64,
}

/// Entries a walk could not read, with the reason.
pub type WalkProblems = Vec<(PathBuf, String)>;

/// Every regular file under `root` (symlinked files followed, symlinked folders not, so a
/// loop cannot trap the walk), in name order, plus entries that could not be read.
pub fn walk(root: &Path) -> std::io::Result<(Vec<LocalEntry>, WalkProblems)> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = match entry {
            Ok(entry) => entry,
            // The folder itself cannot be read: nothing to upload.
            Err(e) if e.depth() == 0 => return Err(e.into()),
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                problems.push((path, why));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.into_path();
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                files.push(LocalEntry {
                    path,
                    relative,
                    size: m.len(),
                });
            }
            Ok(_) => {}
            Err(e) => problems.push((path, e.to_string())),
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((files, problems))
}

/// A file being written under a hidden temporary name next to its destination; removed
/// when dropped unless [`TempFile::persist`] renamed it into place. A cut download resumes
/// within its job through the open handle, so the name need not be stable.
pub struct TempFile(tempfile::TempPath);

impl TempFile {
    /// Creates `.b2tui-tmp-<random>.part` beside `dest`, with the permissions an ordinary
    /// new file gets (the umask applies), since it becomes the download. The name is short
    /// and does not repeat the destination's, so that a destination name up to the file
    /// system's limit (255 bytes) still has a temporary name that fits.
    pub fn create(dest: &Path) -> std::io::Result<(Self, std::fs::File)> {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let (file, path) = builder.tempfile_in(parent)?.into_parts();
        Ok((Self(path), file))
    }

    /// Where the bytes are being written.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Renames the file to `dest` (replacing it).
    pub fn persist(self, dest: &Path) -> std::io::Result<()> {
        self.0.persist(dest).map_err(|e| e.error)
    }
}

/// Start of every temporary download file's name (hidden on Unix).
pub const TEMP_PREFIX: &str = ".b2tui-tmp-";
/// End of every temporary download file's name.
pub const TEMP_SUFFIX: &str = ".part";
/// Random characters between the two: 62^10 names, so that parallel downloads into one
/// folder do not collide (and `tempfile` tries again if they do).
const TEMP_RANDOM: usize = 10;

/// True for a name [`TempFile::create`] makes.
pub fn is_temp_name(name: &str) -> bool {
    name.len() == TEMP_PREFIX.len() + TEMP_RANDOM + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_are_hidden_removed_on_drop_and_persist_like_new_files() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let dest = dir.path().join("report.pdf");
        let (temp, _file) = TempFile::create(&dest)?;
        let name = temp
            .path()
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        assert!(is_temp_name(&name), "{name}");
        assert_eq!(
            temp.path().parent(),
            Some(dir.path()),
            "beside the destination"
        );
        let dropped = temp.path().to_path_buf();
        drop(temp);
        assert!(!dropped.exists(), "removed when dropped");

        let (temp, _file) = TempFile::create(&dest)?;
        temp.persist(&dest)?;
        assert!(dest.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let plain = dir.path().join("plain");
            std::fs::File::create(&plain)?;
            let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(
                mode(&dest)?,
                mode(&plain)?,
                "same mode as an ordinary new file"
            );
        }
        Ok(())
    }

    #[test]
    fn temp_names_fit_beside_the_longest_names() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        // 250 bytes (a legal name) in two-byte characters and in ASCII.
        for name in ["é".repeat(125), "n".repeat(250)] {
            let dest = dir.path().join(&name);
            let (temp, _file) = TempFile::create(&dest)?;
            let len = temp.path().file_name().map_or(0, |n| n.len());
            assert!(len <= 30, "{len} bytes");
            temp.persist(&dest)?;
            assert!(dest.exists());
        }
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn walks_in_name_order_following_file_links_only() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c"))?;
        std::fs::write(root.join("b/c/deep.txt"), "d")?;
        std::fs::write(root.join("a.txt"), "a")?;
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link.txt"))?;
        // A link back up would loop if folder links were followed.
        std::os::unix::fs::symlink(root, root.join("b/loop"))?;
        std::os::unix::fs::symlink(root.join("gone"), root.join("dangling"))?;
        let (files, problems) = walk(root)?;
        let names: Vec<_> = files.iter().map(|f| f.relative.clone()).collect();
        let expected: Vec<PathBuf> = ["a.txt", "b/c/deep.txt", "link.txt"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(names, expected);
        assert_eq!(files[2].size, 1, "a file link is read through");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, root.join("dangling"));
        assert!(walk(&root.join("missing")).is_err());
        Ok(())
    }

    #[test]
    fn keeps_both_with_a_counter() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("photo.jpg");
        assert_eq!(keep_both_path(&p), dir.path().join("photo (1).jpg"));
        std::fs::write(dir.path().join("photo (1).jpg"), b"x").unwrap();
        assert_eq!(keep_both_path(&p), dir.path().join("photo (2).jpg"));
        assert_eq!(
            keep_both_path(&dir.path().join(".env")),
            dir.path().join(".env (1)")
        );
    }

    #[test]
    fn names_uploads_with_slashes() {
        let rel = Path::new("a").join("b c").join("été.txt");
        assert_eq!(remote_name_for("pre/", &rel).unwrap(), "pre/a/b c/été.txt");
        assert_eq!(as_folder_prefix("x"), "x/");
        assert_eq!(as_folder_prefix(""), "");
    }
}
