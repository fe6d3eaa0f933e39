//! Bucket settings commands: load, create, update (a 409 `conflict` reloads the bucket so
//! the app can show what changed), count what a delete would leave, lifecycle simulation
//! over the paged version listing, and share links. HTTP stays in `b2`.

use std::time::{SystemTime, UNIX_EPOCH};

use futures::TryStreamExt;
use tokio::sync::mpsc::UnboundedSender;

mod rules;
pub use rules::LockChange;

use super::listing::PAGE_SIZE;
use super::{RequestId, WorkerEvent};
use crate::b2::buckets::{BucketSettings, CreateBucketRequest, LockedVersion, UpdateBucketRequest};
use crate::b2::notifications::NotificationRule;
use crate::b2::{
    B2Client, B2Error, BucketId, FileAction, FileId, LifecycleRule, ListFileVersionsRequest,
};
use crate::b2::{ListFileNamesRequest, encode, paginate};
use crate::lifecycle_sim::{self, EntryKind, SimEntry, SimReport};

/// A settings request to the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingsCommand {
    /// Read the whole bucket object (revision, rules, encryption, Object Lock).
    LoadBucket {
        req: RequestId,
        bucket: BucketId,
    },
    /// `b2_update_bucket`; on 409 the bucket is read again and reported as a conflict.
    UpdateBucket {
        req: RequestId,
        update: UpdateBucketRequest,
    },
    CreateBucket {
        req: RequestId,
        create: CreateBucketRequest,
    },
    /// Count what the bucket still holds (before a delete).
    InspectBucket {
        req: RequestId,
        bucket: BucketId,
    },
    DeleteBucket {
        req: RequestId,
        bucket: BucketId,
    },
    /// Run `rules` over the bucket's current versions for `days` daily passes after `now`
    /// (None = the worker's clock).
    SimulateLifecycle {
        req: RequestId,
        bucket: BucketId,
        rules: Vec<LifecycleRule>,
        days: u32,
        now: Option<i64>,
    },
    /// A link to `prefix` (a file name or folder prefix) valid for `valid_seconds`;
    /// public buckets get the plain URL.
    ShareLink {
        req: RequestId,
        bucket: BucketId,
        bucket_name: String,
        prefix: String,
        is_folder: bool,
        is_public: bool,
        valid_seconds: u32,
    },
    /// `b2_get_bucket_notification_rules`.
    LoadNotificationRules {
        req: RequestId,
        bucket: BucketId,
    },
    /// `b2_set_bucket_notification_rules` (replaces all); the rule named by
    /// `generate_secret_for` gets a new signing secret first.
    SetNotificationRules {
        req: RequestId,
        bucket: BucketId,
        rules: Vec<NotificationRule>,
        generate_secret_for: Option<String>,
    },
    /// Read one version's retention and legal hold.
    LoadVersionLock {
        req: RequestId,
        file_id: FileId,
    },
    /// Change one version's retention or legal hold, then read it again.
    ChangeVersionLock {
        req: RequestId,
        file_id: FileId,
        file_name: String,
        change: LockChange,
    },
}

impl SettingsCommand {
    /// The request this command answers to.
    pub fn req(&self) -> RequestId {
        match self {
            Self::LoadBucket { req, .. }
            | Self::UpdateBucket { req, .. }
            | Self::CreateBucket { req, .. }
            | Self::InspectBucket { req, .. }
            | Self::DeleteBucket { req, .. }
            | Self::SimulateLifecycle { req, .. }
            | Self::ShareLink { req, .. }
            | Self::LoadNotificationRules { req, .. }
            | Self::SetNotificationRules { req, .. }
            | Self::LoadVersionLock { req, .. }
            | Self::ChangeVersionLock { req, .. } => *req,
        }
    }
}

/// What a bucket still holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BucketContents {
    pub versions: usize,
    pub hide_markers: usize,
    pub unfinished: usize,
}

impl BucketContents {
    /// True when `b2_delete_bucket` would succeed.
    pub fn is_empty(&self) -> bool {
        self.versions == 0 && self.hide_markers == 0 && self.unfinished == 0
    }
}

/// A ready share link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareLink {
    /// A link that opens: the file's, or for a folder the link of its first file (B2
    /// authorizes a name prefix, and `/file/<bucket>/<prefix>` itself is no page: 404).
    pub url: String,
    /// For a folder: every file's link, with `{name}` where the rest of its name goes.
    pub pattern: Option<String>,
    /// What it opens: the file name or folder prefix.
    pub prefix: String,
    pub is_folder: bool,
    /// Expiry (ms); None for a public bucket's plain URL.
    pub valid_until: Option<i64>,
}

/// What the worker reports about settings.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingsEvent {
    BucketLoaded {
        req: RequestId,
        bucket: BucketSettings,
    },
    BucketUpdated {
        req: RequestId,
        bucket: BucketSettings,
    },
    /// The update was refused with 409: someone else changed the bucket; `current` is the
    /// bucket as stored now.
    BucketConflict {
        req: RequestId,
        current: BucketSettings,
    },
    BucketCreated {
        req: RequestId,
        bucket: BucketSettings,
    },
    BucketInspected {
        req: RequestId,
        contents: BucketContents,
    },
    BucketDeleted {
        req: RequestId,
        bucket_name: String,
    },
    /// Versions read so far by a simulation.
    SimulationProgressed {
        req: RequestId,
        scanned: usize,
    },
    SimulationFinished {
        req: RequestId,
        report: SimReport,
    },
    ShareLinkReady {
        req: RequestId,
        link: ShareLink,
    },
    NotificationRulesLoaded {
        req: RequestId,
        rules: Vec<NotificationRule>,
    },
    /// The rules as B2 stored them; `generated` is (rule name, new signing secret).
    NotificationRulesSaved {
        req: RequestId,
        rules: Vec<NotificationRule>,
        generated: Option<(String, String)>,
    },
    /// A version's lock state (after a change, as stored).
    VersionLockLoaded {
        req: RequestId,
        version: Box<LockedVersion>,
        changed: bool,
    },
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn send(tx: &UnboundedSender<WorkerEvent>, ev: SettingsEvent) {
    let _ = tx.send(WorkerEvent::Settings(Box::new(ev)));
}

/// Runs one settings command, reporting through `tx`.
pub async fn execute(client: &B2Client, cmd: SettingsCommand, tx: &UnboundedSender<WorkerEvent>) {
    let req = cmd.req();
    let result = run(client, cmd, tx).await;
    match result {
        Ok(Some(ev)) => send(tx, ev),
        Ok(None) => {}
        Err(e) => {
            let _ = tx.send(WorkerEvent::failed(req, &e));
        }
    }
}

async fn run(
    client: &B2Client,
    cmd: SettingsCommand,
    tx: &UnboundedSender<WorkerEvent>,
) -> Result<Option<SettingsEvent>, B2Error> {
    Ok(Some(match cmd {
        SettingsCommand::LoadBucket { req, bucket } => SettingsEvent::BucketLoaded {
            req,
            bucket: client.get_bucket(&bucket).await?,
        },
        SettingsCommand::UpdateBucket { req, update } => {
            match client.update_bucket(&update).await {
                Ok(bucket) => SettingsEvent::BucketUpdated { req, bucket },
                // b2_update_bucket: 409 conflict = ifRevisionIs is stale; never retry it.
                Err(e) if e.status() == Some(409) => SettingsEvent::BucketConflict {
                    req,
                    current: client.get_bucket(&update.bucket_id).await?,
                },
                Err(e) => return Err(e),
            }
        }
        SettingsCommand::CreateBucket { req, create } => SettingsEvent::BucketCreated {
            req,
            bucket: client.create_bucket(&create).await?,
        },
        SettingsCommand::InspectBucket { req, bucket } => SettingsEvent::BucketInspected {
            req,
            contents: inspect(client, &bucket).await?,
        },
        SettingsCommand::DeleteBucket { req, bucket } => SettingsEvent::BucketDeleted {
            req,
            bucket_name: client.delete_bucket(&bucket).await?.bucket.bucket_name,
        },
        SettingsCommand::SimulateLifecycle {
            req,
            bucket,
            rules,
            days,
            now,
        } => {
            let entries = sim_entries(client, req, &bucket, tx).await?;
            let now = now.unwrap_or_else(now_ms);
            SettingsEvent::SimulationFinished {
                req,
                report: lifecycle_sim::simulate(&rules, &entries, now, days),
            }
        }
        SettingsCommand::ShareLink {
            req,
            bucket,
            bucket_name,
            prefix,
            is_folder,
            is_public,
            valid_seconds,
        } => {
            let base = format!(
                "{}/file/{}/",
                client.session().download_url,
                encode::encode_value(&bucket_name)
            );
            let (query, valid_until) = if is_public {
                (String::new(), None)
            } else {
                let started = now_ms();
                let auth = client
                    .get_download_authorization(&bucket, &prefix, valid_seconds)
                    .await?;
                let query = format!(
                    "?Authorization={}",
                    encode::encode_value(&auth.authorization_token)
                );
                (query, Some(started + i64::from(valid_seconds) * 1000))
            };
            let link_to = |name: &str| format!("{base}{}{query}", encode::encode_name(name));
            let (url, pattern) = if is_folder {
                // The first file under the prefix makes an example that opens.
                let first = first_file_under(client, &bucket, &prefix).await?;
                let url = link_to(first.as_deref().unwrap_or(&prefix));
                let pattern = format!("{base}{}{{name}}{query}", encode::encode_name(&prefix));
                (url, Some(pattern))
            } else {
                (link_to(&prefix), None)
            };
            let link = ShareLink {
                url,
                pattern,
                prefix,
                is_folder,
                valid_until,
            };
            SettingsEvent::ShareLinkReady { req, link }
        }
        SettingsCommand::LoadNotificationRules { req, bucket } => {
            SettingsEvent::NotificationRulesLoaded {
                req,
                rules: client.get_bucket_notification_rules(&bucket).await?,
            }
        }
        SettingsCommand::SetNotificationRules {
            req,
            bucket,
            rules,
            generate_secret_for,
        } => {
            let (rules, generated) =
                rules::set_rules(client, &bucket, rules, generate_secret_for).await?;
            SettingsEvent::NotificationRulesSaved {
                req,
                rules,
                generated,
            }
        }
        SettingsCommand::LoadVersionLock { req, file_id } => SettingsEvent::VersionLockLoaded {
            req,
            version: Box::new(client.get_locked_file_info(&file_id).await?),
            changed: false,
        },
        SettingsCommand::ChangeVersionLock {
            req,
            file_id,
            file_name,
            change,
        } => SettingsEvent::VersionLockLoaded {
            req,
            version: Box::new(rules::change_lock(client, &file_id, &file_name, change).await?),
            changed: true,
        },
    }))
}

/// Pages through every version and unfinished large file of a bucket.
async fn inspect(client: &B2Client, bucket: &BucketId) -> Result<BucketContents, B2Error> {
    let mut contents = BucketContents::default();
    let mut pages = std::pin::pin!(paginate::file_versions(
        client.clone(),
        versions_request(bucket)
    ));
    while let Some(page) = pages.try_next().await? {
        for v in &page.items {
            match v.action {
                FileAction::Hide => contents.hide_markers += 1,
                FileAction::Start | FileAction::Folder => {}
                _ => contents.versions += 1,
            }
        }
    }
    contents.unfinished = unfinished(client, bucket).await?.len();
    Ok(contents)
}

fn versions_request(bucket: &BucketId) -> ListFileVersionsRequest {
    ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(PAGE_SIZE),
        ..ListFileVersionsRequest::default()
    }
}

async fn unfinished(
    client: &B2Client,
    bucket: &BucketId,
) -> Result<Vec<crate::b2::FileVersion>, B2Error> {
    paginate::unfinished_large_files(client.clone(), bucket.clone(), None)
        .map_ok(|page| page.items)
        .try_concat()
        .await
}

/// The bucket as the simulation sees it: versions with their lock state (listing order),
/// and unfinished large files. Reports progress once per page.
async fn sim_entries(
    client: &B2Client,
    req: RequestId,
    bucket: &BucketId,
    tx: &UnboundedSender<WorkerEvent>,
) -> Result<Vec<SimEntry>, B2Error> {
    let mut entries = Vec::new();
    let mut pages = std::pin::pin!(paginate::locked_versions(
        client.clone(),
        versions_request(bucket)
    ));
    while let Some(page) = pages.try_next().await? {
        for v in &page.items {
            let kind = match v.version.action {
                FileAction::Hide => EntryKind::Hide,
                FileAction::Start | FileAction::Folder => continue,
                _ => EntryKind::Upload,
            };
            entries.push(SimEntry {
                name: v.version.file_name.clone(),
                file_id: v.version.file_id.clone().unwrap_or_default().0,
                kind,
                timestamp: v.version.upload_timestamp,
                size: v.version.content_length,
                retain_until: v.retain_until(),
                legal_hold: v.is_held(),
            });
        }
        send(
            tx,
            SettingsEvent::SimulationProgressed {
                req,
                scanned: entries.len(),
            },
        );
    }
    for f in unfinished(client, bucket).await? {
        entries.push(SimEntry {
            name: f.file_name,
            file_id: f.file_id.unwrap_or_default().0,
            kind: EntryKind::Unfinished,
            timestamp: f.upload_timestamp,
            size: f.content_length,
            retain_until: None,
            legal_hold: false,
        });
    }
    // Listing order (name, then newest first) for the simulation's grouping.
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// The first file name under `prefix` (one `b2_list_file_names` call), if any.
async fn first_file_under(
    client: &B2Client,
    bucket: &BucketId,
    prefix: &str,
) -> Result<Option<String>, B2Error> {
    let request = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        start_file_name: None,
        max_file_count: Some(1),
        prefix: Some(prefix.to_owned()),
        delimiter: None,
    };
    let page = client.list_file_names(&request).await?;
    Ok(page.files.into_iter().next().map(|f| f.file_name))
}
