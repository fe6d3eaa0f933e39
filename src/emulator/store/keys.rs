//! Application keys (secrets kept only as hashes) and the tokens issued for them.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Db;
use crate::emulator::error::ApiError;
use crate::emulator::ids;

#[derive(Debug, Clone, PartialEq)]
pub struct KeyRow {
    pub key_id: String,
    pub key_name: String,
    pub capabilities: Vec<String>,
    /// Buckets the key is restricted to (None: every bucket; never empty).
    pub buckets: Option<Vec<String>>,
    pub name_prefix: Option<String>,
    pub expires_ms: Option<i64>,
    pub is_master: bool,
}

impl KeyRow {
    pub fn has(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }

    /// Whether the key may touch `bucket_id`.
    pub fn allows_bucket(&self, bucket_id: &str) -> bool {
        self.buckets
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id == bucket_id))
    }

    /// The bucket of a key restricted to exactly one bucket (the v1–v3 `bucketId`).
    pub fn single_bucket(&self) -> Option<&str> {
        match self.buckets.as_deref() {
            Some([only]) => Some(only.as_str()),
            _ => None,
        }
    }

    /// Restricted to two or more buckets: only representable in v4.
    pub fn is_multi_bucket(&self) -> bool {
        self.buckets.as_ref().is_some_and(|ids| ids.len() > 1)
    }
}

#[derive(Debug, Clone)]
pub struct NewKey {
    pub key_name: String,
    pub capabilities: Vec<String>,
    /// None: every bucket; otherwise one or more bucket ids.
    pub buckets: Option<Vec<String>>,
    pub name_prefix: Option<String>,
    pub expires_ms: Option<i64>,
}

/// What a token was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    Account,
    /// Upload URL of a bucket.
    Upload(String),
    /// Part upload URL of a large file.
    Part(String),
    /// Download authorization of a bucket (b2_get_download_authorization).
    Download(String),
}

impl TokenKind {
    fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            TokenKind::Account => ("acct", None),
            TokenKind::Upload(bucket) => ("upload", Some(bucket)),
            TokenKind::Part(file) => ("part", Some(file)),
            TokenKind::Download(bucket) => ("download", Some(bucket)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub token: String,
    pub kind: TokenKind,
    pub expires_ms: i64,
}

const KEY_COLUMNS: &str =
    "key_id, key_name, capabilities, bucket_id, name_prefix, expires_ms, is_master, bucket_ids";

/// Adds `bucket_ids` (JSON array, set for every restricted key) to stores made before
/// multi-bucket keys; there `bucket_id` alone holds a single-bucket restriction.
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let has: bool = conn.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('keys') WHERE name = 'bucket_ids'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has {
        conn.execute_batch("ALTER TABLE keys ADD COLUMN bucket_ids TEXT;")?;
    }
    let has_signing: bool = conn.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('keys') WHERE name = 's3_secret'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has_signing {
        conn.execute_batch("ALTER TABLE keys ADD COLUMN s3_secret TEXT;")?;
    }
    Ok(())
}

/// Reads the 8 key columns starting at `at` (in `KEY_COLUMNS` order).
fn key_at(row: &Row, at: usize) -> rusqlite::Result<KeyRow> {
    let caps: String = row.get(at + 2)?;
    let single: Option<String> = row.get(at + 3)?;
    let many: Option<String> = row.get(at + 7)?;
    let buckets = match many.and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok()) {
        Some(ids) if !ids.is_empty() => Some(ids),
        _ => single.map(|id| vec![id]),
    };
    Ok(KeyRow {
        key_id: row.get(at)?,
        key_name: row.get(at + 1)?,
        capabilities: serde_json::from_str(&caps).unwrap_or_default(),
        buckets,
        name_prefix: row.get(at + 4)?,
        expires_ms: row.get(at + 5)?,
        is_master: row.get(at + 6)?,
    })
}

fn key_from_row(row: &Row) -> rusqlite::Result<KeyRow> {
    key_at(row, 0)
}

impl Db<'_> {
    /// The key with this id, if `secret` matches (b2_authorize_account).
    pub fn key_with_secret(&self, key_id: &str, secret: &str) -> Result<Option<KeyRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEY_COLUMNS}, secret_hash FROM keys WHERE key_id = ?1"
        ))?;
        let found = stmt
            .query_row([key_id], |r| Ok((key_from_row(r)?, r.get::<_, String>(8)?)))
            .optional()?;
        Ok(found
            .filter(|(_, hash)| *hash == ids::secret_hash(key_id, secret))
            .map(|(k, _)| k))
    }

    /// A key with the secret that S3 requests are signed with; None for keys made by
    /// stores older than the S3-compatible API, which must be recreated for it.
    pub fn key_for_signing(&self, key_id: &str) -> Result<Option<(KeyRow, String)>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEY_COLUMNS}, s3_secret FROM keys WHERE key_id = ?1 AND s3_secret IS NOT NULL"
        ))?;
        Ok(stmt
            .query_row([key_id], |r| Ok((key_from_row(r)?, r.get::<_, String>(8)?)))
            .optional()?)
    }

    pub fn key(&self, key_id: &str) -> Result<Option<KeyRow>, ApiError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM keys WHERE key_id = ?1"))?;
        Ok(stmt.query_row([key_id], key_from_row).optional()?)
    }

    /// Creates a key; returns it with its secret.
    pub fn create_key(&self, new: NewKey) -> Result<(KeyRow, String), ApiError> {
        let counter = self.reserve("key", 1)?;
        let key_id = ids::key_id(self.account_id, counter);
        let secret = format!("K003{}", ids::random_secret(27));
        let buckets = new.buckets.filter(|ids| !ids.is_empty());
        // A single-bucket key also fills `bucket_id`, as stores before multi-bucket keys did.
        let single = match buckets.as_deref() {
            Some([only]) => Some(only.clone()),
            _ => None,
        };
        let many = buckets
            .as_ref()
            .map(|ids| serde_json::to_string(ids).unwrap_or_default());
        self.conn.execute(
            &format!(
                "INSERT INTO keys ({KEY_COLUMNS}, secret_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)"
            ),
            params![
                key_id,
                new.key_name,
                serde_json::to_string(&new.capabilities).unwrap_or_default(),
                single,
                new.name_prefix,
                new.expires_ms,
                many,
                ids::secret_hash(&key_id, &secret)
            ],
        )?;
        // AWS Signature V4 (the S3-compatible API) signs with the secret itself.
        self.conn.execute(
            "UPDATE keys SET s3_secret = ?2 WHERE key_id = ?1",
            params![key_id, secret],
        )?;
        let row = KeyRow {
            key_id,
            key_name: new.key_name,
            capabilities: new.capabilities,
            buckets,
            name_prefix: new.name_prefix,
            expires_ms: new.expires_ms,
            is_master: false,
        };
        Ok((row, secret))
    }

    /// Non-master keys by id from `start` (inclusive), at most `limit`; keys restricted
    /// to several buckets only with `multi_bucket`.
    pub fn keys(
        &self,
        start: &str,
        limit: usize,
        multi_bucket: bool,
    ) -> Result<Vec<KeyRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM keys WHERE is_master = 0 AND key_id >= ?1
               AND (?3 OR bucket_ids IS NULL OR json_array_length(bucket_ids) < 2)
             ORDER BY key_id LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    start,
                    i64::try_from(limit).unwrap_or(i64::MAX),
                    multi_bucket
                ],
                key_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Deletes a non-master key and every token issued for it.
    pub fn delete_key(&self, key_id: &str) -> Result<KeyRow, ApiError> {
        let key = self.key(key_id)?.filter(|k| !k.is_master).ok_or_else(|| {
            ApiError::bad_request(format!("application key does not exist: {key_id}"))
        })?;
        self.conn
            .execute("DELETE FROM keys WHERE key_id = ?1", [key_id])?;
        self.conn
            .execute("DELETE FROM tokens WHERE key_id = ?1", [key_id])?;
        Ok(key)
    }

    /// Issues a random opaque token for `key_id`.
    pub fn issue_token(
        &self,
        key_id: &str,
        kind: TokenKind,
        expires_ms: i64,
    ) -> Result<String, ApiError> {
        let (kind_text, target) = kind.parts();
        let token = format!("4_{key_id}_{}_{kind_text}", ids::random_hex(16));
        self.conn.execute(
            "INSERT INTO tokens (token, key_id, kind, target, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token, key_id, kind_text, target, expires_ms],
        )?;
        Ok(token)
    }

    /// A token and the key it belongs to (None if either is unknown).
    pub fn token(&self, token: &str) -> Result<Option<(TokenRow, KeyRow)>, ApiError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.kind, t.target, t.expires_ms, k.key_id, k.key_name, k.capabilities,
                    k.bucket_id, k.name_prefix, k.expires_ms, k.is_master, k.bucket_ids
             FROM tokens t JOIN keys k ON k.key_id = t.key_id WHERE t.token = ?1",
        )?;
        let found = stmt
            .query_row([token], |r| {
                let kind_text: String = r.get(0)?;
                let target: Option<String> = r.get(1)?;
                let target = target.unwrap_or_default();
                let kind = match kind_text.as_str() {
                    "upload" => TokenKind::Upload(target),
                    "part" => TokenKind::Part(target),
                    "download" => TokenKind::Download(target),
                    _ => TokenKind::Account,
                };
                let key = key_at(r, 3)?;
                Ok((
                    TokenRow {
                        token: token.to_string(),
                        kind,
                        expires_ms: r.get(2)?,
                    },
                    key,
                ))
            })
            .optional()?;
        Ok(found)
    }

    /// Expires every account authorization token issued so far.
    pub fn expire_account_tokens(&self) -> Result<usize, ApiError> {
        Ok(self
            .conn
            .execute("UPDATE tokens SET expires_ms = 0 WHERE kind = 'acct'", [])?)
    }
}
