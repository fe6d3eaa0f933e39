//! The real binary's first-contact errors: missing or wrong credentials get one clear line
//! and a non-zero exit, never a stack trace or a secret.

mod common;

use std::process::Command;

fn b2tui() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_b2tui"));
    cmd.env_remove("B2_APPLICATION_KEY_ID")
        .env_remove("B2_APPLICATION_KEY");
    cmd.env_remove("B2TUI_ENDPOINT").env_remove("B2TUI_PROFILE");
    // No config file and no b2 CLI login of the machine's user.
    cmd.env("XDG_CONFIG_HOME", "/nonexistent/b2tui-test")
        .env("B2_ACCOUNT_INFO", "/nonexistent/b2tui-test/account_info");
    cmd
}

#[test]
fn missing_credentials_are_explained() {
    let out = b2tui()
        .arg("--endpoint")
        .arg("http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("B2_APPLICATION_KEY_ID"), "{err}");
    assert!(err.contains("--demo"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

// Multi-threaded: the local B2 must keep serving while this thread waits for the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_is_explained_without_echoing_it() {
    let local = common::start().await;
    let secret = "K005thisIsNotTheRightSecretAtAll";
    let out = b2tui()
        .arg("--endpoint")
        .arg(&local.server.url)
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", secret)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused the application key"), "{err}");
    assert!(
        !err.contains(secret),
        "the key must never be printed: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unreachable_endpoint_is_explained() {
    let out = b2tui()
        .arg("--endpoint")
        .arg("http://127.0.0.1:9")
        .env("B2_APPLICATION_KEY_ID", "0012345")
        .env("B2_APPLICATION_KEY", "K001secret")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not authorize"), "{err}");
    assert!(!err.contains("K001secret"), "{err}");
}

#[test]
fn a_bad_endpoint_url_is_explained() {
    let out = b2tui()
        .arg("--endpoint")
        .arg("api.backblazeb2.com")
        .env("B2_APPLICATION_KEY_ID", "0012345")
        .env("B2_APPLICATION_KEY", "K001secret")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("http://"), "{err}");
}
