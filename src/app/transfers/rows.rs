//! The rows of the Transfers view: one per job, and under a job of many files that is
//! shown open, its running files then its failures. Bounded: the running files are at most
//! the engine's file limit and the failures listed are capped.

use super::TransfersState;
use crate::worker::transfer::JobId;

/// One row of the Transfers view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Job(JobId),
    /// The n-th running file of a job of many files.
    Running(JobId, usize),
    /// The n-th failure listed of a job of many files.
    Failure(JobId, usize),
    /// The failures not listed.
    MoreFailures(JobId),
}

impl Row {
    /// The job the row belongs to.
    pub fn job(self) -> JobId {
        match self {
            Self::Job(id)
            | Self::Running(id, _)
            | Self::Failure(id, _)
            | Self::MoreFailures(id) => id,
        }
    }
}

impl TransfersState {
    /// Every row, in order.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::with_capacity(self.jobs.len());
        for (id, j) in &self.jobs {
            rows.push(Row::Job(*id));
            let Some(g) = j.group.as_ref().filter(|_| self.expanded.contains(id)) else {
                continue;
            };
            rows.extend((0..g.running.len()).map(|i| Row::Running(*id, i)));
            rows.extend((0..g.failures.len()).map(|i| Row::Failure(*id, i)));
            if g.failed > g.failures.len() as u64 {
                rows.push(Row::MoreFailures(*id));
            }
        }
        rows
    }

    /// The row of job `id`.
    pub fn row_of(&self, id: JobId) -> Option<usize> {
        self.rows().iter().position(|r| *r == Row::Job(id))
    }

    /// Shows or hides the files of the job under the cursor (a job of many files); the
    /// cursor goes to the job's row. False for a job of one file.
    pub fn toggle_expanded(&mut self) -> bool {
        let Some(j) = self.selected() else {
            return false;
        };
        if j.group.is_none() {
            return false;
        }
        let id = j.id;
        if !self.expanded.remove(&id) {
            self.expanded.insert(id);
        }
        if let Some(row) = self.row_of(id) {
            self.cursor.selected = row;
        }
        true
    }
}
