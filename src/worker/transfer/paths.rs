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
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = root.join(&rel);
        let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd.filter_map(Result::ok).collect(),
            Err(e) if rel.as_os_str().is_empty() => return Err(e),
            Err(e) => {
                problems.push((dir, e.to_string()));
                continue;
            }
        };
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries.into_iter().rev() {
            let relative = rel.join(entry.file_name());
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                problems.push((path, "cannot read its type".into()));
                continue;
            };
            if kind.is_dir() {
                stack.push(relative);
            } else {
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_file() => files.push(LocalEntry {
                        path,
                        relative,
                        size: m.len(),
                    }),
                    Ok(_) => {}
                    Err(e) => problems.push((path, e.to_string())),
                }
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((files, problems))
}

/// A file being written under a hidden temporary name next to its destination; removed
/// when dropped unless [`TempFile::persist`] renamed it into place.
pub struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    /// Creates `.<name>.<random>.b2tui-tmp` beside `dest`.
    pub fn create(dest: &Path) -> std::io::Result<(Self, std::fs::File)> {
        let parent = dest.parent().unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loop {
            let path = parent.join(format!(
                ".{name}.{:08x}{TEMP_SUFFIX}",
                rand::random::<u32>()
            ));
            match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => return Ok((Self { path, kept: false }, file)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Where the bytes are being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the file to `dest` (replacing it).
    pub fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, dest)?;
        self.kept = true;
        Ok(())
    }
}

/// Suffix of every temporary download file.
pub const TEMP_SUFFIX: &str = ".b2tui-tmp";

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
