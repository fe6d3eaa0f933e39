//! Application keys (secrets kept only as hashes) and the tokens issued for them.

use rusqlite::{OptionalExtension, Row, params};

use super::Db;
use crate::emulator::error::ApiError;
use crate::emulator::ids;

/// Every capability the master key holds (§9.4 plus replications).
pub const ALL_CAPABILITIES: [&str; 26] = [
    "listKeys",
    "writeKeys",
    "deleteKeys",
    "listAllBucketNames",
    "listBuckets",
    "readBuckets",
    "writeBuckets",
    "deleteBuckets",
    "readBucketRetentions",
    "writeBucketRetentions",
    "readBucketEncryption",
    "writeBucketEncryption",
    "readBucketNotifications",
    "writeBucketNotifications",
    "readBucketReplications",
    "writeBucketReplications",
    "listFiles",
    "readFiles",
    "shareFiles",
    "writeFiles",
    "deleteFiles",
    "readFileLegalHolds",
    "writeFileLegalHolds",
    "readFileRetentions",
    "writeFileRetentions",
    "bypassGovernance",
];

#[derive(Debug, Clone, PartialEq)]
pub struct KeyRow {
    pub key_id: String,
    pub key_name: String,
    pub capabilities: Vec<String>,
    pub bucket_id: Option<String>,
    pub name_prefix: Option<String>,
    pub expires_ms: Option<i64>,
    pub is_master: bool,
}

impl KeyRow {
    pub fn has(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }
}

#[derive(Debug, Clone)]
pub struct NewKey {
    pub key_name: String,
    pub capabilities: Vec<String>,
    pub bucket_id: Option<String>,
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
    "key_id, key_name, capabilities, bucket_id, name_prefix, expires_ms, is_master";

fn key_from_row(row: &Row) -> rusqlite::Result<KeyRow> {
    let caps: String = row.get(2)?;
    Ok(KeyRow {
        key_id: row.get(0)?,
        key_name: row.get(1)?,
        capabilities: serde_json::from_str(&caps).unwrap_or_default(),
        bucket_id: row.get(3)?,
        name_prefix: row.get(4)?,
        expires_ms: row.get(5)?,
        is_master: row.get(6)?,
    })
}

impl Db<'_> {
    /// The key with this id, if `secret` matches (b2_authorize_account).
    pub fn key_with_secret(&self, key_id: &str, secret: &str) -> Result<Option<KeyRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEY_COLUMNS}, secret_hash FROM keys WHERE key_id = ?1"
        ))?;
        let found = stmt
            .query_row([key_id], |r| Ok((key_from_row(r)?, r.get::<_, String>(7)?)))
            .optional()?;
        Ok(found
            .filter(|(_, hash)| *hash == ids::secret_hash(key_id, secret))
            .map(|(k, _)| k))
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
        self.conn.execute(
            &format!(
                "INSERT INTO keys ({KEY_COLUMNS}, secret_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)"
            ),
            params![
                key_id,
                new.key_name,
                serde_json::to_string(&new.capabilities).unwrap_or_default(),
                new.bucket_id,
                new.name_prefix,
                new.expires_ms,
                ids::secret_hash(&key_id, &secret)
            ],
        )?;
        let row = KeyRow {
            key_id,
            key_name: new.key_name,
            capabilities: new.capabilities,
            bucket_id: new.bucket_id,
            name_prefix: new.name_prefix,
            expires_ms: new.expires_ms,
            is_master: false,
        };
        Ok((row, secret))
    }

    /// Non-master keys by id from `start` (inclusive), at most `limit`.
    pub fn keys(&self, start: &str, limit: usize) -> Result<Vec<KeyRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM keys WHERE is_master = 0 AND key_id >= ?1 ORDER BY key_id LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(
                params![start, i64::try_from(limit).unwrap_or(i64::MAX)],
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
                    k.bucket_id, k.name_prefix, k.expires_ms, k.is_master
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
                let caps: String = r.get(5)?;
                let key = KeyRow {
                    key_id: r.get(3)?,
                    key_name: r.get(4)?,
                    capabilities: serde_json::from_str(&caps).unwrap_or_default(),
                    bucket_id: r.get(6)?,
                    name_prefix: r.get(7)?,
                    expires_ms: r.get(8)?,
                    is_master: r.get(9)?,
                };
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
