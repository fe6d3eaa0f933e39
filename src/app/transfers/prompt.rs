//! The path prompt (upload, download folder, resume): opening it for an upload, Tab
//! completion and its listing result, and submitting the typed path.

use std::path::PathBuf;

use super::{PathPrompt, PromptPurpose, TransferModal, cmd, complete, dir_to_list, engine_bucket};
use crate::app::{App, Effects, Level, Modal};
use crate::worker::RequestId;
use crate::worker::transfer_cmds::{LocalEntry, TransferCommand};

impl App {
    /// Opens the upload prompt for the folder shown.
    pub(super) fn ask_upload_path(&mut self) {
        let Some(bucket) = self.files.bucket.clone() else {
            self.notify(Level::Info, "Open a bucket to upload into");
            return;
        };
        let purpose = PromptPurpose::Upload {
            bucket,
            prefix: self.files.prefix.clone(),
        };
        let p = PathPrompt::new(purpose, "");
        self.modals
            .push(Modal::Transfer(Box::new(TransferModal::Path(p))));
    }

    pub(super) fn start_completion(&mut self, cmds: &mut Effects) {
        let req = self.new_req();
        let Some(TransferModal::Path(p)) = self.top_transfer_modal() else {
            return;
        };
        let typed = p.input.value().to_owned();
        p.completing = Some((req, typed.clone()));
        cmds.push(cmd(TransferCommand::ListLocal {
            req,
            dir: dir_to_list(&typed),
        }));
    }

    /// The local folder listing a Tab asked for: completes the typed text.
    pub(super) fn on_local_listed(&mut self, req: RequestId, entries: &[LocalEntry]) {
        if let Some(TransferModal::Path(p)) = self.top_transfer_modal()
            && let Some((r, typed)) = p.completing.take()
        {
            if r != req || p.input.value() != typed {
                return;
            }
            let c = complete(&typed, entries);
            if c.value == typed && c.candidates.is_empty() {
                p.error = Some("No match".to_owned());
            }
            p.input = tui_input::Input::new(c.value);
            p.candidates = c.candidates;
        }
    }

    pub(super) fn submit_path(&mut self, cmds: &mut Effects) {
        let req = self.new_req();
        let Some(TransferModal::Path(p)) = self.top_transfer_modal() else {
            return;
        };
        let value = p.input.value().trim().to_owned();
        if value.is_empty() {
            p.error = Some("Type a path (Tab completes)".to_owned());
            return;
        }
        let purpose = p.purpose.clone();
        self.modals.pop();
        let local = PathBuf::from(&value);
        let (command, note) = match purpose {
            PromptPurpose::Upload { bucket, prefix } => {
                let to = format!("b2://{}/{prefix}", bucket.name);
                let command = TransferCommand::Upload {
                    req,
                    local,
                    bucket: engine_bucket(&bucket),
                    prefix,
                };
                (command, format!("Uploading {value} to {to}"))
            }
            PromptPurpose::Resume { bucket, file_name } => {
                let note = format!("Resuming {file_name} from {value}");
                self.transfers.resuming = Some((req, super::remote_label(&bucket, &file_name)));
                let command = TransferCommand::UploadAs {
                    req,
                    local,
                    bucket: engine_bucket(&bucket),
                    file_name,
                };
                (command, note)
            }
            PromptPurpose::DownloadTo => {
                self.transfers.download_dir = Some(value.clone());
                if let Some(plan) = self.transfers.plan.as_mut() {
                    plan.dir = Some(value);
                    self.on_download_dir(cmds);
                }
                return;
            }
        };
        self.transfers.queueing.push(req);
        cmds.push(cmd(command));
        self.notify(Level::Info, note);
    }
}
