//! API keys: random secrets shown once, stored only as SHA-256 hashes.

use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::schema::api_keys;
use super::{now_text, AnyConnection, StoreError};
use crate::domain::Role;

/// Who is calling: the key's id, role and department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The key's id (not secret; used in logs).
    pub key_id: String,
    /// The key's role.
    pub role: Role,
    /// The department code the key acts for.
    pub department: String,
}

/// Prefix that makes a Credence key recognisable in configuration files.
const KEY_PREFIX: &str = "crd_";

/// A fresh secret: 32 random bytes, hex-encoded behind the prefix.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", hex::encode(bytes))
}

/// The stored form of a secret. The secret has 256 bits of entropy, so a
/// plain SHA-256 is enough; a slow password hash would add nothing.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a key; returns the principal and the secret, which is never stored.
pub fn create(
    conn: &mut AnyConnection,
    role: Role,
    department: &str,
) -> Result<(Principal, String), StoreError> {
    let secret = generate_secret();
    let key_id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(&key_id),
            api_keys::key_hash.eq(hash_secret(&secret)),
            api_keys::role.eq(role.as_str()),
            api_keys::department.eq(department),
            api_keys::created_at.eq(now_text()),
        ))
        .execute(conn)?;
    let principal = Principal { key_id, role, department: department.to_owned() };
    Ok((principal, secret))
}

/// Finds the live key with this secret.
pub fn find(conn: &mut AnyConnection, secret: &str) -> Result<Option<Principal>, StoreError> {
    let row: Option<(String, String, String)> = api_keys::table
        .filter(api_keys::key_hash.eq(hash_secret(secret)))
        .filter(api_keys::revoked_at.is_null())
        .select((api_keys::id, api_keys::role, api_keys::department))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(key_id, role, department)| {
        let role = role.parse().ok()?;
        Some(Principal { key_id, role, department })
    }))
}

/// Revokes a key by id; answers whether a live key was revoked.
pub fn revoke(conn: &mut AnyConnection, key_id: &str) -> Result<bool, StoreError> {
    let n = diesel::update(api_keys::table)
        .filter(api_keys::id.eq(key_id))
        .filter(api_keys::revoked_at.is_null())
        .set(api_keys::revoked_at.eq(now_text()))
        .execute(conn)?;
    Ok(n == 1)
}
