//! Fault injection and call statistics: admin-armed `fail_next` errors, the
//! `X-Bz-Test-Mode` switches (deterministic: every 2nd matching request fails), and
//! random 429/503 at the configured rates. Checked once per call, before the handler runs.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use axum::http::StatusCode;

use crate::emulator::Faults;
use crate::emulator::error::ApiError;

const UPLOAD_ENDPOINTS: [&str; 2] = ["b2_upload_file", "b2_upload_part"];
const DOWNLOAD_ENDPOINTS: [&str; 2] = ["b2_download_file_by_name", "b2_download_file_by_id"];

/// An armed `fail_next` rule.
#[derive(Debug, Clone)]
pub struct FailNext {
    pub remaining: u64,
    pub error: ApiError,
    pub endpoint: Option<String>,
    /// Downloads only: send the head and this many body bytes, then drop the connection
    /// (instead of answering with `error`).
    pub cut_after: Option<u64>,
    /// Matching calls answered normally before the rule applies (the second page of a
    /// listing, say).
    pub after: u64,
}

/// What happens to a call instead of (or on top of) its normal answer.
#[derive(Debug, Clone)]
pub enum Injected {
    Fail(ApiError),
    /// Run the download, but cut its body after this many bytes.
    Cut(u64),
}

#[derive(Debug, Default)]
pub struct FaultState {
    random: Faults,
    fail_next: Mutex<VecDeque<FailNext>>,
    calls: Mutex<BTreeMap<String, u64>>,
    test_mode_seen: Mutex<HashMap<String, u64>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub fn is_upload(endpoint: &str) -> bool {
    UPLOAD_ENDPOINTS.contains(&endpoint)
}

pub fn is_download(endpoint: &str) -> bool {
    DOWNLOAD_ENDPOINTS.contains(&endpoint)
}

impl FaultState {
    pub fn new(random: Faults) -> FaultState {
        FaultState {
            random,
            ..FaultState::default()
        }
    }

    pub fn arm(&self, rule: FailNext) {
        if rule.remaining > 0 {
            lock(&self.fail_next).push_back(rule);
        }
    }

    pub fn stats(&self) -> BTreeMap<String, u64> {
        lock(&self.calls).clone()
    }

    /// Counts the call, then decides whether it fails before reaching its handler (or,
    /// for a download, whether its body is cut).
    pub fn on_call(&self, endpoint: &str, test_mode: Option<&str>) -> Option<Injected> {
        *lock(&self.calls).entry(endpoint.to_string()).or_default() += 1;
        if let Some(injected) = self.take_fail_next(endpoint) {
            return Some(injected);
        }
        if let Some(err) = test_mode.and_then(|mode| self.test_mode(endpoint, mode)) {
            return Some(Injected::Fail(err));
        }
        self.random_fault().map(Injected::Fail)
    }

    fn take_fail_next(&self, endpoint: &str) -> Option<Injected> {
        let mut rules = lock(&self.fail_next);
        let index = rules.iter().position(|r| {
            r.endpoint.as_deref().is_none_or(|e| e == endpoint)
                && (r.cut_after.is_none() || is_download(endpoint))
        })?;
        let rule = rules.get_mut(index)?;
        if rule.after > 0 {
            rule.after -= 1;
            return None;
        }
        rule.remaining -= 1;
        let injected = match rule.cut_after {
            Some(bytes) => Injected::Cut(bytes),
            None => Injected::Fail(rule.error.clone()),
        };
        if rule.remaining == 0 {
            rules.remove(index);
        }
        Some(injected)
    }

    /// `X-Bz-Test-Mode`: counts matching requests per mode; every 2nd one fails.
    fn test_mode(&self, endpoint: &str, mode: &str) -> Option<ApiError> {
        let upload = is_upload(endpoint);
        let applies = match mode {
            "fail_some_uploads" => upload,
            "expire_some_account_authorization_tokens" => {
                !upload && endpoint != "b2_authorize_account"
            }
            "force_cap_exceeded" => true,
            _ => false,
        };
        if !applies {
            return None;
        }
        let nth = {
            let mut seen = lock(&self.test_mode_seen);
            let n = seen.entry(mode.to_string()).or_default();
            *n += 1;
            *n
        };
        match mode {
            "force_cap_exceeded" if upload => Some(ApiError::new(
                StatusCode::FORBIDDEN,
                "storage_cap_exceeded",
                "Cannot upload files, storage cap exceeded.",
            )),
            "force_cap_exceeded" => Some(ApiError::new(
                StatusCode::FORBIDDEN,
                "transaction_cap_exceeded",
                "Transaction cap exceeded.",
            )),
            _ if nth % 2 == 1 => None,
            "fail_some_uploads" => Some(ApiError::service_unavailable(
                "service unavailable (fail_some_uploads)",
            )),
            _ => Some(ApiError::expired_auth_token()),
        }
    }

    fn random_fault(&self) -> Option<ApiError> {
        let Faults {
            rate_429,
            retry_after_secs,
            rate_503,
        } = self.random;
        if rate_429 > 0.0 && rand::random::<f64>() < rate_429 {
            return Some(
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    "too many requests",
                )
                .with_retry_after(Some(retry_after_secs)),
            );
        }
        if rate_503 > 0.0 && rand::random::<f64>() < rate_503 {
            return Some(ApiError::service_unavailable(
                "service unavailable (injected)",
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_next_counts_down_per_endpoint() {
        let faults = FaultState::default();
        faults.arm(FailNext {
            remaining: 2,
            error: ApiError::service_unavailable("x"),
            endpoint: Some("b2_list_buckets".into()),
            cut_after: None,
            after: 0,
        });
        assert!(faults.on_call("b2_list_file_names", None).is_none());
        assert!(faults.on_call("b2_list_buckets", None).is_some());
        assert!(faults.on_call("b2_list_buckets", None).is_some());
        assert!(faults.on_call("b2_list_buckets", None).is_none());
        assert_eq!(faults.stats().get("b2_list_buckets"), Some(&3));
    }

    #[test]
    fn fail_next_can_let_calls_through_first() {
        let faults = FaultState::default();
        faults.arm(FailNext {
            remaining: 1,
            error: ApiError::service_unavailable("x"),
            endpoint: Some("b2_list_file_names".into()),
            cut_after: None,
            after: 2,
        });
        assert!(faults.on_call("b2_list_file_names", None).is_none());
        assert!(faults.on_call("b2_list_buckets", None).is_none());
        assert!(faults.on_call("b2_list_file_names", None).is_none());
        assert!(faults.on_call("b2_list_file_names", None).is_some());
        assert!(faults.on_call("b2_list_file_names", None).is_none());
    }

    #[test]
    fn cuts_apply_to_downloads_only() {
        let faults = FaultState::default();
        faults.arm(FailNext {
            remaining: 1,
            error: ApiError::service_unavailable("x"),
            endpoint: None,
            cut_after: Some(10),
            after: 0,
        });
        assert!(faults.on_call("b2_list_buckets", None).is_none());
        assert!(matches!(
            faults.on_call("b2_download_file_by_id", None),
            Some(Injected::Cut(10))
        ));
        assert!(faults.on_call("b2_download_file_by_name", None).is_none());
    }

    #[test]
    fn test_mode_every_second_upload_fails() {
        let faults = FaultState::default();
        let outcomes: Vec<bool> = (0..4)
            .map(|_| {
                faults
                    .on_call("b2_upload_file", Some("fail_some_uploads"))
                    .is_some()
            })
            .collect();
        assert_eq!(outcomes, vec![false, true, false, true]);
        assert!(
            faults
                .on_call("b2_list_buckets", Some("fail_some_uploads"))
                .is_none()
        );
    }
}
