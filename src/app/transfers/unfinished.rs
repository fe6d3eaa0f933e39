//! The unfinished large files dialog: listing a bucket's unfinished uploads, moving in the
//! list, resuming one from a local file or asking to cancel it, and the listing's results.

use std::path::Path;

use super::{
    PathPrompt, PromptPurpose, TransferModal, UnfinishedList, base_label, cmd, engine_bucket,
    remote_label,
};
use crate::app::panes::Motion;
use crate::app::{Action, App, BucketRef, Effects, Focus, Level, Modal, View};
use crate::b2::{FileId, FileVersion};
use crate::worker::transfer_cmds::TransferCommand;
use crate::worker::{Failure, RequestId};

impl App {
    pub(super) fn show_unfinished(&mut self, cmds: &mut Effects) {
        let bucket = match (&self.files.bucket, self.focus) {
            (Some(b), f) if f != Focus::Buckets || self.view == View::Transfers => b.clone(),
            _ => match self.buckets.selected() {
                Some(b) => BucketRef {
                    id: b.bucket_id.clone(),
                    name: b.bucket_name.clone(),
                },
                None => {
                    self.notify(Level::Info, "Open a bucket first");
                    return;
                }
            },
        };
        let req = self.new_req();
        cmds.push(cmd(TransferCommand::ListUnfinished {
            req,
            bucket: engine_bucket(&bucket),
        }));
        self.transfers.unfinished = Some(UnfinishedList {
            bucket,
            files: None,
            cursor: Default::default(),
            req,
        });
        if !matches!(
            self.modals.last(),
            Some(Modal::Transfer(m)) if **m == TransferModal::Unfinished
        ) {
            self.modals
                .push(Modal::Transfer(Box::new(TransferModal::Unfinished)));
        }
    }

    pub(super) fn on_unfinished_action(&mut self, action: Action, page: usize, cmds: &mut Effects) {
        let default_dir = self.default_download_dir();
        let sources = &self.transfers.upload_sources;
        let Some(list) = self.transfers.unfinished.as_mut() else {
            return;
        };
        let len = list.files.as_ref().map_or(0, Vec::len);
        let motion = match action {
            Action::MoveUp => Some(Motion::Up),
            Action::MoveDown => Some(Motion::Down),
            Action::PageUp => Some(Motion::PageUp),
            Action::PageDown => Some(Motion::PageDown),
            Action::GoTop => Some(Motion::Top),
            Action::GoBottom => Some(Motion::Bottom),
            _ => None,
        };
        if let Some(m) = motion {
            list.cursor.apply(m, len, page);
            return;
        }
        match action {
            Action::Refresh => self.show_unfinished(cmds),
            Action::ResumeUpload => {
                let Some(f) = list.selected() else { return };
                // The file this session uploaded under that name, else a guess.
                let local = sources
                    .get(&remote_label(&list.bucket, &f.file_name))
                    .cloned()
                    .unwrap_or_else(|| {
                        let path = Path::new(&default_dir).join(base_label(&f.file_name));
                        path.display().to_string()
                    });
                let purpose = PromptPurpose::Resume {
                    bucket: list.bucket.clone(),
                    file_name: f.file_name.clone(),
                };
                let p = PathPrompt::new(purpose, &local);
                self.modals
                    .push(Modal::Transfer(Box::new(TransferModal::Path(p))));
            }
            Action::CancelJob => {
                let Some(f) = list.selected() else { return };
                let Some(id) = f.file_id.as_ref() else { return };
                let m = TransferModal::CancelUnfinished {
                    file_id: id.as_str().to_owned(),
                    file_name: f.file_name.clone(),
                };
                self.modals.push(Modal::Transfer(Box::new(m)));
            }
            _ => {}
        }
    }

    /// The bucket's unfinished large files arrived.
    pub(super) fn on_unfinished_listed(&mut self, req: RequestId, files: Vec<FileVersion>) {
        if let Some(list) = self.transfers.unfinished.as_mut()
            && list.req == req
        {
            list.files = Some(files);
            list.cursor = Default::default();
        }
    }

    /// `b2_cancel_large_file` succeeded: the file leaves the list.
    pub(super) fn on_unfinished_cancelled(&mut self, req: RequestId, file_id: FileId) {
        self.transfers.cancelling.retain(|r| *r != req);
        if let Some(files) = self
            .transfers
            .unfinished
            .as_mut()
            .and_then(|l| l.files.as_mut())
        {
            files.retain(|f| f.file_id.as_ref() != Some(&file_id));
        }
        self.notify(Level::Info, "Unfinished large file cancelled");
    }

    /// A failed request of this module (listing or cancelling unfinished files).
    pub(crate) fn on_transfer_failed(&mut self, req: RequestId, error: &Failure) -> bool {
        let listing = self
            .transfers
            .unfinished
            .as_ref()
            .is_some_and(|l| l.req == req);
        let cancelling = self.transfers.cancelling.contains(&req);
        if !listing && !cancelling {
            return false;
        }
        if let Some(l) = self.transfers.unfinished.as_mut().filter(|_| listing) {
            l.files = Some(Vec::new());
        }
        self.transfers.cancelling.retain(|r| *r != req);
        let title = if listing {
            "Could not list unfinished large files"
        } else {
            "Could not cancel the large file"
        };
        self.modals.push(Modal::Error {
            title: title.to_owned(),
            message: error.message().to_owned(),
        });
        true
    }
}
