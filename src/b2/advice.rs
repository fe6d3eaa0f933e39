//! What to do about a refusal: B2's error code (and the call it answered) mapped to advice
//! in words, and the capability each call needs (B2_API.md §2.0, §8). Data only; the app's
//! error dialogs and the command line's error lines both word refusals from here.

/// Each B2 call and the capability it needs (§2.0). `None`: no capability (the key itself
/// or an upload or part token authorizes it).
const CALLS: [(&str, Option<&str>); 32] = [
    ("b2_authorize_account", None),
    ("b2_create_bucket", Some("writeBuckets")),
    ("b2_list_buckets", Some("listBuckets")),
    ("b2_update_bucket", Some("writeBuckets")),
    ("b2_delete_bucket", Some("deleteBuckets")),
    ("b2_get_upload_url", Some("writeFiles")),
    ("b2_upload_file", None),
    ("b2_list_file_names", Some("listFiles")),
    ("b2_list_file_versions", Some("listFiles")),
    ("b2_get_file_info", Some("readFiles")),
    ("b2_download_file_by_id", Some("readFiles")),
    ("b2_download_file_by_name", Some("readFiles")),
    ("b2_copy_file", Some("writeFiles")),
    ("b2_copy_part", Some("writeFiles")),
    ("b2_hide_file", Some("writeFiles")),
    ("b2_delete_file_version", Some("deleteFiles")),
    ("b2_start_large_file", Some("writeFiles")),
    ("b2_get_upload_part_url", Some("writeFiles")),
    ("b2_upload_part", None),
    ("b2_finish_large_file", Some("writeFiles")),
    ("b2_cancel_large_file", Some("writeFiles")),
    ("b2_list_parts", Some("writeFiles")),
    ("b2_list_unfinished_large_files", Some("listFiles")),
    ("b2_create_key", Some("writeKeys")),
    ("b2_list_keys", Some("listKeys")),
    ("b2_delete_key", Some("deleteKeys")),
    ("b2_get_download_authorization", Some("shareFiles")),
    ("b2_update_file_retention", Some("writeFileRetentions")),
    ("b2_update_file_legal_hold", Some("writeFileLegalHolds")),
    (
        "b2_get_bucket_notification_rules",
        Some("readBucketNotifications"),
    ),
    (
        "b2_set_bucket_notification_rules",
        Some("writeBucketNotifications"),
    ),
    // Not JSON calls: a download by name is `GET /file/BUCKET/NAME`.
    ("download", Some("readFiles")),
];

/// The call a request URL's path names: its last segment for `/b2api/vN/b2_*` (uploads
/// carry more segments), `download` for `/file/...`. Only calls B2 defines.
pub fn call_of_path(path: &str) -> Option<&'static str> {
    if path.starts_with("/file/") {
        return Some("download");
    }
    let rest = path.strip_prefix("/b2api/")?;
    let (_version, rest) = rest.split_once('/')?;
    let name = rest.split('/').next()?;
    CALLS.iter().map(|(c, _)| *c).find(|c| *c == name)
}

/// The capability `call` (`b2_list_file_names`) needs, if any.
pub fn capability(call: &str) -> Option<&'static str> {
    CALLS
        .iter()
        .find(|(c, _)| *c == call)
        .and_then(|(_, cap)| *cap)
}

/// What the user can do about B2's `code` answered to `call` (when known); `message` is
/// B2's own, quoted where it names the problem. None when there is nothing to add.
pub fn advice(call: Option<&str>, code: &str, message: &str) -> Option<String> {
    let quoted = if message.is_empty() {
        String::new()
    } else {
        format!(" (B2 says: {message})")
    };
    let text = match code {
        "bad_request" | "bad_json" | "out_of_range" | "invalid_file_id" => format!(
            "B2 rejected a field of the request{quoted}; fix the field it names and try again."
        ),
        "invalid_bucket_id" | "bad_bucket_id" => {
            "The bucket no longer exists or its id is wrong; refresh the bucket list.".into()
        }
        "file_not_present" | "no_such_file" | "not_found" => {
            "The file or version is gone (deleted or hidden elsewhere?); refresh the listing."
                .into()
        }
        "not_hidden" => "The file is not hidden; nothing to unhide.".into(),
        "already_hidden" => "The file is already hidden.".into(),
        "duplicate_bucket_name" => {
            "Bucket names are unique across all of B2, not only this account; pick another name."
                .into()
        }
        "too_many_buckets" => {
            "The account has as many buckets as B2 allows; delete one first.".into()
        }
        "cannot_delete_non_empty_bucket" => {
            "Only an empty bucket can be deleted: delete every file version and unfinished \
             large file in it first."
                .into()
        }
        "unauthorized" => unauthorized(call),
        "unsupported" => {
            "This key cannot be used with this version of the B2 API (a key for several \
             buckets needs API v4)."
                .into()
        }
        "bad_auth_token" | "expired_auth_token" => {
            "The authorization is no longer valid even after b2tui authorized again: the \
             application key was probably deleted or has expired. Use a valid key."
                .into()
        }
        "access_denied" if call == Some("b2_delete_file_version") => unauthorized(call),
        "access_denied" => {
            "B2 denied the change: the file may be under Object Lock (retention or legal \
             hold), or the encryption key (SSE-C) is wrong."
                .into()
        }
        "cap_exceeded" | "transaction_cap_exceeded" => {
            "The account reached its daily transaction cap: raise it under Caps & Alerts in \
             the Backblaze web console, or wait until the cap resets (00:00 UTC)."
                .into()
        }
        "storage_cap_exceeded" => {
            "The account reached its storage cap: raise it under Caps & Alerts in the \
             Backblaze web console, or delete data."
                .into()
        }
        "download_cap_exceeded" => {
            "The account reached its daily download cap: raise it under Caps & Alerts in the \
             Backblaze web console, or wait until the cap resets (00:00 UTC)."
                .into()
        }
        "too_many_requests" => {
            "B2 is limiting the request rate; b2tui already backed off and retried. Wait a \
             little, use fewer parallel transfers, then try again."
                .into()
        }
        "service_unavailable" | "internal_error" | "request_timeout" => {
            "B2 had a temporary problem and b2tui's retries with backoff did not get \
             through. Try again in a few minutes."
                .into()
        }
        "conflict" => {
            "The bucket changed since b2tui read it (another client updated it); reload it \
             and make the change again."
                .into()
        }
        "range_not_satisfiable" => {
            "The byte range asked for is outside the file (it may have changed); download it \
             again from the start."
                .into()
        }
        "method_not_allowed" => {
            "The server does not accept this request; the endpoint may not be a B2 API.".into()
        }
        "source_too_large" => {
            "A copy larger than 5 GB cannot be done in one call; download and upload it \
             instead."
                .into()
        }
        "auth_token_limit" => {
            "Too many uploads used one upload URL at once; try again (b2tui takes a fresh \
             upload URL)."
                .into()
        }
        "missing_part" | "part_sha1_mismatch" => {
            "A part of the large file is missing or damaged; upload the file again.".into()
        }
        "file_lock_conflict" | "source_replication_conflict" | "restricted_bucket_conflict" => {
            format!("The bucket's Object Lock or replication settings forbid this{quoted}.")
        }
        "email_not_verified" | "no_payment_history" => {
            "Replication needs a verified email address and a payment history on the account."
                .into()
        }
        _ => return None,
    };
    Some(text)
}

/// `unauthorized`: a wrong key at authorization; else a missing capability (named when the
/// call is known) or a bucket or name-prefix restriction.
fn unauthorized(call: Option<&str>) -> String {
    match call {
        Some("b2_authorize_account") => {
            "The application key id or key is wrong, or the key was deleted.".into()
        }
        Some("b2_delete_file_version") => {
            "The version may be under Object Lock retention or a legal hold, or the \
             application key lacks deleteFiles (bypassGovernance for governance retention) or \
             is restricted to another bucket or name prefix."
                .into()
        }
        Some(call) => match capability(call) {
            Some(cap) => format!(
                "The application key lacks the {cap} capability that {call} needs, or is \
                 restricted to another bucket or name prefix. Grant {cap} (create a key \
                 that has it) or use a key that allows this."
            ),
            None => format!(
                "The application key may not do {call} here: it may be restricted to another \
                 bucket or name prefix."
            ),
        },
        None => "The application key lacks a capability this needs, or is restricted to \
                 another bucket or name prefix. Use a key that allows it."
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_capability_a_call_needs() {
        assert_eq!(capability("b2_list_file_names"), Some("listFiles"));
        assert_eq!(capability("b2_delete_file_version"), Some("deleteFiles"));
        assert_eq!(capability("b2_list_keys"), Some("listKeys"));
        assert_eq!(capability("b2_upload_part"), None);
        assert_eq!(capability("b2_no_such_call"), None);
        let a = advice(Some("b2_list_file_names"), "unauthorized", "").unwrap();
        assert!(a.contains("lacks the listFiles capability that b2_list_file_names needs"));
        let a = advice(Some("b2_delete_file_version"), "unauthorized", "").unwrap();
        assert!(
            a.contains("Object Lock retention") && a.contains("deleteFiles"),
            "{a}"
        );
        assert!(a.contains("bypassGovernance"), "{a}");
        let a = advice(Some("b2_authorize_account"), "unauthorized", "").unwrap();
        assert!(a.contains("key id or key is wrong"), "{a}");
        assert!(
            advice(None, "unauthorized", "")
                .unwrap()
                .contains("capability")
        );
    }

    #[test]
    fn words_each_family_of_codes() {
        let a = advice(None, "bad_request", "fileName too long").unwrap();
        assert!(
            a.contains("fileName too long") && a.contains("fix the field"),
            "{a}"
        );
        for (code, word) in [
            ("expired_auth_token", "deleted or has expired"),
            ("too_many_requests", "backed off"),
            ("service_unavailable", "Try again"),
            ("transaction_cap_exceeded", "Caps & Alerts"),
            ("cap_exceeded", "transaction cap"),
            ("storage_cap_exceeded", "storage cap"),
            ("download_cap_exceeded", "download cap"),
            ("duplicate_bucket_name", "unique across all of B2"),
            ("file_not_present", "gone"),
            ("not_found", "gone"),
            ("access_denied", "Object Lock"),
            ("conflict", "changed since"),
            ("range_not_satisfiable", "outside the file"),
        ] {
            let a = advice(None, code, "").unwrap_or_default();
            assert!(a.contains(word), "{code}: {a}");
        }
        assert_eq!(advice(None, "something_new", "m"), None);
    }

    #[test]
    fn reads_the_call_from_a_path() {
        assert_eq!(
            call_of_path("/b2api/v3/b2_list_file_names"),
            Some("b2_list_file_names")
        );
        assert_eq!(
            call_of_path("/b2api/v3/b2_upload_file/4a48/c001"),
            Some("b2_upload_file")
        );
        assert_eq!(call_of_path("/file/bucket/a/b.txt"), Some("download"));
        assert_eq!(call_of_path("/"), None);
        assert_eq!(call_of_path("/b2api/v3/b2_made_up"), None);
    }
}
