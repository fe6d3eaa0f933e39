//! The restore overlays as one enum, the one the router matches on. Each variant's state
//! lives with its dialog: `app/versions/{delete,info}.rs`, `app/files/{hide,deleted}.rs`,
//! `app/time_travel/{prompt,plan}.rs`.

use crate::app::files::deleted::HiddenView;
use crate::app::files::hide::ConfirmHide;
use crate::app::time_travel::plan::PlanModal;
use crate::app::time_travel::prompt::TimePrompt;
use crate::app::versions::delete::ConfirmDelete;
use crate::app::versions::info::InfoModal;
use crate::input::Scope;
use crate::worker::RequestId;

/// The restore overlays.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreModal {
    ConfirmDelete(Box<ConfirmDelete>),
    ConfirmHide(Box<ConfirmHide>),
    TimePrompt(Box<TimePrompt>),
    Plan(Box<PlanModal>),
    Hidden(Box<HiddenView>),
    Info(Box<InfoModal>),
    Purge(Box<crate::app::restore::purge::PurgeDialog>),
}

// No floats inside: equality is total.
impl Eq for RestoreModal {}

impl RestoreModal {
    /// The keymap scope while this modal is on top.
    pub fn scope(&self) -> Scope {
        match self {
            Self::ConfirmDelete(_) => Scope::ConfirmDelete,
            Self::ConfirmHide(_) => Scope::ConfirmHide,
            Self::TimePrompt(_) => Scope::TimeTravel,
            Self::Plan(_) => Scope::RestorePlan,
            Self::Hidden(_) => Scope::HiddenFiles,
            Self::Info(_) => Scope::FileInfo,
            Self::Purge(_) => Scope::Purge,
        }
    }
    /// True when this modal waits for the results of the listing `req`.
    pub fn waits_for(&self, req: RequestId) -> bool {
        match self {
            Self::Hidden(h) => h.req == req,
            Self::Plan(p) => p.req == req,
            Self::ConfirmHide(c) => c.req == Some(req),
            Self::Purge(d) => d.req == req,
            _ => false,
        }
    }
}
