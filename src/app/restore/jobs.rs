//! Restore jobs: the bulk steps (unhide, hide, delete versions, copy back) the worker runs
//! for every dialog, their progress, and the report when some steps fail. No I/O.

use crate::app::{App, Effects, Level, Modal};
use crate::worker::restore::{Op, OpFailure, RestoreCommand};
use crate::worker::{Command, Failure, RequestId};

/// Failures listed in the job report; the rest are counted.
const SHOWN_FAILURES: usize = 12;

/// A bulk job the worker is running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobState {
    pub job: RequestId,
    /// What it does, for the status line (`unhide 3 files`).
    pub what: String,
    pub done: usize,
    pub total: usize,
    pub failed: usize,
}

impl App {
    /// Starts a job on the open bucket; nothing happens when `ops` is empty.
    pub(crate) fn start_job(&mut self, what: String, ops: Vec<Op>, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        if ops.is_empty() {
            return;
        }
        let job = self.new_req();
        self.notify(Level::Info, format!("Started: {what}"));
        self.restore.jobs.push(JobState {
            job,
            what,
            done: 0,
            total: ops.len(),
            failed: 0,
        });
        cmds.push(Command::Restore(RestoreCommand::RunJob {
            job,
            bucket: bucket.id,
            ops,
            copy: self.restore.copy,
        }));
    }

    pub(super) fn on_job_progressed(
        &mut self,
        job: RequestId,
        done: usize,
        total: usize,
        failed: usize,
    ) {
        if let Some(j) = self.restore.jobs.iter_mut().find(|j| j.job == job) {
            j.done = done;
            j.total = total;
            j.failed = failed;
        }
    }

    /// A job ended: a note (or the failure report), then the folder and versions again.
    pub(super) fn on_job_finished(
        &mut self,
        job: RequestId,
        succeeded: usize,
        failures: &[OpFailure],
        cmds: &mut Effects,
    ) {
        let Some(i) = self.restore.jobs.iter().position(|j| j.job == job) else {
            return;
        };
        let j = self.restore.jobs.remove(i);
        if failures.is_empty() {
            self.notify(Level::Info, format!("Done: {} ({succeeded} ok)", j.what));
        } else {
            self.modals.push(job_failed(&j.what, succeeded, failures));
        }
        self.on_search_job_finished(job, failures);
        self.reload_folder(cmds);
        self.request_versions(cmds);
    }
}

/// The report of a job with failures: counts, then each failure with B2's code (or the
/// Object Lock that refused it), then what to do about them.
fn job_failed(what: &str, succeeded: usize, failures: &[OpFailure]) -> Modal {
    let mut message = format!("{succeeded} succeeded, {} failed.\n", failures.len());
    for f in failures.iter().take(SHOWN_FAILURES) {
        match f.error.code() {
            Some(code) => {
                message.push_str(&format!("\n{}: {code} — {}", f.name, f.error.message()))
            }
            None => message.push_str(&format!("\n{}: {}", f.name, f.error.message())),
        }
    }
    if failures.len() > SHOWN_FAILURES {
        message.push_str(&format!("\n…and {} more", failures.len() - SHOWN_FAILURES));
    }
    let mut advice: Vec<String> = Vec::new();
    // A refusal without its call (the worker names it) is about the job's own calls.
    let advise = |f: &Failure| match f.call() {
        None if f.is_denied() => Some(
            "The application key may lack a capability (deleteFiles, writeFiles) for these \
             names, or be restricted to another bucket or name prefix."
                .to_owned(),
        ),
        _ => f.advice(),
    };
    for a in failures.iter().filter_map(|f| advise(&f.error)) {
        if !advice.contains(&a) {
            advice.push(a);
        }
    }
    for a in advice.iter().take(3) {
        message.push_str("\n\n");
        message.push_str(a);
    }
    Modal::Error {
        title: format!("Some steps failed: {what}"),
        message,
    }
}
