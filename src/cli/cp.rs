//! `b2tui cp`: one file or a tree, local → B2 or B2 → local, on the transfer engine. A
//! tree is ONE job of many files, listed (or walked) as it goes, whose files the engine
//! reports one by one. What it prints is [`super::report`]'s; here the job is queued,
//! waited for, and stopped cleanly on Ctrl-C, SIGTERM or SIGHUP (no temporary file left
//! behind).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::Location;
use super::report::{Output, Reporter};
use super::signal::{Signal, Signals};
use crate::b2::B2Client;
use crate::worker::transfer::paths::{as_folder_prefix, local_path_for};
use crate::worker::transfer::{
    CancelMode, ConflictPolicy, GroupItem, JobId, RemoteFile, TransferEngine, TransferOptions,
};

/// How long a stopped `cp` waits for its jobs to remove their temporary files.
pub const STOP_WAIT: Duration = Duration::from_secs(5);

/// What `cp --help` says about its output.
pub const OUTPUT_HELP: &str = "\
Output:
  stderr  a progress bar while stderr is a terminal (files and bytes done, speed over the
          last seconds, ETA); one line per failed file and per retry; a summary at the end:
          copied 1,998 files (124.9 MiB), skipped 2, failed 0 in 3.2 s, 39.0 MiB/s
          Names are escaped (\\x1b, \\u{202e}) so that no control character reaches the
          terminal. Off a terminal there is no progress, only those lines.
  stdout  nothing, or with --json one object per line as each file ends:
          {\"event\":\"done\"|\"skipped\"|\"failed\"|\"cancelled\",\"source\":..,\"destination\":..,
           \"bytes\":N,\"sha1\":\"hex\"|null,\"error\":\"why\"|null}
          then {\"event\":\"summary\",\"copied\":N,\"skipped\":N,\"failed\":N,\"cancelled\":N,
           \"bytes\":N,\"seconds\":S,\"interrupted\":\"SIGINT\"|\"SIGTERM\"|\"SIGHUP\"|null}

Exit status: 0 when every file arrived (or was skipped on purpose), 1 when some failed,
130/143/129 when stopped by SIGINT (Ctrl-C)/SIGTERM/SIGHUP: the transfers are cancelled,
unfinished downloads removed, large uploads kept to resume on the next run.";

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
    /// Print only errors.
    pub quiet: bool,
    /// One JSON object per finished file on stdout, then a summary object.
    pub json: bool,
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
            quiet: false,
            json: false,
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
    /// Stopped by a signal before they ended.
    pub cancelled: usize,
    pub bytes: u64,
    /// The signal that stopped the copy.
    pub interrupted: Option<Signal>,
}

impl CpSummary {
    pub fn is_success(&self) -> bool {
        self.failed == 0 && self.cancelled == 0 && self.interrupted.is_none()
    }
}

/// Copies `src` to `dst`, printing as `opts` says (the bar only when `stderr_is_terminal`).
/// Errors that stop the whole command (no such bucket, a local file that cannot be read
/// before starting) come back as `Err`; per-file failures are counted. A signal cancels
/// every job, waits up to [`STOP_WAIT`] for them to clean up, and ends with the summary.
pub async fn run(
    client: &B2Client,
    src: Location,
    dst: Location,
    opts: &CpOptions,
    stderr_is_terminal: bool,
) -> Result<CpSummary> {
    // Listening first: from here on a signal stops the copy cleanly instead of the process.
    let mut signals = Signals::new();
    let started = Instant::now();
    let threads = opts.threads.max(1);
    let options = TransferOptions {
        file_concurrency: threads,
        part_concurrency: opts.parts.unwrap_or(threads).max(1),
        large_file_cutoff: opts.large_file_cutoff,
        part_size: opts.part_size,
        skip_same_uploads: opts.skip_existing,
        // A folder is one job; its files are reported one by one.
        file_events: true,
        ..TransferOptions::default()
    };
    let (engine, events) = TransferEngine::new(client.clone(), options);
    let mut opts = opts.clone();
    if opts.skip_existing {
        opts.conflict = ConflictPolicy::SkipSame;
    }
    let opts = &opts;
    let output = Output {
        quiet: opts.quiet,
        json: opts.json,
        bar: stderr_is_terminal,
    };
    let reporter = Reporter::start(engine.clone(), events, output);
    let work = async {
        let ids = enqueue(&engine, src, dst, opts).await?;
        for id in &ids {
            engine.wait(*id).await;
        }
        Ok::<_, anyhow::Error>(())
    };
    let (interrupted, error) = tokio::select! {
        r = work => (None, r.err()),
        sig = signals.recv() => (Some(sig), None),
    };
    if let Some(sig) = interrupted {
        reporter.note(&format!("b2tui: {sig} received: stopping the transfers"));
    }
    if interrupted.is_some() || error.is_some() {
        stop_all(&engine, &mut signals).await;
    }
    if let Some(e) = error {
        // Nothing was copied when the command itself could not start: no summary.
        if engine.jobs().is_empty() {
            reporter.discard().await;
        } else {
            reporter.finish(started.elapsed(), None).await;
        }
        return Err(e);
    }
    let totals = reporter
        .finish(started.elapsed(), interrupted.map(Signal::name))
        .await;
    let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    Ok(CpSummary {
        done: count(totals.copied),
        failed: count(totals.failed),
        skipped: count(totals.skipped),
        cancelled: count(totals.cancelled),
        bytes: totals.bytes,
        interrupted,
    })
}

/// Cancels every job that has not ended and waits, at most [`STOP_WAIT`] or until another
/// signal, until they have: a download's temporary file is removed as its job ends, and a
/// large upload keeps its parts, so that running `cp` again resumes it.
async fn stop_all(engine: &TransferEngine, signals: &mut Signals) {
    let running: Vec<JobId> = engine
        .jobs()
        .into_iter()
        .filter(|j| !j.state.is_final())
        .map(|j| j.id)
        .collect();
    for id in &running {
        engine.cancel(*id, CancelMode::KeepForResume);
    }
    let wait = async {
        for id in &running {
            engine.wait(*id).await;
        }
    };
    tokio::select! {
        () = wait => {}
        () = tokio::time::sleep(STOP_WAIT) => {}
        _ = signals.recv() => {}
    }
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
                // A folder that cannot be read stops the command before it starts.
                std::fs::read_dir(&from)
                    .map_err(|e| anyhow::anyhow!("reading {}: {e}", from.display()))?;
                // Only "skip if same" compares; any other policy uploads every file.
                let conflict = if opts.skip_existing {
                    ConflictPolicy::SkipSame
                } else {
                    ConflictPolicy::Overwrite
                };
                return Ok(vec![engine.upload_group(from, bucket, path, conflict)]);
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
                let prefix = as_folder_prefix(&path);
                let items = vec![GroupItem::Folder(prefix.clone())];
                return Ok(vec![engine.download_group(
                    bucket,
                    prefix,
                    items,
                    to,
                    opts.conflict,
                )]);
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
