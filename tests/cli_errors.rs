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
    assert!(
        err.contains("cannot reach http://127.0.0.1:9 (b2_authorize_account): connection refused"),
        "the URL, the call and the cause: {err}"
    );
    assert!(!err.contains("error sending request"), "{err}");
    assert!(!err.contains("K001secret"), "{err}");
}

// Multi-threaded: the server must keep answering while this thread waits for the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_server_endpoint_is_not_b2() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::NOT_FOUND,
            axum::response::Html("<html><body>nothing here</body></html>"),
        )
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let out = b2tui()
        .args(["ls", "b2://some-bucket", "--endpoint", &url])
        .env("B2_APPLICATION_KEY_ID", "0012345")
        .env("B2_APPLICATION_KEY", "K001secret")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{url}/ does not look like a B2 API: b2_authorize_account answered 404 Not Found \
             (text/html), not B2's JSON; check --endpoint"
        )),
        "{err}"
    );
    assert!(!err.contains("K001secret"), "{err}");
}

// Multi-threaded: the local B2 must keep serving while this thread waits for the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_listing_names_the_capability_to_grant() {
    let local = common::start().await;
    let bucket = local.create_bucket("cli-nolist", "allPrivate").await;
    let key = local
        .client
        .create_key(&b2tui::b2::CreateKeyRequest {
            key_name: "cli-no-list".into(),
            // listBuckets finds the bucket by name; listFiles is what is missing.
            capabilities: vec!["listBuckets".into(), "readFiles".into()],
            bucket_ids: vec![bucket],
            name_prefix: None,
            valid_duration_secs: None,
        })
        .await
        .unwrap();
    let out = b2tui()
        .args(["ls", "b2://cli-nolist", "--endpoint", &local.server.url])
        .env("B2_APPLICATION_KEY_ID", &key.key.application_key_id)
        .env("B2_APPLICATION_KEY", key.secret.expose())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("b2_list_file_names refused: unauthorized (401)"),
        "{err}"
    );
    assert!(err.contains("Grant listFiles"), "{err}");
    assert!(!err.contains(key.secret.expose()), "{err}");
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
