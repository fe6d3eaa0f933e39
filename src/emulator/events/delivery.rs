//! Webhook delivery of queued events (§5.2, §5.3).
//!
//! A pass takes the queued events of every rule that is due, in batches of the rule's
//! `maxEventsPerBatch`, and POSTs `{"events":[…]}` with the rule's custom headers and, when
//! the rule has a signing secret, `X-Bz-Event-Notification-Signature: v1=<hex HMAC-SHA256>`
//! of the exact body. A 2xx answer removes the batch from the queue. Anything else
//! (another status, no connection, no answer within 10 s) is a failure: the rule's
//! remaining events wait `event_retry_base` × 2^(failures−1) (at most 64 × base), and after
//! `MAX_FAILURES` failures in a row the rule is suspended (`isSuspended`, with the last
//! failure as `suspensionReason`) and its queued events are dropped; setting the rules
//! again clears the suspension. Passes never overlap: the background task and the admin
//! call `deliver_events` (which ignores retry waits) take turns.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::Target;
use crate::emulator::State;
use crate::emulator::clock::real_ms;
use crate::emulator::error::{ApiError, EmulatorError};
use crate::emulator::store::{AfterFailure, PendingRule};

/// Failed deliveries in a row that suspend a rule.
pub const MAX_FAILURES: u32 = 5;
/// How long a webhook may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Bz-Event-Notification-Signature";

/// The delivery machinery shared by the background task and the admin call.
#[derive(Debug)]
pub struct Delivery {
    http: reqwest::Client,
    /// Held for the whole of a pass.
    pass: tokio::sync::Mutex<()>,
    retry_base: Duration,
}

impl Delivery {
    pub fn new(retry_base: Duration) -> Result<Delivery, EmulatorError> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("b2tui-local-b2/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| EmulatorError::Invalid(format!("webhook client: {err}")))?;
        Ok(Delivery {
            http,
            pass: tokio::sync::Mutex::new(()),
            retry_base,
        })
    }
}

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassReport {
    /// Events accepted by webhooks.
    pub delivered: u64,
    /// POSTs that succeeded.
    pub batches: u64,
    /// POSTs that failed.
    pub failures: u64,
    /// Rules suspended by this pass.
    pub suspended: u64,
}

impl PassReport {
    fn add(&mut self, other: PassReport) {
        self.delivered += other.delivered;
        self.batches += other.batches;
        self.failures += other.failures;
        self.suspended += other.suspended;
    }
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with the UTF-8 bytes of `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm is never taken.
        Err(_) => return String::new(),
    };
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// One delivery pass; `force` ignores retry waits. Returns when every POST has finished.
pub async fn deliver(state: &Arc<State>, force: bool) -> Result<PassReport, ApiError> {
    let _turn = state.events.pass.lock().await;
    let now = real_ms();
    let pending = state.db(move |db, _| db.pending_events(now, force)).await?;
    let results =
        futures::future::join_all(pending.into_iter().map(|p| deliver_rule(state, p))).await;
    let mut report = PassReport::default();
    for result in results {
        report.add(result?);
    }
    Ok(report)
}

async fn deliver_rule(state: &Arc<State>, pending: PendingRule) -> Result<PassReport, ApiError> {
    let mut report = PassReport::default();
    let target = &pending.state.rule.target_configuration;
    let batch = usize::try_from(target.max_events_per_batch.max(1)).unwrap_or(1);
    let bucket_id = pending.state.bucket_id.clone();
    let rule_name = pending.state.rule.name.clone();
    for chunk in pending.events.chunks(batch) {
        let events: Vec<&Value> = chunk.iter().map(|(_, e)| e).collect();
        let seqs: Vec<i64> = chunk.iter().map(|(seq, _)| *seq).collect();
        let (bucket_id, rule_name) = (bucket_id.clone(), rule_name.clone());
        match post(&state.events.http, target, &events).await {
            Ok(()) => {
                state
                    .db(move |db, _| db.events_delivered(&bucket_id, &rule_name, &seqs))
                    .await?;
                report.delivered += chunk.len() as u64;
                report.batches += 1;
            }
            Err(reason) => {
                let base = i64::try_from(state.events.retry_base.as_millis()).unwrap_or(i64::MAX);
                let after = state
                    .db(move |db, _| {
                        db.event_delivery_failed(
                            &bucket_id,
                            &rule_name,
                            &reason,
                            real_ms(),
                            base,
                            MAX_FAILURES,
                        )
                    })
                    .await?;
                report.failures += 1;
                if after == AfterFailure::Suspended {
                    report.suspended += 1;
                }
                break;
            }
        }
    }
    Ok(report)
}

/// POSTs one batch; the error is a reason fit for `suspensionReason`.
async fn post(http: &reqwest::Client, target: &Target, events: &[&Value]) -> Result<(), String> {
    let body = json!({ "events": events }).to_string().into_bytes();
    let mut request = http
        .post(&target.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json");
    for header in target.custom_headers.iter().flatten() {
        request = request.header(&header.name, &header.value);
    }
    if let Some(secret) = &target.hmac_sha256_signing_secret {
        request = request.header(SIGNATURE_HEADER, format!("v1={}", signature(secret, &body)));
    }
    match request.body(body).send().await {
        Ok(response) if response.status().is_success() => Ok(()),
        Ok(response) => Err(format!(
            "webhook returned HTTP {}",
            response.status().as_u16()
        )),
        Err(err) if err.is_timeout() => Err(format!(
            "webhook did not answer within {} seconds",
            TIMEOUT.as_secs()
        )),
        Err(err) => Err(format!("webhook could not be reached: {err}")),
    }
}

/// The background task of `Emulator::serve`: a pass whenever events are queued, and again
/// when the earliest retry wait of a failing rule ends.
pub async fn run(state: Arc<State>) {
    loop {
        let ready = state.store.events_ready().notified();
        let failed = deliver(&state, false).await.is_err();
        let next = state.db(|db, _| db.next_event_retry()).await;
        let wait = match next {
            _ if failed => Some(state.events.retry_base),
            Ok(Some(at)) => Some(Duration::from_millis(
                u64::try_from(at.saturating_sub(real_ms())).unwrap_or(0),
            )),
            Ok(None) => None,
            Err(_) => Some(state.events.retry_base),
        };
        match wait {
            Some(wait) => {
                tokio::select! {
                    () = ready => {}
                    () = tokio::time::sleep(wait.max(Duration::from_millis(10))) => {}
                }
            }
            None => ready.await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
