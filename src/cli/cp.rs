//! `b2tui cp`: one file or a tree, local → B2 or B2 → local, on the transfer engine. A
//! progress line goes to stderr when it is a terminal; each failed file and each retry gets
//! one line; the exit status says whether everything arrived.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

use super::Location;
use crate::b2::B2Client;
use crate::ui::format::sanitize;
use crate::worker::transfer::paths::local_path_for;
use crate::worker::transfer::{
    CancelMode, ConflictPolicy, JobId, JobState, RemoteFile, RetryWait, SkipReason, TransferEngine,
    TransferEvent, TransferOptions,
};

/// How `cp` runs.
#[derive(Clone, Debug)]
pub struct CpOptions {
    pub recursive: bool,
    /// Files at once, and parts/ranges at once.
    pub threads: usize,
    pub conflict: ConflictPolicy,
    /// Part size in bytes (`None` = the account's recommended size).
    pub part_size: Option<u64>,
    /// Uploads above this many bytes become large files.
    pub large_file_cutoff: u64,
    /// Parts/ranges at once when not `threads`.
    pub parts: Option<usize>,
    /// Skip files the destination holds with the same size and SHA-1.
    pub skip_existing: bool,
}

impl Default for CpOptions {
    fn default() -> Self {
        Self {
            recursive: false,
            threads: TransferOptions::default().file_concurrency,
            conflict: ConflictPolicy::Overwrite,
            part_size: None,
            large_file_cutoff: TransferOptions::default().large_file_cutoff,
            parts: None,
            skip_existing: false,
        }
    }
}

/// What happened, for the exit status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpSummary {
    pub done: usize,
    pub failed: usize,
    /// Not copied on purpose (conflict policy `skip`).
    pub skipped: usize,
    pub bytes: u64,
}

impl CpSummary {
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }
}

/// Copies `src` to `dst`. Errors that stop the whole command (no such bucket, a local file
/// that cannot be read before starting) come back as `Err`; per-file failures are counted.
pub async fn run(
    client: &B2Client,
    src: Location,
    dst: Location,
    opts: &CpOptions,
) -> Result<CpSummary> {
    let threads = opts.threads.max(1);
    let options = TransferOptions {
        file_concurrency: threads,
        part_concurrency: opts.parts.unwrap_or(threads).max(1),
        large_file_cutoff: opts.large_file_cutoff,
        part_size: opts.part_size,
        skip_same_uploads: opts.skip_existing,
        ..TransferOptions::default()
    };
    let (engine, events) = TransferEngine::new(client.clone(), options);
    let mut opts = opts.clone();
    if opts.skip_existing {
        opts.conflict = ConflictPolicy::SkipSame;
    }
    let ids = enqueue(&engine, src, dst, &opts).await?;
    let stop = tokio_util::sync::CancellationToken::new();
    let reporter = tokio::spawn(report(engine.clone(), events, stop.clone()));
    let all_done = async {
        for id in &ids {
            engine.wait(*id).await;
        }
    };
    tokio::select! {
        () = all_done => {}
        _ = tokio::signal::ctrl_c() => {
            // Large uploads stay resumable: running `cp` again picks up their parts.
            for id in &ids {
                engine.cancel(*id, CancelMode::KeepForResume);
            }
            for id in &ids {
                engine.wait(*id).await;
            }
        }
    }
    let mut summary = CpSummary::default();
    for job in engine.jobs() {
        match job.state {
            JobState::Done => {
                summary.done += 1;
                summary.bytes += job.bytes_total;
            }
            JobState::Skipped { reason } if is_unsafe(&reason) => summary.failed += 1,
            JobState::Skipped { .. } => summary.skipped += 1,
            _ => summary.failed += 1,
        }
    }
    stop.cancel();
    let _ = reporter.await;
    Ok(summary)
}

async fn enqueue(
    engine: &TransferEngine,
    src: Location,
    dst: Location,
    opts: &CpOptions,
) -> Result<Vec<JobId>> {
    match (src, dst) {
        (Location::Local(from), Location::Remote { bucket, path }) => {
            let meta =
                std::fs::metadata(&from).map_err(|e| anyhow::anyhow!("{}: {e}", from.display()))?;
            let bucket = engine.bucket(&bucket).await?;
            if meta.is_dir() {
                if !opts.recursive {
                    bail!("{} is a folder (use -r to copy a tree)", from.display());
                }
                return Ok(engine.upload_folder(from, bucket, &path).await?);
            }
            let name = if path.is_empty() || path.ends_with('/') {
                let base = from
                    .file_name()
                    .and_then(|n| n.to_str())
                    .ok_or_else(|| anyhow::anyhow!("{}: not a UTF-8 file name", from.display()))?;
                format!("{path}{base}")
            } else {
                path
            };
            Ok(vec![engine.upload_file(from, bucket, name)])
        }
        (Location::Remote { bucket, path }, Location::Local(to)) => {
            let bucket = engine.bucket(&bucket).await?;
            if opts.recursive {
                return Ok(engine
                    .download_folder(bucket, &path, to, opts.conflict)
                    .await?);
            }
            if path.is_empty() || path.ends_with('/') {
                bail!(
                    "b2://{}/{path} is a folder (use -r to copy a tree)",
                    bucket.name
                );
            }
            let target = local_target(&to, &path)?;
            Ok(vec![engine.download_file(
                bucket,
                RemoteFile::Name(path),
                target,
                opts.conflict,
            )])
        }
        (Location::Local(_), Location::Local(_)) => {
            bail!("one side must be b2://BUCKET/PATH (for local copies use cp)")
        }
        (Location::Remote { .. }, Location::Remote { .. }) => {
            bail!("copies between two B2 locations are not supported; one side must be local")
        }
    }
}

/// Where a single download goes: into `to` when it is a folder (or ends with a separator),
/// else at `to` itself. The remote name's last segment must be safe to write.
fn local_target(to: &Path, remote: &str) -> Result<PathBuf> {
    let into_dir = to.is_dir() || to.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if !into_dir {
        return Ok(to.to_path_buf());
    }
    let base = remote.rsplit('/').next().unwrap_or(remote);
    local_path_for(to, base)
        .map_err(|why| anyhow::anyhow!("b2 name {remote:?}: unsafe name: {why}"))
}

/// A remote name that must not be written locally is a failure of `cp`, not a skip.
fn is_unsafe(reason: &SkipReason) -> bool {
    matches!(reason, SkipReason::UnsafeName(_))
}

/// `retrying NAME in 4 s (attempt 3/8): 503 service_unavailable`, the name escaped so that
/// no control character reaches the terminal raw.
fn retry_line(name: &str, wait: &RetryWait) -> String {
    let when = match wait.secs_left(None) {
        0 => "now".to_owned(),
        secs => format!("in {secs} s"),
    };
    format!(
        "b2tui: retrying {} {when} (attempt {}/{}): {}",
        sanitize(name),
        wait.attempt,
        wait.max_attempts,
        sanitize(&wait.cause())
    )
}

/// Prints one line per failed or unsafe file and per retry as it happens, and a progress line at most
/// five times a second when stderr is a terminal, until `stop`.
async fn report(
    engine: TransferEngine,
    mut events: tokio::sync::mpsc::UnboundedReceiver<TransferEvent>,
    stop: tokio_util::sync::CancellationToken,
) {
    let tty = std::io::stderr().is_terminal();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    let mut shown = false;
    let clear = |shown: &mut bool| {
        if *shown {
            eprint!("\r\x1b[K");
            *shown = false;
        }
    };
    loop {
        tokio::select! {
            biased;
            ev = events.recv() => {
                let Some(ev) = ev else { break };
                let line = match ev {
                    TransferEvent::Failed { id, error } => engine.job(id).map(|j| {
                        let advice = error.advice().map(|a| format!(" ({a})")).unwrap_or_default();
                        format!("b2tui: failed: {} → {}: {error}{advice}", j.source, j.destination)
                    }),
                    TransferEvent::DestinationChanged { id, destination } => {
                        engine.job(id).map(|j| {
                            format!(
                                "b2tui: {} → {destination} (the file existed; kept both)",
                                j.source
                            )
                        })
                    }
                    TransferEvent::Retrying { id, retry, .. } => {
                        engine.job(id).map(|j| retry_line(&j.source, &retry))
                    }
                    TransferEvent::Skipped { id, reason } if is_unsafe(&reason) => {
                        engine.job(id).map(|j| format!("b2tui: skipped {}: {reason}", j.source))
                    }
                    _ => None,
                };
                if let Some(line) = line {
                    clear(&mut shown);
                    eprintln!("{line}");
                }
            }
            () = stop.cancelled() => {
                if events.is_empty() {
                    break;
                }
            }
            _ = tick.tick(), if tty => {
                let jobs = engine.jobs();
                let finished = jobs.iter().filter(|j| j.state.is_final()).count();
                let done: u64 = jobs.iter().map(|j| j.bytes_done).sum();
                let total: u64 = jobs.iter().map(|j| j.bytes_total).sum();
                let speed: u64 = jobs
                    .iter()
                    .filter(|j| j.state == JobState::Running)
                    .map(|j| j.bytes_per_sec)
                    .sum();
                let size = |n: u64| humansize::format_size(n, humansize::DECIMAL);
                eprint!(
                    "\r\x1b[K{finished}/{} files  {} / {}  {}/s",
                    jobs.len(),
                    size(done),
                    size(total),
                    size(speed)
                );
                let _ = std::io::stderr().flush();
                shown = true;
            }
        }
    }
    clear(&mut shown);
}
