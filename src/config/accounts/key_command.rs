//! A profile's `key_command`: run with `sh -c`, its trimmed stdout is the key. Failures
//! name the profile, the exit status and stderr; stdout (maybe the key) is never shown.

use std::process::{Command, Stdio};

/// At most this much of the command's stderr goes into an error message.
const STDERR_SHOWN: usize = 600;

/// Runs `command` for `profile` and returns the key it prints. Blocks until it exits;
/// stdin stays the terminal's so that a password manager can ask for a passphrase.
pub fn run(profile: &str, command: &str) -> Result<String, String> {
    let what = format!("key_command of profile {profile:?}");
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{what} could not be started with sh: {e}"))?;
    if !out.status.success() {
        let status = match out.status.code() {
            Some(code) => format!("exit status {code}"),
            None => format!("{}", out.status),
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stderr = stderr.trim();
        let detail = if stderr.is_empty() {
            String::new()
        } else {
            format!(": {}", tail(stderr, STDERR_SHOWN))
        };
        return Err(format!("{what} failed ({status}){detail}"));
    }
    let key = String::from_utf8(out.stdout)
        .map_err(|_| format!("{what} printed something that is not UTF-8 text"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("{what} printed nothing"));
    }
    if key.contains(char::is_whitespace) {
        return Err(format!(
            "{what} printed more than one word; it must print only the application key"
        ));
    }
    Ok(key.to_owned())
}

/// The last `max` bytes of `s`, cut at a character boundary.
fn tail(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trimmed_stdout_is_the_key() {
        assert_eq!(run("w", "printf '  K005abc\\n'"), Ok("K005abc".to_owned()));
    }

    #[test]
    fn failures_name_profile_status_and_stderr_but_not_stdout() {
        let e = run("work", "echo K005leaked; echo 'vault locked' >&2; exit 3").expect_err("fails");
        assert!(e.contains("\"work\""), "{e}");
        assert!(e.contains("exit status 3"), "{e}");
        assert!(e.contains("vault locked"), "{e}");
        assert!(!e.contains("K005leaked"), "{e}");

        let e = run("w", "true").expect_err("empty");
        assert!(e.contains("printed nothing"), "{e}");
        let e = run("w", "echo two words").expect_err("two words");
        assert!(!e.contains("two words"), "{e}");
    }

    #[test]
    fn long_stderr_is_cut_to_its_end() {
        let s = "é".repeat(500);
        let t = tail(&s, 101);
        assert!(t.len() <= 101 && t.chars().all(|c| c == 'é'));
    }
}
