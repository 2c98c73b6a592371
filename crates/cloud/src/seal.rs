//! Secrets at rest: customer passwords and router RADIUS secrets inside the stored synced
//! rows are sealed with AES-256-GCM (ring). The key comes from the configuration, never
//! from the database. Each value is bound to its purpose, tenant and row (the additional
//! authenticated data), so a sealed value copied into another row or tenant does not open.
//!
//! Format (base64url, no padding): version byte `1`, 12-byte random nonce, ciphertext with
//! its 16-byte tag.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use uuid::Uuid;

const VERSION: u8 = 1;

/// What a sealed value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    CustomerPassword,
    RadiusSecret,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::CustomerPassword => "customer-password",
            Purpose::RadiusSecret => "radius-secret",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a sealed {purpose} cannot be opened with this key")]
pub struct OpenError {
    pub purpose: &'static str,
}

pub struct Sealer {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Sealer {
        let key = UnboundKey::new(&AES_256_GCM, key).expect("a 32-byte key fits AES-256");
        Sealer {
            key: LessSafeKey::new(key),
            rng: SystemRandom::new(),
        }
    }

    /// A key as the configuration holds it: 32 bytes in base64 or base64url.
    pub fn parse_key(text: &str) -> Result<[u8; 32], String> {
        let text = text.trim().trim_end_matches('=');
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .or_else(|_| STANDARD_NO_PAD.decode(text))
            .map_err(|_| "not base64".to_owned())?;
        bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("{} bytes; AES-256 needs 32", b.len()))
    }

    /// A fresh random key in the configuration's form (what `cargo xtask cloud` uses).
    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        SystemRandom::new()
            .fill(&mut key)
            .expect("the system's random source works");
        URL_SAFE_NO_PAD.encode(key)
    }

    fn aad(purpose: Purpose, tenant: Uuid, row_id: &str) -> Vec<u8> {
        format!("ispdesk-cloud/{}/{tenant}/{row_id}", purpose.label()).into_bytes()
    }

    pub fn seal(&self, purpose: Purpose, tenant: Uuid, row_id: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .expect("the system's random source works");
        let mut buffer = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(Self::aad(purpose, tenant, row_id)),
                &mut buffer,
            )
            .expect("AES-GCM seals any length we store");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + buffer.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buffer);
        URL_SAFE_NO_PAD.encode(out)
    }

    pub fn open(
        &self,
        purpose: Purpose,
        tenant: Uuid,
        row_id: &str,
        sealed: &str,
    ) -> Result<String, OpenError> {
        let error = OpenError {
            purpose: purpose.label(),
        };
        let bytes = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| error.clone())?;
        let (&version, rest) = bytes.split_first().ok_or_else(|| error.clone())?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return Err(error);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| error.clone())?;
        let mut buffer = sealed.to_vec();
        let plain = self
            .key
            .open_in_place(
                nonce,
                Aad::from(Self::aad(purpose, tenant, row_id)),
                &mut buffer,
            )
            .map_err(|_| error.clone())?;
        String::from_utf8(plain.to_vec()).map_err(|_| error)
    }
}

impl Clone for OpenError {
    fn clone(&self) -> Self {
        OpenError {
            purpose: self.purpose,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_where_they_were_sealed() {
        let sealer = Sealer::new(&[7; 32]);
        let tenant = Uuid::now_v7();
        let sealed = sealer.seal(Purpose::CustomerPassword, tenant, "c1", "rahasia");
        assert!(!sealed.contains("rahasia"));
        assert_eq!(
            sealer
                .open(Purpose::CustomerPassword, tenant, "c1", &sealed)
                .unwrap(),
            "rahasia"
        );
        // Another row, tenant, purpose or key: refused.
        assert!(
            sealer
                .open(Purpose::CustomerPassword, tenant, "c2", &sealed)
                .is_err()
        );
        assert!(
            sealer
                .open(Purpose::CustomerPassword, Uuid::now_v7(), "c1", &sealed)
                .is_err()
        );
        assert!(
            sealer
                .open(Purpose::RadiusSecret, tenant, "c1", &sealed)
                .is_err()
        );
        assert!(
            Sealer::new(&[8; 32])
                .open(Purpose::CustomerPassword, tenant, "c1", &sealed)
                .is_err()
        );
        // Two seals of one value differ (random nonce).
        assert_ne!(
            sealed,
            sealer.seal(Purpose::CustomerPassword, tenant, "c1", "rahasia")
        );
    }

    #[test]
    fn keys_parse_from_either_base64() {
        let key = Sealer::generate_key();
        assert_eq!(Sealer::parse_key(&key).unwrap().len(), 32);
        let standard = base64::engine::general_purpose::STANDARD.encode([0xfb; 32]);
        assert_eq!(Sealer::parse_key(&standard).unwrap(), [0xfb; 32]);
        assert!(
            Sealer::parse_key("c2hvcnQ")
                .unwrap_err()
                .contains("5 bytes")
        );
    }
}
