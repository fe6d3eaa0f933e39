//! Cloud Replication delivery: the background task that copies queued versions into their
//! destination buckets (see `store::replication` for what a copy is), and the pass the
//! admin call `deliver_replication` runs to flush the queue at once.

use std::sync::Arc;
use std::time::Duration;

use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::store::DeliveryReport;

/// How often the background task looks at the queue by default.
pub const TICK: Duration = Duration::from_secs(1);
/// Items copied per transaction, so uploads are not held up behind a long backlog.
const BATCH: u32 = 200;

/// Delivers queued items in batches until none is left (or `max_batches` ran).
pub async fn deliver(state: &Arc<State>, max_batches: u32) -> Result<DeliveryReport, ApiError> {
    let mut total = DeliveryReport::default();
    for _ in 0..max_batches {
        let report = state
            .db(|db, now| db.deliver_replication(now, BATCH))
            .await?;
        total.replicated += report.replicated;
        total.failed += report.failed;
        total.queued = report.queued;
        total.retrying = report.retrying;
        if report.queued == 0 || report.replicated + report.failed == 0 {
            break;
        }
    }
    Ok(total)
}

/// The background task of `Emulator::serve`: a pass every `every`.
pub async fn run(state: Arc<State>, every: Duration) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let _ = deliver(&state, 1).await;
    }
}
