//! Answers of real B2 recorded in `../shared/b2-recordings/` (one YAML log per area), which
//! the shape checks compare with. They are required: a missing directory, file or answer
//! fails the test; a shape check never passes by skipping.

use std::path::PathBuf;

use serde_json::Value;

/// `../shared/b2-recordings`, beside the crate.
pub fn dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/b2-recordings")
}

/// JSON bodies of the recorded answers with `status` to `endpoint` (a path segment of the
/// call's URL), in recording order.
pub fn bodies(file: &str, endpoint: &str, status: u16) -> Vec<Value> {
    let path = dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read the B2 recording {}: {err}; the shape checks need \
             ../shared/b2-recordings beside the crate",
            path.display()
        )
    });
    let mut out = Vec::new();
    let mut url = String::new();
    let mut wanted = false;
    for line in text.lines().map(str::trim) {
        if let Some(u) = line.strip_prefix("url: ") {
            url = u.trim_matches('"').to_string();
            wanted = false;
        } else if let Some(s) = line.strip_prefix("status: ") {
            wanted =
                s.trim() == status.to_string() && url.split(['/', '?']).any(|seg| seg == endpoint);
        } else if wanted && let Some(body) = line.strip_prefix("body: ") {
            if let Ok(Value::String(s)) = serde_json::from_str::<Value>(body)
                && let Ok(v) = serde_json::from_str::<Value>(&s)
            {
                out.push(v);
            }
            wanted = false;
        }
    }
    out
}

/// The first recorded answer with `status` to `endpoint`; fails the test when there is none.
pub fn first(file: &str, endpoint: &str, status: u16) -> Value {
    bodies(file, endpoint, status)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no recorded {status} answer to {endpoint} in {file}"))
}
