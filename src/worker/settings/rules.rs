//! Settings commands beyond the bucket object: event notification rules (with a signing
//! secret generated here, never in `update`) and Object Lock on one version.

use crate::b2::buckets::{FileRetention, LockedVersion};
use crate::b2::notifications::{NotificationRule, signing_secret};
use crate::b2::{B2Client, B2Error, BucketId, FileId};

/// 32 alphanumerics from the thread's random source.
fn new_secret() -> String {
    signing_secret(std::iter::repeat_with(rand::random::<u8>)).unwrap_or_default()
}

/// Sets `rules`; when `generate_for` names a rule, it first gets a new signing secret,
/// returned with the rule name.
pub async fn set_rules(
    client: &B2Client,
    bucket: &BucketId,
    mut rules: Vec<NotificationRule>,
    generate_for: Option<String>,
) -> Result<(Vec<NotificationRule>, Option<(String, String)>), B2Error> {
    let mut generated = None;
    if let Some(name) = generate_for
        && let Some(rule) = rules.iter_mut().find(|r| r.name == name)
    {
        let secret = new_secret();
        rule.target_configuration.hmac_sha256_signing_secret = Some(secret.clone());
        generated = Some((name, secret));
    }
    let stored = client.set_bucket_notification_rules(bucket, &rules).await?;
    Ok((stored, generated))
}

/// What to change on a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockChange {
    LegalHold(bool),
    Retention {
        retention: FileRetention,
        bypass_governance: bool,
    },
}

/// Applies `change`, then reads the version again so the view shows what B2 stored.
pub async fn change_lock(
    client: &B2Client,
    file_id: &FileId,
    file_name: &str,
    change: LockChange,
) -> Result<LockedVersion, B2Error> {
    match change {
        LockChange::LegalHold(on) => {
            client
                .update_file_legal_hold(file_id, file_name, on)
                .await?;
        }
        LockChange::Retention {
            retention,
            bypass_governance,
        } => {
            client
                .update_file_retention(file_id, file_name, &retention, bypass_governance)
                .await?;
        }
    }
    client.get_locked_file_info(file_id).await
}
