//! Empty a bucket, or delete a folder with all its versions (`E`), like `rclone purge` or
//! `b2 rm -r --versions`: a survey first (what goes: versions, bytes, hide markers,
//! unfinished large files; what may not: Object Lock), a typed confirmation for a whole
//! bucket, then a background job with progress; afterwards the bucket can be deleted.

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::jobs::JobState;
use super::modal::RestoreModal;
use crate::app::{Action, App, BucketRef, Effects, Focus, Level, Modal, Row};
use crate::worker::restore::RestoreCommand;
use crate::worker::restore::purge::PurgeSurvey;
use crate::worker::{Command, RequestId};

/// The purge dialog: the survey as it comes, then the confirmation.
#[derive(Clone, Debug)]
pub struct PurgeDialog {
    pub req: RequestId,
    pub bucket: BucketRef,
    /// "" for the whole bucket, else a folder (ends with `/`).
    pub prefix: String,
    pub survey: PurgeSurvey,
    /// The survey is complete.
    pub counted: bool,
    /// For a whole bucket: the bucket's name typed to confirm.
    pub typed: Input,
}

impl PartialEq for PurgeDialog {
    fn eq(&self, other: &Self) -> bool {
        self.req == other.req
            && self.survey == other.survey
            && self.counted == other.counted
            && self.typed.value() == other.typed.value()
    }
}

impl PurgeDialog {
    /// True for a whole bucket (typed confirmation).
    pub fn is_bucket(&self) -> bool {
        self.prefix.is_empty()
    }

    /// True once the user may confirm: counted, something to delete, and for a whole
    /// bucket its name typed exactly.
    pub fn can_confirm(&self) -> bool {
        self.counted
            && self.survey.total() > 0
            && (!self.is_bucket() || self.typed.value() == self.bucket.name)
    }
}

impl App {
    /// `E`: in the buckets pane the selected bucket, in the files pane the selected
    /// folder; surveys it and asks.
    pub(crate) fn start_purge(&mut self, cmds: &mut Effects) {
        let (bucket, prefix) = match self.focus {
            Focus::Buckets => match self.buckets.selected() {
                Some(b) => (
                    BucketRef {
                        id: b.bucket_id.clone(),
                        name: b.bucket_name.clone(),
                    },
                    String::new(),
                ),
                None => return,
            },
            _ => match (self.files.bucket.clone(), self.files.selected()) {
                (Some(bucket), Some(Row::Entry(e))) if e.is_folder() => {
                    (bucket, e.file_name.to_owned())
                }
                _ => {
                    self.notify(
                        Level::Info,
                        "Select a folder (or a bucket in the buckets pane) to delete with all its versions",
                    );
                    return;
                }
            },
        };
        // A prefix-restricted key can only ever empty its own prefix.
        let prefix = match &self.session.key.name_prefix {
            Some(p) if prefix.is_empty() => p.clone(),
            _ => prefix,
        };
        let req = self.new_req();
        cmds.push(Command::Restore(RestoreCommand::SurveyPurge {
            req,
            bucket: bucket.id.clone(),
            prefix: prefix.clone(),
        }));
        self.modals
            .push(Modal::Restore(RestoreModal::Purge(Box::new(PurgeDialog {
                req,
                bucket,
                prefix,
                survey: PurgeSurvey::default(),
                counted: false,
                typed: Input::default(),
            }))));
    }

    /// A survey page: the counts so far.
    pub(super) fn on_purge_surveyed(&mut self, req: RequestId, survey: PurgeSurvey, done: bool) {
        if let Some(RestoreModal::Purge(d)) = self.restore_modal_for(req) {
            d.survey = survey;
            d.counted = done;
        }
    }

    /// Keys typed into the dialog (the bucket's name).
    pub(crate) fn on_purge_input(&mut self, key: KeyEvent) {
        if let Some(Modal::Restore(RestoreModal::Purge(d))) = self.modals.last_mut()
            && d.is_bucket()
        {
            d.typed.handle_event(&Event::Key(key));
        }
    }

    /// `Enter` deletes (once counted and confirmed), `Esc` closes.
    pub(super) fn on_purge_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(Modal::Restore(RestoreModal::Purge(d))) = self.modals.last() else {
            return;
        };
        match action {
            Action::Close | Action::Quit => {
                self.modals.pop();
            }
            Action::Confirm | Action::Submit if d.can_confirm() => {
                let d = (**d).clone();
                self.modals.pop();
                let job = self.new_req();
                let label = format!("b2://{}/{}", d.bucket.name, d.prefix);
                let what = if d.is_bucket() {
                    format!("empty {label} (then D in the buckets pane deletes the bucket)")
                } else {
                    format!("delete {label} with all its versions")
                };
                let total = usize::try_from(d.survey.total()).unwrap_or(usize::MAX);
                self.notify(Level::Info, format!("Started: {what}"));
                self.restore.jobs.push(JobState {
                    job,
                    what,
                    done: 0,
                    total,
                    failed: 0,
                });
                cmds.push(Command::Restore(RestoreCommand::Purge {
                    job,
                    bucket: d.bucket.id,
                    prefix: d.prefix,
                    total,
                }));
            }
            _ => {}
        }
    }
}
