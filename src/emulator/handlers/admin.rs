//! Test hooks outside the B2 API, under `/b2tui-admin/v1/`, for the master key only
//! (HTTP Basic): fail_next, expire_tokens, advance_clock (then a lifecycle pass),
//! run_lifecycle, deliver_events (a delivery pass that ignores retry waits), stats, now
//! (the server's clock), deliver_replication (copies every queued Cloud Replication item).

use std::sync::Arc;

use axum::extract::{Path, Request, State as AxumState};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Params, basic_credentials, read_params, respond};
use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::events::delivery;
use crate::emulator::faults::{self, FailNext};
use crate::emulator::lifecycle;

fn unauthorized() -> ApiError {
    ApiError::unauthorized("admin endpoints need HTTP Basic with the master key")
}

async fn check_master(state: &Arc<State>, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let (id, secret) = basic_credentials(headers).ok_or_else(unauthorized)?;
    let master = state.store.master_key_id().to_string();
    let ok = state
        .db(move |db, _| Ok(id == master && db.key_with_secret(&id, &secret)?.is_some()))
        .await?;
    if ok { Ok(()) } else { Err(unauthorized()) }
}

pub async fn admin(
    AxumState(state): AxumState<Arc<State>>,
    Path(op): Path<String>,
    request: Request,
) -> Response {
    let method = request.method().clone();
    let result = async {
        check_master(&state, request.headers()).await?;
        let (parts, body) = request.into_parts();
        let params = read_params(parts.uri.query(), body).await?;
        match (op.as_str(), &method) {
            ("fail_next", &Method::POST) => fail_next(&state, &params),
            ("expire_tokens", &Method::POST) => {
                let expired = state.db(|db, _| db.expire_account_tokens()).await?;
                Ok(json!({"expired": expired}))
            }
            ("advance_clock", &Method::POST) => {
                let seconds = params
                    .opt_i64("seconds")?
                    .ok_or_else(|| ApiError::bad_request("required field seconds is missing"))?;
                if seconds < 0 {
                    return Err(ApiError::bad_request("seconds must not be negative"));
                }
                state.clock.advance_secs(seconds).map_err(|left| {
                    ApiError::bad_request(format!(
                        "seconds {seconds} would move the clock past 9999-12-31T23:59:59Z, \
                         the latest time it can show; at most {left} more seconds"
                    ))
                })?;
                let lifecycle = lifecycle::run_now(&state).await?;
                Ok(json!({"now": state.clock.now_ms(), "lifecycle": lifecycle}))
            }
            ("run_lifecycle", &Method::POST) => {
                let lifecycle = lifecycle::run_now(&state).await?;
                Ok(json!({"now": state.clock.now_ms(), "lifecycle": lifecycle}))
            }
            ("deliver_events", &Method::POST) => {
                let report = delivery::deliver(&state, true).await?;
                let queued = state.db(|db, _| db.queued_events()).await?;
                Ok(json!({"delivery": report, "queued": queued}))
            }
            ("deliver_replication", &Method::POST) => {
                let report = crate::emulator::replication::deliver(&state, u32::MAX).await?;
                Ok(json!({"replication": report}))
            }
            ("stats", &Method::GET) => Ok(json!({"calls": state.faults.stats()})),
            ("now", &Method::GET) => Ok(json!({"now": state.clock.now_ms()})),
            (
                "fail_next"
                | "expire_tokens"
                | "advance_clock"
                | "run_lifecycle"
                | "deliver_events"
                | "stats"
                | "now"
                | "deliver_replication",
                _,
            ) => Err(ApiError::method_not_allowed()),
            _ => Err(ApiError::not_found(format!("no such admin endpoint: {op}"))),
        }
    }
    .await;
    respond(result).into_response()
}

fn fail_next(state: &Arc<State>, params: &Params) -> Result<Value, ApiError> {
    let count = params.opt_i64("count")?.unwrap_or(1);
    let count =
        u64::try_from(count).map_err(|_| ApiError::bad_request("count must not be negative"))?;
    let status = params.opt_i64("status")?.unwrap_or(503);
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .filter(|s| s.is_client_error() || s.is_server_error())
        .ok_or_else(|| {
            ApiError::bad_request(format!("status must be a 4xx or 5xx code: {status}"))
        })?;
    let code = params
        .opt_str("code")?
        .unwrap_or_else(|| "service_unavailable".to_string());
    let message = params
        .opt_str("message")?
        .unwrap_or_else(|| "injected failure".to_string());
    let retry_after = match params.opt_i64("retryAfterSeconds")? {
        Some(s) => Some(
            u64::try_from(s)
                .map_err(|_| ApiError::bad_request("retryAfterSeconds must not be negative"))?,
        ),
        None => None,
    };
    let endpoint = params.opt_str("endpoint")?;
    let cut_after = match params.opt_i64("cutAfterBytes")? {
        Some(n) => Some(
            u64::try_from(n)
                .map_err(|_| ApiError::bad_request("cutAfterBytes must not be negative"))?,
        ),
        None => None,
    };
    if cut_after.is_some()
        && let Some(e) = &endpoint
        && !faults::is_download(e)
    {
        return Err(ApiError::bad_request(format!(
            "cutAfterBytes applies to downloads only, not {e}"
        )));
    }
    let after = params.opt_i64("after")?.unwrap_or(0);
    let after =
        u64::try_from(after).map_err(|_| ApiError::bad_request("after must not be negative"))?;
    let error = ApiError::new(status, &code, message).with_retry_after(retry_after);
    state.faults.arm(FailNext {
        remaining: count,
        error,
        endpoint: endpoint.clone(),
        cut_after,
        after,
    });
    Ok(json!({"armed": count, "endpoint": endpoint, "cutAfterBytes": cut_after, "after": after}))
}
