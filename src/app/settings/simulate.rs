//! The lifecycle simulation: the days form (constructor, validation), the request sent to
//! the worker, and the simulation dialog (progress, then summary or list, scrolled). No I/O;
//! the worker reads the versions and runs `lifecycle_sim`.

use super::forms::{Field, FieldError, Form, FormKind};
use super::{Pending, SettingsModal, Simulation, cmd};
use crate::app::{Action, App, Effects, Modal};
use crate::lifecycle_sim::SimReport;
use crate::worker::RequestId;
use crate::worker::settings::SettingsCommand;

/// Days a simulation covers unless the user says otherwise.
pub const DEFAULT_SIM_DAYS: u32 = 30;

impl Form {
    /// The simulation form.
    pub fn simulate(days: u32) -> Self {
        Self {
            kind: FormKind::Simulate,
            title: " Simulate lifecycle rules ".to_owned(),
            fields: vec![Field::text("Days ahead", days.to_string(), "1-3650")],
            focus: 0,
            errors: Vec::new(),
            note: "What the edited rules would do to the bucket as it is now.".to_owned(),
        }
    }

    /// Days of the simulate form.
    pub fn validate_days(&self) -> Result<u32, Vec<FieldError>> {
        match self.value(0).trim().parse::<u32>() {
            Ok(d) if (1..=3650).contains(&d) => Ok(d),
            _ => Err(vec![FieldError {
                field: 0,
                message: "a number of days from 1 to 3650".into(),
            }]),
        }
    }
}

impl App {
    /// `Simulate` on the Lifecycle tab or in the review dialog: the days form.
    pub(super) fn open_simulate_form(&mut self) {
        if !self.unavailable("list the bucket's versions", &["listFiles"]) {
            self.push_settings(SettingsModal::Form(Form::simulate(DEFAULT_SIM_DAYS)));
        }
    }

    pub(super) fn submit_simulate(&mut self, form: &Form, cmds: &mut Effects) {
        match form.validate_days() {
            Err(errors) => self.set_form_errors(errors),
            Ok(days) => {
                self.modals.pop();
                let Some(view) = self.view.settings() else {
                    return;
                };
                let (bucket, rules) = (view.bucket.id.clone(), view.rules.clone());
                let req = self.new_admin_req(Pending::Simulate);
                cmds.push(cmd(SettingsCommand::SimulateLifecycle {
                    req,
                    bucket,
                    rules,
                    days,
                    now: None,
                }));
                self.push_settings(SettingsModal::Simulation(Simulation {
                    req,
                    days,
                    scanned: 0,
                    report: None,
                    show_list: false,
                    scroll: 0,
                }));
            }
        }
    }

    /// `SimulationProgressed`: versions read so far.
    pub(super) fn simulation_progressed(&mut self, req: RequestId, scanned: usize) {
        if let Some(SettingsModal::Simulation(sim)) = self.settings_modal_mut(req) {
            sim.scanned = scanned;
        }
    }

    /// `SimulationFinished`: the report replaces the progress.
    pub(super) fn simulation_finished(&mut self, req: RequestId, report: SimReport) {
        self.admin.take_pending(req);
        if let Some(SettingsModal::Simulation(sim)) = self.settings_modal_mut(req) {
            sim.report = Some(report);
        }
    }

    /// A failed simulation closes its dialog.
    pub(super) fn simulation_failed(&mut self, req: RequestId) {
        self.modals.retain(|m| !matches!(m, Modal::Settings(s) if matches!(s.as_ref(), SettingsModal::Simulation(sim) if sim.req == req)));
    }

    fn settings_modal_mut(&mut self, req: RequestId) -> Option<&mut SettingsModal> {
        self.modals.iter_mut().rev().find_map(|m| match m {
            Modal::Settings(s) => match s.as_mut() {
                SettingsModal::Simulation(sim) if sim.req == req => Some(s.as_mut()),
                _ => None,
            },
            _ => None,
        })
    }
}

/// Keys of the simulation dialog: summary or list, and scrolling the list.
pub(super) fn on_simulation_action(sim: &mut Simulation, action: Action, page: usize) {
    match action {
        Action::ToggleList => {
            sim.show_list = !sim.show_list;
            sim.scroll = 0;
        }
        Action::MoveDown => sim.scroll += 1,
        Action::MoveUp => sim.scroll = sim.scroll.saturating_sub(1),
        Action::PageDown => sim.scroll += page,
        Action::PageUp => {
            sim.scroll = sim.scroll.saturating_sub(page);
        }
        _ => {}
    }
}
