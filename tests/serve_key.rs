//! `b2tui serve --data DIR` keeps its master key in DIR: the first start makes it, keeps it
//! in a 0600 file and prints it once; a restart serves the same key id and key and prints
//! only the id and where the key is. Flags and the environment still override, and are
//! never written to DIR.
#![allow(clippy::unwrap_used)]

mod served;

use std::path::Path;
use std::time::{Duration, Instant};

use served::{Served, authorize_status};

/// The next `n` stdout lines after `listening on`.
fn lines(served: &Served, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while out.len() < n && Instant::now() < deadline {
        if let Ok(line) = served.stdout.recv_timeout(Duration::from_millis(100)) {
            out.push(line);
        }
    }
    assert_eq!(out.len(), n, "{out:?}; stderr: {}", served.stderr());
    out
}

fn after<'a>(line: &'a str, prefix: &str) -> &'a str {
    line.strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{line:?} should start with {prefix:?}"))
        .trim()
}

#[test]
fn the_data_folder_keeps_the_master_key_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let key_file = data.join("master-key.toml");

    // First start on a folder that does not exist yet: made, kept, printed once.
    let first = Served::start_raw(&["--data", data_arg], &[]);
    let printed = lines(&first, 3);
    let id = after(&printed[0], "master key id:").to_owned();
    let key = after(&printed[1], "master key:").to_owned();
    assert_eq!(
        printed[2],
        format!(
            "master key kept in {} (printed only this once)",
            key_file.display()
        )
    );
    assert_eq!(authorize_status(&first.url, &id, &key), 200);
    let kept = std::fs::read_to_string(&key_file).unwrap();
    assert!(kept.contains(&id) && kept.contains(&key), "{kept}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is private");
    }
    let (status, rest) = first.terminate();
    assert!(status.success(), "{status}");
    assert!(rest.is_empty(), "{rest:?}");

    // A restart serves the same key and never prints it again.
    let second = Served::start_raw(&["--data", data_arg], &[]);
    let printed = lines(&second, 2);
    assert_eq!(printed[0], format!("master key id: {id}"));
    assert_eq!(
        printed[1],
        format!("master key kept in {}", key_file.display())
    );
    assert_eq!(authorize_status(&second.url, &id, &key), 200);
    let (status, rest) = second.terminate();
    assert!(status.success(), "{status}");
    assert!(
        !rest.iter().chain(&printed).any(|l| l.contains(&key)),
        "the kept key is printed only on the first start: {rest:?}"
    );

    // Flags and the environment override, and are not written to the folder.
    let flags = Served::start_raw(
        &[
            "--data",
            data_arg,
            "--key-id",
            "flagkeyid0003",
            "--key",
            "flagsecret3",
        ],
        &[],
    );
    assert_eq!(
        authorize_status(&flags.url, "flagkeyid0003", "flagsecret3"),
        200
    );
    assert_eq!(authorize_status(&flags.url, &id, &key), 401);
    let (status, rest) = flags.terminate();
    assert!(status.success() && rest.is_empty(), "{status} {rest:?}");
    let env = [
        ("B2_APPLICATION_KEY_ID", "envkeyid0003"),
        ("B2_APPLICATION_KEY", "envsecret3"),
    ];
    let from_env = Served::start_raw(&["--data", data_arg], &env);
    assert_eq!(
        authorize_status(&from_env.url, "envkeyid0003", "envsecret3"),
        200
    );
    let (status, rest) = from_env.terminate();
    assert!(status.success() && rest.is_empty(), "{status} {rest:?}");
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), kept);
    assert_eq!(entries(&data, "master-key"), ["master-key.toml"]);

    // Without them again, the kept key is back.
    let third = Served::start_raw(&["--data", data_arg], &[]);
    assert_eq!(lines(&third, 1)[0], format!("master key id: {id}"));
    assert_eq!(authorize_status(&third.url, &id, &key), 200);
    let (status, _) = third.terminate();
    assert!(status.success(), "{status}");
}

#[test]
fn a_broken_key_file_stops_the_start_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("master-key.toml");
    std::fs::write(&key_file, "key_id = \"only-an-id\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .env_remove("B2_APPLICATION_KEY_ID")
        .env_remove("B2_APPLICATION_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "cannot read the master key from {}",
            key_file.display()
        )),
        "{err}"
    );
    assert!(err.contains("missing field `key`"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        "key_id = \"only-an-id\"\n",
        "a broken key file is left for the user to fix"
    );
}

/// Names in `dir` that contain `part`.
fn entries(dir: &Path, part: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(part))
        .collect();
    names.sort();
    names
}
