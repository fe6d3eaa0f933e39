//! What `cp` prints while it works: a progress bar on stderr when stderr is a terminal,
//! one line per failure and per retry above it, one JSON object per finished file on
//! stdout with `--json`, and the closing summary. Names are escaped for the terminal.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::escape::escape;
pub use super::news::is_unsafe;
use super::news::{FileCounts, FileNews, sha1_of};
use super::progress::{self, Snapshot, Totals};
use crate::worker::transfer::speed::MovingSpeed;
use crate::worker::transfer::{
    FileOutcome, GroupFileEnd, JobId, JobKind, JobSnapshot, JobState, RetryWait, TransferEngine,
    TransferEvent,
};

/// Where output goes and how much of it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Output {
    /// Only errors on stderr: no bar, no retries, no summary.
    pub quiet: bool,
    /// One JSON object per finished file, and a summary object, on stdout.
    pub json: bool,
    /// Draw the progress bar (stderr is a terminal).
    pub bar: bool,
}

/// How often the bar is updated.
const TICK: Duration = Duration::from_millis(200);

/// SHA-1s read back at once for `--json`.
const HASHERS: usize = 2;

/// Prints `line` on stderr above the bar (or plainly when there is none).
fn say(bar: Option<&ProgressBar>, line: &str) {
    match bar {
        Some(bar) => bar.suspend(|| eprintln!("{line}")),
        None => eprintln!("{line}"),
    }
}

/// Writes one JSON line on stdout (the bar steps aside, should both share a terminal). A
/// reader that went away is not the copy's problem: the files still arrive.
fn emit(bar: Option<&ProgressBar>, value: &serde_json::Value) {
    let write = || {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value}");
        let _ = out.flush();
    };
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// `retrying NAME in 4 s (attempt 3/8): 503 service_unavailable`.
pub fn retry_line(name: &str, wait: &RetryWait) -> String {
    let when = match wait.secs_left(None) {
        0 => "now".to_owned(),
        secs => format!("in {secs} s"),
    };
    format!(
        "b2tui: retrying {} {when} (attempt {}/{}): {}",
        escape(name),
        wait.attempt,
        wait.max_attempts,
        escape(&wait.cause())
    )
}

/// The line printed for a failed file.
pub fn failure_line(job: &JobSnapshot, error: &str) -> String {
    failed_line(&job.source, &job.destination, error)
}

/// `b2tui: failed: SOURCE → DESTINATION: error (advice)`.
fn failed_line(source: &str, destination: &str, error: &str) -> String {
    format!(
        "b2tui: failed: {} → {}: {}",
        escape(source),
        escape(destination),
        escape(error)
    )
}

/// Counts the job table, and the files of its jobs of many files (`files`, from their
/// events), into the summary's totals. Jobs that are not final (a bounded wait after a
/// signal ran out) count as cancelled, and so do the files such a job found that did not
/// end.
pub fn totals(jobs: &[JobSnapshot], files: &FileCounts) -> Totals {
    let mut t = files.totals;
    for job in jobs {
        if let Some(group) = &job.group {
            if !job.state.is_final() {
                t.cancelled += group.found.saturating_sub(files.ended());
            }
            continue;
        }
        match &job.state {
            JobState::Done => {
                t.copied += 1;
                t.bytes += job.bytes_total;
            }
            JobState::Skipped { reason } if is_unsafe(reason) => t.failed += 1,
            JobState::Skipped { .. } => t.skipped += 1,
            JobState::Failed { .. } => t.failed += 1,
            JobState::Cancelled | JobState::Paused | JobState::Queued | JobState::Running => {
                t.cancelled += 1;
            }
        }
    }
    t
}

/// The reporter task: started before the first job is queued, stopped by [`Reporter::finish`].
pub struct Reporter {
    engine: TransferEngine,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<FileCounts>,
    bar: Option<ProgressBar>,
    output: Output,
}

impl Reporter {
    pub fn start(
        engine: TransferEngine,
        events: UnboundedReceiver<TransferEvent>,
        output: Output,
    ) -> Self {
        let bar = (output.bar && !output.quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("[{bar:24}] {wide_msg}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        let stop = CancellationToken::new();
        let state = State {
            engine: engine.clone(),
            output,
            files: FileCounts::default(),
            bar: bar.clone(),
            speed: MovingSpeed::with_window(progress::SPEED_WINDOW),
            sizes: HashMap::new(),
            hashing: JoinSet::new(),
            hashers: Arc::new(tokio::sync::Semaphore::new(HASHERS)),
        };
        let task = tokio::spawn(state.run(events, stop.clone()));
        Self {
            engine,
            stop,
            task,
            bar,
            output,
        }
    }

    /// Prints a line above the bar (a note from the command itself), unless quiet.
    pub fn note(&self, line: &str) {
        if !self.output.quiet {
            say(self.bar.as_ref(), line);
        }
    }

    /// Stops reporting and clears the bar, with no summary.
    pub async fn discard(self) {
        self.stop.cancel();
        let _ = self.task.await;
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Reports the events still queued, waits for the `--json` lines, clears the bar and
    /// prints the summary (on stderr unless quiet; as JSON on stdout with `--json`), and
    /// returns its totals.
    pub async fn finish(self, elapsed: Duration, interrupted: Option<&str>) -> Totals {
        self.stop.cancel();
        let files = self.task.await.unwrap_or_default();
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let totals = totals(&self.engine.jobs(), &files);
        if self.output.json {
            emit(
                None,
                &json!({
                    "event": "summary",
                    "copied": totals.copied,
                    "skipped": totals.skipped,
                    "failed": totals.failed,
                    "cancelled": totals.cancelled,
                    "bytes": totals.bytes,
                    "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
                    "interrupted": interrupted,
                }),
            );
        }
        if !self.output.quiet {
            eprintln!("{}", progress::summary(&totals, elapsed));
        }
        totals
    }
}

struct State {
    engine: TransferEngine,
    output: Output,
    /// The files of jobs of many files that ended.
    files: FileCounts,
    bar: Option<ProgressBar>,
    speed: MovingSpeed,
    /// Sizes of queued uploads, read once from the disk, so that the total is known
    /// before each upload starts.
    sizes: HashMap<JobId, u64>,
    hashing: JoinSet<()>,
    hashers: Arc<tokio::sync::Semaphore>,
}

impl State {
    async fn run(
        mut self,
        mut events: UnboundedReceiver<TransferEvent>,
        stop: CancellationToken,
    ) -> FileCounts {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                biased;
                ev = events.recv() => match ev {
                    Some(ev) => self.on_event(ev),
                    None => break,
                },
                () = stop.cancelled() => {
                    while let Ok(ev) = events.try_recv() {
                        self.on_event(ev);
                    }
                    break;
                }
                _ = tick.tick(), if self.bar.is_some() => self.draw(),
            }
        }
        while self.hashing.join_next().await.is_some() {}
        self.files
    }

    fn on_event(&mut self, ev: TransferEvent) {
        if let TransferEvent::GroupFileEnded { file, .. } = &ev {
            self.on_file_end(file);
            return;
        }
        let quiet = self.output.quiet;
        // A job of many files tells of its files by their own events, not by its own.
        let job = |id: JobId| self.engine.job(id).filter(|j| j.group.is_none());
        let line = match &ev {
            TransferEvent::Failed { id, error } => job(*id).map(|j| {
                let advice = error
                    .advice()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default();
                failure_line(&j, &format!("{error}{advice}"))
            }),
            TransferEvent::Skipped { id, reason } if is_unsafe(reason) => job(*id).map(|j| {
                format!(
                    "b2tui: skipped {}: {}",
                    escape(&j.source),
                    escape(&reason.to_string())
                )
            }),
            TransferEvent::DestinationChanged { id, destination } if !quiet => {
                job(*id).map(|j| kept_both_line(&j.source, destination))
            }
            TransferEvent::Retrying { id, retry, .. } if !quiet => {
                job(*id).map(|j| retry_line(&j.source, retry))
            }
            TransferEvent::GroupFileRetrying { name, retry, .. } if !quiet => {
                Some(retry_line(name, retry))
            }
            _ => None,
        };
        if let Some(line) = line {
            say(self.bar.as_ref(), &line);
        }
        if !self.output.json {
            return;
        }
        let id = match &ev {
            TransferEvent::Finished { id, .. }
            | TransferEvent::Failed { id, .. }
            | TransferEvent::Skipped { id, .. }
            | TransferEvent::Cancelled { id } => *id,
            _ => return,
        };
        let news = job(id).and_then(|j| FileNews::of_job(&ev, &j));
        if let Some(news) = news {
            self.json_news(news);
        }
    }

    /// One file of a job of many files ended: counted, its lines as a job of that file
    /// would print them, and its JSON object.
    fn on_file_end(&mut self, file: &GroupFileEnd) {
        self.files.add(file);
        let bar = self.bar.as_ref();
        if file.kept_both && !self.output.quiet {
            say(bar, &kept_both_line(&file.source, &file.destination));
        }
        match &file.outcome {
            FileOutcome::Failed(error) => {
                let advice = error
                    .advice()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default();
                let error = format!("{error}{advice}");
                say(bar, &failed_line(&file.source, &file.destination, &error));
            }
            FileOutcome::Skipped(reason) if is_unsafe(reason) => {
                let line = format!(
                    "b2tui: skipped {}: {}",
                    escape(&file.source),
                    escape(&reason.to_string())
                );
                say(bar, &line);
            }
            _ => {}
        }
        if self.output.json {
            self.json_news(FileNews::of_file(file));
        }
    }

    /// The JSON object of a file that reached its end; a copied file's SHA-1 is read back
    /// from the local copy first, off the async threads.
    fn json_news(&mut self, news: FileNews) {
        // Lines already written need no keeping.
        while self.hashing.try_join_next().is_some() {}
        let mut value = news.json();
        let Some(local) = news.local else {
            emit(self.bar.as_ref(), &value);
            return;
        };
        let hashers = Arc::clone(&self.hashers);
        let bar = self.bar.clone();
        self.hashing.spawn(async move {
            let _permit = hashers.acquire_owned().await;
            let sha1 = tokio::task::spawn_blocking(move || sha1_of(&local))
                .await
                .ok()
                .and_then(Result::ok);
            value["sha1"] = json!(sha1);
            emit(bar.as_ref(), &value);
        });
    }

    fn draw(&mut self) {
        let Some(bar) = &self.bar else { return };
        let jobs = self.engine.jobs();
        let mut snap = Snapshot {
            total_known: true,
            ..Snapshot::default()
        };
        for job in &jobs {
            if let Some(group) = &job.group {
                // A folder as one job: its status, and its files' ends as counted.
                snap.files_total += group.found;
                snap.files_done += self.files.ended();
                snap.failed += self.files.totals.failed;
                snap.bytes_total += group.bytes_total;
                snap.bytes_done += group.bytes_done;
                snap.total_known &= group.listing_done;
                continue;
            }
            snap.files_total += 1;
            let mut total = job.bytes_total;
            if total == 0 && !job.state.is_final() {
                match (job.kind, self.sizes.get(&job.id)) {
                    (_, Some(&size)) => total = size,
                    (JobKind::Upload, None) => {
                        // Read once: an upload learns its size only when it starts.
                        let size = std::fs::metadata(&job.source).map_or(0, |m| m.len());
                        self.sizes.insert(job.id, size);
                        total = size;
                    }
                    (JobKind::Download, None) => snap.total_known = false,
                }
            }
            snap.bytes_total += total;
            snap.bytes_done += job.bytes_done;
            if job.state.is_final() {
                snap.files_done += 1;
                self.sizes.remove(&job.id);
            }
            match &job.state {
                JobState::Failed { .. } => snap.failed += 1,
                JobState::Skipped { reason } if is_unsafe(reason) => snap.failed += 1,
                _ => {}
            }
        }
        self.speed.sample(Instant::now(), snap.bytes_done);
        snap.bytes_per_sec = self.speed.per_sec();
        bar.set_length(snap.bytes_total.max(1));
        bar.set_position(snap.bytes_done.min(snap.bytes_total));
        bar.set_message(snap.line(self.speed.span()));
    }
}

/// `b2tui: SOURCE → DESTINATION (the file existed; kept both)`.
fn kept_both_line(source: &str, destination: &str) -> String {
    format!(
        "b2tui: {} → {} (the file existed; kept both)",
        escape(source),
        escape(destination)
    )
}
