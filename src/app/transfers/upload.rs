//! The question before a folder upload whose destination holds names already: upload a
//! new version of each (B2 keeps the old ones), or skip the files that already hold the
//! same bytes (size and SHA-1), so that a re-run moves only what is missing.

use std::path::PathBuf;

use super::{TransferModal, UploadConflict, cmd};
use crate::app::{Action, App, Effects, Level, Modal};
use crate::worker::transfer::{BucketRef, ConflictPolicy};
use crate::worker::transfer_cmds::TransferCommand;

impl App {
    /// Asks how to upload `local` into `prefix`, where `example` already is.
    pub(super) fn ask_upload_conflict(
        &mut self,
        local: PathBuf,
        bucket: BucketRef,
        prefix: String,
        example: String,
    ) {
        let q = UploadConflict {
            choice: ConflictPolicy::SkipSame,
            local,
            bucket,
            prefix,
            example,
        };
        let m = TransferModal::UploadConflict(Box::new(q));
        self.modals.push(Modal::Transfer(Box::new(m)));
    }

    /// A key in the upload question.
    pub(super) fn on_upload_conflict(&mut self, q: UploadConflict, a: Action, cmds: &mut Effects) {
        let pick = match a {
            Action::Overwrite | Action::KeepBoth => Some(ConflictPolicy::Overwrite),
            Action::Skip | Action::SkipSame => Some(ConflictPolicy::SkipSame),
            Action::Submit | Action::Confirm => Some(q.choice),
            Action::NextChoice | Action::PrevChoice => {
                let other = if q.choice == ConflictPolicy::SkipSame {
                    ConflictPolicy::Overwrite
                } else {
                    ConflictPolicy::SkipSame
                };
                if let Some(TransferModal::UploadConflict(q)) = self.top_transfer_modal() {
                    q.choice = other;
                }
                None
            }
            _ => None,
        };
        let Some(conflict) = pick else { return };
        self.modals.pop();
        let req = self.new_req();
        self.transfers.queueing.push(req);
        let how = if conflict == ConflictPolicy::SkipSame {
            ", skipping files already there"
        } else {
            ""
        };
        let text = format!(
            "Uploading {} to b2://{}/{}{how}",
            q.local.display(),
            q.bucket.name,
            q.prefix
        );
        self.notify(Level::Info, text);
        cmds.push(cmd(TransferCommand::UploadFolder {
            req,
            local: q.local,
            bucket: q.bucket,
            prefix: q.prefix,
            conflict,
        }));
    }
}
