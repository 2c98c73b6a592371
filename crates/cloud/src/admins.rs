//! Platform users (the platform's own staff): argon2id password hashes, and the super
//! admin created on first start from the configuration.

use crate::error::{Error, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use deadpool_postgres::Pool;
use uuid::Uuid;

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hash a password: {e}")))
}

/// Checks a password; an unreadable hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash of nothing anyone types, verified when the user name is unknown so that a wrong
/// name and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// Creates the super admin `username` unless a platform user of that name exists (a
/// password changed later is never overwritten from the configuration).
pub async fn bootstrap(pool: &Pool, username: &str, password: &str) -> Result<bool> {
    let client = pool.get().await?;
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM platform_users WHERE lower(username) = lower($1))",
            &[&username],
        )
        .await?
        .get(0);
    if exists {
        return Ok(false);
    }
    let hash = hash_password(password)?;
    client
        .execute(
            "INSERT INTO platform_users (id, username, password_hash, role) VALUES ($1, $2, $3, 'super_admin')
             ON CONFLICT DO NOTHING",
            &[&Uuid::now_v7(), &username, &hash],
        )
        .await?;
    tracing::info!(username, "created the platform's super admin");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }
}
