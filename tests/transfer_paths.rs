//! The one function that decides where a remote name may be written locally: the whole
//! matrix of names that must stay inside the chosen folder, and those that must be refused.

use std::path::{Path, PathBuf};

use b2tui::worker::transfer::{UnsafeName, local_path_for};

#[test]
fn safe_names_land_inside_the_folder() {
    let root = Path::new("/data/restore");
    let cases: [(&str, &[&str]); 8] = [
        ("a.txt", &["a.txt"]),
        ("dir/sub/file.bin", &["dir", "sub", "file.bin"]),
        ("été/crème brûlée.txt", &["été", "crème brûlée.txt"]),
        ("日本語/データ.csv", &["日本語", "データ.csv"]),
        ("...", &["..."]),
        ("..hidden/x..y", &["..hidden", "x..y"]),
        (".env", &[".env"]),
        ("a b/+%41#?.txt", &["a b", "+%41#?.txt"]),
    ];
    for (name, segments) in cases {
        let expected: PathBuf = segments.iter().fold(root.to_path_buf(), |p, s| p.join(s));
        assert_eq!(local_path_for(root, name), Ok(expected), "{name:?}");
    }
}

#[test]
fn unsafe_names_are_refused_with_a_reason() {
    use UnsafeName::*;
    let root = Path::new("/data/restore");
    let cases = [
        ("", Empty),
        ("..", DotSegment),
        ("../x", DotSegment),
        ("a/../../x", DotSegment),
        ("a/..", DotSegment),
        ("./x", DotSegment),
        ("a/./b", DotSegment),
        ("/etc/passwd", Absolute),
        ("/", Absolute),
        ("a//b", EmptySegment),
        ("a/", EmptySegment),
        ("a\\b", Backslash),
        ("..\\..\\x", Backslash),
        ("\\\\server\\share\\x", Backslash),
        ("C:", DriveLetter),
        ("C:/Windows/x", DriveLetter),
        ("c:x", DriveLetter),
        ("a/D:/x", DriveLetter),
        ("a\0b", ControlChar),
        ("a\nb", ControlChar),
        ("a\u{7f}", ControlChar),
        ("a\u{1b}[31m", ControlChar),
        ("tab\there", ControlChar),
    ];
    for (name, why) in cases {
        assert_eq!(local_path_for(root, name), Err(why), "{name:?}");
    }
}

#[test]
fn every_accepted_path_stays_under_the_root() {
    let root = Path::new("/r");
    let pieces = ["a", "..", ".", "", "\\", "C:", "b.txt", "/", "x\0", "é"];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let name = format!("{a}/{b}{c}");
                if let Ok(p) = local_path_for(root, &name) {
                    assert!(p.starts_with(root), "{name:?} → {p:?}");
                    assert!(
                        p.components().all(|c| !matches!(
                            c,
                            std::path::Component::ParentDir | std::path::Component::CurDir
                        )),
                        "{name:?} → {p:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn reasons_read_well() {
    assert_eq!(
        UnsafeName::DotSegment.to_string(),
        "contains a `.` or `..` segment"
    );
    assert_eq!(
        UnsafeName::DriveLetter.to_string(),
        "contains a drive letter"
    );
}
