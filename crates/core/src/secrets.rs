//! Secrets at rest: router API passwords, RADIUS shared secrets and subscriber passwords
//! are sealed with AES-256-GCM (ring) before they are stored.
//!
//! The key never enters the database. It lives in a key file beside it
//! (`<database>.key`, 32 random bytes, readable only by the user on Unix; in the user's
//! private profile folder on Windows) — the issue allows the OS keyring or such a file, and
//! a file behaves the same on every platform and in CI. Backups do not contain it.
//!
//! The database records each key's id with a value sealed by it (`secret_keys`), so a
//! database moved to another machine (a restored backup, a new PC) is recognised: the
//! secrets FreeRADIUS keeps in clear in its own tables (subscriber passwords in
//! `radcheck`, shared secrets in `nas`) are sealed again under the new key, and router API
//! passwords, which exist nowhere else, are cleared so the app asks for them again.

use crate::error::{Error, Result};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::{Path, PathBuf};

const VERSION: u8 = 1;
const PROBE: &[u8] = b"ispdesk secret key probe";

/// What a sealed value is for; bound into the ciphertext so one can't be swapped for
/// another.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    RouterApiPassword,
    RadiusSecret,
    CustomerPassword,
    PlatformToken,
    Probe,
}

impl Purpose {
    fn aad(self) -> &'static [u8] {
        match self {
            Purpose::RouterApiPassword => b"routers.api_password",
            Purpose::RadiusSecret => b"routers.radius_secret",
            Purpose::CustomerPassword => b"customers.password",
            Purpose::PlatformToken => b"sync_state.platform_token",
            Purpose::Probe => b"secret_keys.probe",
        }
    }
}

pub struct Vault {
    key: LessSafeKey,
    key_id: String,
    rng: SystemRandom,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Where the key of the database at `db_path` lives.
pub fn key_path(db_path: &Path) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".key");
    db_path.with_file_name(name)
}

impl Vault {
    fn from_key(bytes: &[u8]) -> Result<Vault> {
        let key = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| Error::Internal("the secret key file is damaged".into()))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        Ok(Vault {
            key: LessSafeKey::new(key),
            key_id: hex(&digest.as_ref()[..8]),
            rng: SystemRandom::new(),
        })
    }

    /// Reads the key beside the database, creating it on first use.
    pub fn load_or_create(db_path: &Path) -> Result<Vault> {
        let path = key_path(db_path);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = unhex(&text).filter(|b| b.len() == 32).ok_or_else(|| {
                    Error::Internal(format!("the secret key file {} is damaged", path.display()))
                })?;
                Vault::from_key(&bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                SystemRandom::new()
                    .fill(&mut bytes)
                    .map_err(|_| Error::Internal("no system randomness".into()))?;
                write_private(&path, &hex(&bytes))?;
                Vault::from_key(&bytes)
            }
            Err(e) => Err(Error::Internal(format!(
                "cannot read the secret key file {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// `[version][nonce][ciphertext and tag]`.
    pub fn seal(&self, purpose: Purpose, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .expect("the system random source works");
        let mut data = plaintext.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.aad()),
                &mut data,
            )
            .expect("sealing cannot fail for in-memory data");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + data.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&data);
        out
    }

    /// Opens a sealed value; `None` when it was sealed with another key, for another
    /// purpose, or tampered with.
    pub fn open(&self, purpose: Purpose, sealed: &[u8]) -> Option<String> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return None;
        }
        let nonce = Nonce::try_assume_unique_for_key(&sealed[1..1 + NONCE_LEN]).ok()?;
        let mut data = sealed[1 + NONCE_LEN..].to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(purpose.aad()), &mut data)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }

    pub fn probe(&self) -> Vec<u8> {
        self.seal(Purpose::Probe, std::str::from_utf8(PROBE).expect("ascii"))
    }

    pub fn opens_probe(&self, probe: &[u8]) -> bool {
        self.open(Purpose::Probe, probe)
            .is_some_and(|p| p.as_bytes() == PROBE)
    }
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    let io = |e: std::io::Error| {
        Error::Internal(format!(
            "cannot write the secret key file {}: {e}",
            path.display()
        ))
    };
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)
    }
    #[cfg(not(unix))]
    {
        // The per-user data folder on Windows is private to the user already.
        std::fs::write(path, text).map_err(io)
    }
}

/// Makes sure the secrets in the database open with `vault`'s key. On a database whose
/// secrets were sealed with another key (moved from another machine), seals again what
/// can be recovered from FreeRADIUS's own tables and clears what cannot, logging it.
pub(crate) fn reconcile(
    conn: &mut rusqlite::Connection,
    vault: &Vault,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let keys: Vec<(String, Vec<u8>)> = conn
        .prepare("SELECT key_id, probe FROM secret_keys")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if keys
        .iter()
        .any(|(id, probe)| id == vault.key_id() && vault.opens_probe(probe))
    {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let stamp = ispdesk_domain::time::to_storage(now);
    let mut recovered = 0u32;
    let mut lost = Vec::new();
    let customers: Vec<(String, String, Vec<u8>)> = tx
        .prepare("SELECT id, username, password_enc FROM customers")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, username, sealed) in customers {
        if vault.open(Purpose::CustomerPassword, &sealed).is_some() {
            continue;
        }
        let clear: Option<String> = tx
            .query_row(
                "SELECT value FROM radcheck WHERE username = ?1 AND attribute = 'Cleartext-Password' ORDER BY id LIMIT 1",
                [&username],
                |r| r.get(0),
            )
            .ok();
        let password = match clear {
            Some(p) => {
                recovered += 1;
                p
            }
            None => {
                // Nothing to recover from: a new password, which staff give the subscriber.
                lost.push(username.clone());
                crate::customers::generate_password()
            }
        };
        tx.execute(
            "UPDATE customers SET password_enc = ?2, rev = rev + 1, updated_at = ?3 WHERE id = ?1",
            (
                &id,
                vault.seal(Purpose::CustomerPassword, &password),
                &stamp,
            ),
        )?;
    }
    // (id, address, sealed RADIUS secret, sealed API password)
    type RouterSecrets = (String, String, Option<Vec<u8>>, Option<Vec<u8>>);
    let routers: Vec<RouterSecrets> = tx
        .prepare("SELECT id, address, radius_secret_enc, api_password_enc FROM routers")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut api_cleared = 0u32;
    for (id, address, secret, api) in routers {
        let secret_ok = secret
            .as_deref()
            .is_none_or(|s| vault.open(Purpose::RadiusSecret, s).is_some());
        let api_ok = api
            .as_deref()
            .is_none_or(|s| vault.open(Purpose::RouterApiPassword, s).is_some());
        if secret_ok && api_ok {
            continue;
        }
        let new_secret = if secret_ok {
            secret
        } else {
            tx.query_row(
                "SELECT secret FROM nas WHERE nasname = ?1",
                [&address],
                |r| r.get::<_, String>(0),
            )
            .ok()
            .map(|s| {
                recovered += 1;
                vault.seal(Purpose::RadiusSecret, &s)
            })
        };
        if !api_ok {
            api_cleared += 1;
        }
        tx.execute(
            "UPDATE routers SET radius_secret_enc = ?2, api_password_enc = ?3, rev = rev + 1, updated_at = ?4 WHERE id = ?1",
            (&id, new_secret, if api_ok { api } else { None }, &stamp),
        )?;
    }
    if !keys.is_empty() {
        crate::activity::record(
            &tx,
            now,
            &crate::activity::Who::system(),
            "secrets_recovered",
            "secret_key",
            Some(vault.key_id()),
            "",
            None,
            Some(serde_json::json!({
                "recovered": recovered,
                "customers_with_new_password": lost,
                "routers_needing_api_password": api_cleared,
            })),
        )?;
    }
    tx.execute(
        "INSERT INTO secret_keys (key_id, created_at, probe) VALUES (?1, ?2, ?3)
         ON CONFLICT (key_id) DO UPDATE SET probe = excluded.probe",
        (vault.key_id(), &stamp, vault.probe()),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_for_the_same_purpose_only() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::load_or_create(&dir.path().join("db.sqlite")).unwrap();
        let sealed = vault.seal(Purpose::RadiusSecret, "rahasia-radius");
        assert!(!sealed.windows(6).any(|w| w == b"rahasi"));
        assert_eq!(
            vault.open(Purpose::RadiusSecret, &sealed).as_deref(),
            Some("rahasia-radius")
        );
        assert_eq!(vault.open(Purpose::RouterApiPassword, &sealed), None);
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(vault.open(Purpose::RadiusSecret, &tampered), None);
        assert_ne!(
            vault.seal(Purpose::RadiusSecret, "x"),
            vault.seal(Purpose::RadiusSecret, "x")
        );
    }

    #[test]
    fn the_key_file_is_reused_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite");
        let a = Vault::load_or_create(&db).unwrap();
        let b = Vault::load_or_create(&db).unwrap();
        assert_eq!(a.key_id(), b.key_id());
        assert!(b.opens_probe(&a.probe()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&db))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600);
        }
        let other = Vault::load_or_create(&dir.path().join("other.sqlite")).unwrap();
        assert!(!other.opens_probe(&a.probe()));
    }
}
