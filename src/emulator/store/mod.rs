//! The one owner of emulator data: metadata in SQLite (WAL, synchronous=FULL on disk,
//! `:memory:` otherwise) behind a std mutex, and blob bytes through `Blobs`.
//! Callers run closures on a blocking thread via `Store::with`; no lock crosses an `.await`.

mod buckets;
mod created;
mod events;
mod files;
mod keys;
mod large;
mod lifecycle;
mod listing;
mod locks;
mod multipart;
mod replication;

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::Notify;

pub use buckets::{BucketRow, BucketUpdate, NewBucket};
pub use events::{AfterFailure, PendingRule};
pub use files::{Action, NewVersion, VersionRow};
pub use keys::{KeyRow, NewKey, TokenKind};
pub use large::PartRow;
pub use listing::{Entry, ListPage, ListRequest};
pub use locks::{DownloadGrant, FileLock};
pub use replication::DeliveryReport;

use crate::emulator::blobs::Blobs;
use crate::emulator::error::{ApiError, EmulatorError};
use crate::emulator::ids;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS keys (
    key_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, key_name TEXT NOT NULL,
    capabilities TEXT NOT NULL, bucket_id TEXT, name_prefix TEXT, expires_ms INTEGER,
    is_master INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, key_id TEXT NOT NULL, kind TEXT NOT NULL, target TEXT,
    expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS buckets (
    bucket_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, bucket_type TEXT NOT NULL,
    info TEXT NOT NULL, cors TEXT NOT NULL, lifecycle TEXT NOT NULL, sse TEXT NOT NULL,
    file_lock INTEGER NOT NULL, default_retention TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY, file_id TEXT NOT NULL UNIQUE, bucket_id TEXT NOT NULL,
    name TEXT NOT NULL, action TEXT NOT NULL, upload_ts INTEGER NOT NULL, size INTEGER NOT NULL,
    sha1 TEXT, md5 TEXT, content_type TEXT NOT NULL, info TEXT NOT NULL, blob TEXT,
    large INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS versions_by_name
    ON versions (bucket_id, name, upload_ts DESC, seq DESC);
CREATE INDEX IF NOT EXISTS versions_started ON versions (bucket_id, seq) WHERE action = 'start';
CREATE TABLE IF NOT EXISTS parts (
    file_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL,
    sha1 TEXT NOT NULL, md5 TEXT NOT NULL, blob TEXT NOT NULL, upload_ts INTEGER NOT NULL,
    PRIMARY KEY (file_id, part_number));
";

/// Metadata and blobs of one emulated account.
pub struct Store {
    conn: Mutex<Connection>,
    blobs: Blobs,
    account_id: String,
    master_key_id: String,
    /// Woken when a transaction queues event notifications.
    events_ready: Notify,
}

/// A transaction on the store, with the domain operations (see the submodules).
pub struct Db<'a> {
    conn: &'a Connection,
    account_id: &'a str,
    events_ready: &'a Notify,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the store; the configured master key replaces any stored one.
    pub fn open(
        data_dir: Option<&PathBuf>,
        master_key_id: &str,
        master_key: &str,
    ) -> Result<Store, EmulatorError> {
        if master_key_id.is_empty() || master_key.is_empty() {
            return Err(EmulatorError::Invalid(
                "master key id and key must not be empty".into(),
            ));
        }
        let conn = match data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                let conn = Connection::open(dir.join("meta.sqlite3"))?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "FULL")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        locks::migrate(&conn)?;
        keys::migrate(&conn)?;
        replication::migrate(&conn)?;
        created::migrate(&conn)?;
        conn.execute_batch(events::SCHEMA)?;
        let blobs = Blobs::open(data_dir.map(|d| d.as_path()))?;

        let stored: Option<String> = conn
            .query_row("SELECT v FROM meta WHERE k = 'account_id'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let account_id = match stored {
            Some(id) => id,
            None => {
                let id = ids::account_id(master_key_id);
                conn.execute("INSERT INTO meta (k, v) VALUES ('account_id', ?1)", [&id])?;
                id
            }
        };
        conn.execute(
            "DELETE FROM keys WHERE is_master = 1 AND key_id != ?1",
            [master_key_id],
        )?;
        conn.execute(
            "INSERT INTO keys (key_id, secret_hash, key_name, capabilities, is_master)
             VALUES (?1, ?2, 'master', ?3, 1)
             ON CONFLICT(key_id) DO UPDATE SET secret_hash = ?2, capabilities = ?3, is_master = 1",
            params![
                master_key_id,
                ids::secret_hash(master_key_id, master_key),
                serde_json::to_string(&crate::b2::vocabulary::ALL_CAPABILITIES).unwrap_or_default()
            ],
        )?;
        Ok(Store {
            conn: Mutex::new(conn),
            blobs,
            account_id,
            master_key_id: master_key_id.to_string(),
            events_ready: Notify::new(),
        })
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn master_key_id(&self) -> &str {
        &self.master_key_id
    }

    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }

    /// Notified (possibly before the commit) when a transaction queues events; the
    /// delivery task waits on it.
    pub fn events_ready(&self) -> &Notify {
        &self.events_ready
    }

    /// Runs `f` in one transaction, committed only if `f` succeeds. Blocking: call it
    /// from `spawn_blocking` (or from seeding code that is not on the async runtime).
    pub fn with<T>(&self, f: impl FnOnce(&Db) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| ApiError::internal("store lock poisoned"))?;
        let tx = guard.transaction()?;
        let db = Db {
            conn: &tx,
            account_id: &self.account_id,
            events_ready: &self.events_ready,
        };
        let out = f(&db)?;
        tx.commit()?;
        Ok(out)
    }
}

impl Db<'_> {
    pub fn account_id(&self) -> &str {
        self.account_id
    }

    /// Reserves `n` consecutive values of the named counter and returns the first.
    pub fn reserve(&self, name: &str, n: u64) -> Result<u64, ApiError> {
        let n = i64::try_from(n).map_err(|_| ApiError::internal("counter overflow"))?;
        let last: i64 = self.conn.query_row(
            "INSERT INTO counters (name, value) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET value = value + ?2 RETURNING value",
            params![name, n],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(last - n + 1).unwrap_or(0))
    }
}

fn json_text(value: &serde_json::Value) -> String {
    value.to_string()
}

fn parse_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}
