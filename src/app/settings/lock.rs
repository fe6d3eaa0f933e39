//! Object Lock: the bucket's default retention and turning Object Lock on (Object Lock
//! tab), and one version's retention and legal hold (`L` in the versions pane). Governance
//! bypass is offered only to keys with `bypassGovernance`. No I/O.

use chrono::{NaiveDate, NaiveDateTime};

use super::cmd;
use super::forms::{Field, FieldError, Form, FormKind};
use super::{Pending, SettingsModal, VersionLock};
use crate::app::{Action, App, Effects, Focus, Level, Modal};
use crate::b2::buckets::{DefaultRetention, FileRetention, LockedVersion, RetentionPeriod};
use crate::b2::{FileAction, FileId};
use crate::worker::RequestId;
use crate::worker::settings::{LockChange, SettingsCommand};

const MODES: [&str; 3] = ["none", "governance", "compliance"];
const DAY_MS: i64 = 86_400_000;

impl Form {
    /// The default retention form, filled from the bucket's current one.
    pub fn default_retention(current: Option<&DefaultRetention>) -> Self {
        let mode = current.and_then(|r| r.mode.as_deref());
        let period = current.and_then(|r| r.period.as_ref());
        Self {
            kind: FormKind::DefaultRetention,
            title: " Default retention ".to_owned(),
            fields: vec![
                Field::choice(
                    "Mode",
                    MODES.to_vec(),
                    MODES.iter().position(|m| Some(*m) == mode).unwrap_or(0),
                ),
                Field::text(
                    "Period",
                    period.map(|p| p.duration.to_string()).unwrap_or_default(),
                    "whole number",
                ),
                Field::choice(
                    "Unit",
                    vec!["days", "years"],
                    usize::from(period.is_some_and(|p| p.unit == "years")),
                ),
            ],
            focus: 0,
            errors: Vec::new(),
            note: "New versions get this retention unless their upload says otherwise.".to_owned(),
        }
    }

    /// The default retention this form describes.
    pub fn validate_default_retention(&self) -> Result<DefaultRetention, Vec<FieldError>> {
        let mode = self.value(0);
        if mode == "none" {
            return Ok(DefaultRetention::default());
        }
        let unit = self.value(2).to_owned();
        let max = if unit == "years" { 100 } else { 36_500 };
        match self.value(1).trim().parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(DefaultRetention {
                mode: Some(mode.to_owned()),
                period: Some(RetentionPeriod { duration: n, unit }),
            }),
            _ => Err(vec![FieldError {
                field: 1,
                message: format!("a whole number of {unit} from 1 to {max}"),
            }]),
        }
    }

    /// The retention form of one version; `bypass` adds the governance bypass choice.
    pub fn file_retention(lock: &VersionLock, bypass: bool) -> Self {
        let r = lock.retention.as_ref().and_then(|r| r.value.as_ref());
        let mode = r.and_then(|r| r.mode.as_deref());
        let until = r
            .and_then(|r| r.retain_until_timestamp)
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let mut fields = vec![
            Field::choice(
                "Mode",
                MODES.to_vec(),
                MODES.iter().position(|m| Some(*m) == mode).unwrap_or(0),
            ),
            Field::text(
                "Retain until (UTC)",
                until,
                "YYYY-MM-DD [HH:MM], or +30d / +1y",
            ),
        ];
        if bypass {
            fields.push(Field::choice("Bypass governance", vec!["no", "yes"], 0));
        }
        Self {
            kind: FormKind::FileRetention {
                file_id: lock.file_id.clone(),
                file_name: lock.file_name.clone(),
            },
            title: " Version retention ".to_owned(),
            fields,
            focus: 0,
            errors: Vec::new(),
            note: format!("Version of {}", lock.file_name),
        }
    }

    /// `(retention, bypass_governance)`; `now` (ms) dates `+30d`.
    pub fn validate_file_retention(
        &self,
        now: i64,
    ) -> Result<(FileRetention, bool), Vec<FieldError>> {
        let bypass = self.value(2) == "yes";
        let mode = self.value(0);
        if mode == "none" {
            return Ok((FileRetention::default(), bypass));
        }
        match parse_until(self.value(1), now) {
            Some(t) if t > now => Ok((
                FileRetention {
                    mode: Some(mode.to_owned()),
                    retain_until_timestamp: Some(t),
                },
                bypass,
            )),
            Some(_) => Err(vec![FieldError {
                field: 1,
                message: "must be in the future".into(),
            }]),
            None => Err(vec![FieldError {
                field: 1,
                message: "a date like 2027-01-31 or 2027-01-31 12:00 (UTC), or +30d / +1y".into(),
            }]),
        }
    }
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` (UTC) or `+Nd` / `+Ny` after `now` → ms.
pub fn parse_until(text: &str, now: i64) -> Option<i64> {
    let text = text.trim();
    if let Some(rel) = text.strip_prefix('+') {
        let (num, unit) = rel.split_at(rel.len().checked_sub(1)?);
        let n: i64 = num.parse().ok().filter(|n| *n > 0)?;
        let days = match unit {
            "d" => n,
            "y" => n.checked_mul(365)?,
            _ => return None,
        };
        return now.checked_add(days.checked_mul(DAY_MS)?);
    }
    let t = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })?;
    Some(t.and_utc().timestamp_millis())
}

impl App {
    /// Keys of the Object Lock tab; false when the generic view handling applies.
    pub(super) fn on_lock_tab_action(&mut self, action: Action) -> bool {
        let Some(stored) = self.view.settings().and_then(|v| v.stored.clone()) else {
            return false;
        };
        let cfg = stored
            .file_lock_configuration
            .as_ref()
            .filter(|c| c.is_client_authorized_to_read);
        match action {
            Action::EditItem | Action::Open => {
                if cfg.is_none() {
                    self.unavailable("read Object Lock settings", &["readBucketRetentions"]);
                } else if !stored.is_file_lock_enabled() {
                    self.notify(
                        Level::Warn,
                        "Object Lock is off for this bucket: L turns it on",
                    );
                } else if !self.unavailable("set the default retention", &["writeBucketRetentions"])
                {
                    let current = cfg
                        .and_then(|c| c.value.as_ref())
                        .and_then(|v| v.default_retention.as_ref());
                    let form = Form::default_retention(current);
                    self.push_settings(SettingsModal::Form(form));
                }
            }
            Action::EnableObjectLock => {
                if stored.is_file_lock_enabled() {
                    self.notify(Level::Info, "Object Lock is already on");
                } else if !self.unavailable("turn on Object Lock", &["writeBucketRetentions"]) {
                    self.push_settings(SettingsModal::ConfirmEnableLock);
                }
            }
            _ => return false,
        }
        true
    }

    /// `L` in the versions pane: the selected version's retention and legal hold.
    pub(super) fn open_version_lock(&mut self, cmds: &mut Effects) {
        if self.focus != Focus::Versions {
            return;
        }
        let Some(v) = self.versions.versions.get(self.versions.cursor.selected) else {
            return;
        };
        let Some(file_id) = v.file_id.clone().filter(|_| v.action == FileAction::Upload) else {
            self.notify(
                Level::Warn,
                "Only uploaded versions have retention or legal hold",
            );
            return;
        };
        let file_name = v.file_name.clone();
        let req = self.new_admin_req(Pending::Lock);
        self.push_settings(SettingsModal::VersionLock(VersionLock {
            req,
            file_id: file_id.0.clone(),
            file_name,
            retention: None,
            legal_hold: None,
            loaded: false,
            busy: true,
        }));
        cmds.push(cmd(SettingsCommand::LoadVersionLock { req, file_id }));
    }

    fn version_lock_mut(&mut self) -> Option<&mut VersionLock> {
        self.modals.iter_mut().rev().find_map(|m| match m {
            Modal::Settings(s) => match s.as_mut() {
                SettingsModal::VersionLock(l) => Some(l),
                _ => None,
            },
            _ => None,
        })
    }

    /// Keys in the version lock dialog; false for keys it does not handle.
    pub(super) fn on_version_lock_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        let Some(lock) = self.version_lock_mut().cloned() else {
            return false;
        };
        if lock.busy && matches!(action, Action::ToggleLegalHold | Action::EditItem) {
            self.notify(Level::Info, "Still waiting for B2…");
            return true;
        }
        match action {
            Action::ToggleLegalHold => {
                if self.unavailable("change legal holds", &["writeFileLegalHolds"]) {
                    return true;
                }
                let held = lock
                    .legal_hold
                    .as_ref()
                    .and_then(|h| h.value.as_deref())
                    .is_some_and(|h| h == "on");
                self.change_lock(LockChange::LegalHold(!held), cmds);
            }
            Action::EditItem => {
                if self.unavailable("change retention", &["writeFileRetentions"]) {
                    return true;
                }
                let bypass = self.admin.missing(&["bypassGovernance"]).is_none();
                let form = Form::file_retention(&lock, bypass);
                self.push_settings(SettingsModal::Form(form));
            }
            _ => return false,
        }
        true
    }

    fn change_lock(&mut self, change: LockChange, cmds: &mut Effects) {
        let req = self.new_admin_req(Pending::Lock);
        let Some(lock) = self.version_lock_mut() else {
            return;
        };
        lock.req = req;
        lock.busy = true;
        cmds.push(cmd(SettingsCommand::ChangeVersionLock {
            req,
            file_id: FileId(lock.file_id.clone()),
            file_name: lock.file_name.clone(),
            change,
        }));
    }

    /// The retention form was sent.
    pub(super) fn submit_file_retention(&mut self, form: &Form, cmds: &mut Effects) {
        match form.validate_file_retention(self.restore.now_ms) {
            Err(errors) => self.set_form_errors(errors),
            Ok((retention, bypass_governance)) => {
                self.modals.pop();
                self.change_lock(
                    LockChange::Retention {
                        retention,
                        bypass_governance,
                    },
                    cmds,
                );
            }
        }
    }

    /// The default retention form was sent: `b2_update_bucket` with `ifRevisionIs`.
    pub(super) fn submit_default_retention(&mut self, form: &Form, cmds: &mut Effects) {
        match form.validate_default_retention() {
            Err(errors) => self.set_form_errors(errors),
            Ok(retention) => {
                self.modals.pop();
                if let Some(mut update) = self.update_request() {
                    update.default_retention = Some(retention);
                    self.send_update(update, cmds);
                }
            }
        }
    }

    /// `y` in the Object Lock confirmation.
    pub(super) fn enable_object_lock(&mut self, cmds: &mut Effects) {
        if let Some(mut update) = self.update_request() {
            update.file_lock_enabled = Some(true);
            self.send_update(update, cmds);
        }
    }

    /// A version's lock state arrived.
    pub(super) fn version_lock_loaded(
        &mut self,
        req: RequestId,
        version: LockedVersion,
        changed: bool,
    ) {
        let Some(lock) = self.version_lock_mut().filter(|l| l.req == req) else {
            return;
        };
        lock.retention = version.file_retention;
        lock.legal_hold = version.legal_hold;
        lock.loaded = true;
        lock.busy = false;
        if changed {
            self.notify(Level::Info, "Object Lock of the version updated");
        }
    }

    /// A lock request failed: the dialog stays, no longer busy.
    pub(super) fn version_lock_failed(&mut self, req: RequestId) {
        if let Some(lock) = self.version_lock_mut().filter(|l| l.req == req) {
            lock.busy = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until() {
        assert_eq!(parse_until("+1d", 0), Some(DAY_MS));
        assert_eq!(parse_until("1970-01-02", 0), Some(DAY_MS));
        assert_eq!(parse_until("1970-01-01 01:00", 0), Some(3_600_000));
        assert_eq!(parse_until("+0d", 0), None);
        assert_eq!(parse_until("tomorrow", 0), None);
    }
}
