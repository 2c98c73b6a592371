//! Bearer tokens (device tokens, admin sessions) and pairing codes: random, shown once,
//! stored only as their SHA-256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

/// Letters and digits nobody confuses when reading a code aloud or off a screen: no
/// `0 O 1 I L`. 31 symbols, so 8 of them are almost 40 bits.
pub const PAIRING_ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const PAIRING_CODE_LEN: usize = 8;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system's random source works");
    bytes
}

/// 32 random bytes, base64url without padding (43 characters).
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

pub fn hash(secret: &str) -> Vec<u8> {
    digest(&SHA256, secret.as_bytes()).as_ref().to_vec()
}

/// A fresh pairing code, e.g. `K7QH-M2XP` without the dash.
pub fn new_pairing_code() -> String {
    let mut code = String::with_capacity(PAIRING_CODE_LEN);
    while code.len() < PAIRING_CODE_LEN {
        for b in random_bytes::<16>() {
            // 248 = 8 × 31: rejecting the rest keeps every symbol equally likely.
            if b < 248 && code.len() < PAIRING_CODE_LEN {
                code.push(char::from(PAIRING_ALPHABET[usize::from(b % 31)]));
            }
        }
    }
    code
}

/// A code as a person may type it: any case, with spaces or dashes.
pub fn normalize_pairing_code(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_codes_use_the_unambiguous_alphabet() {
        for _ in 0..200 {
            let code = new_pairing_code();
            assert_eq!(code.len(), PAIRING_CODE_LEN);
            assert!(
                code.chars()
                    .all(|c| !"0O1IL".contains(c) && c.is_ascii_alphanumeric()),
                "{code}"
            );
        }
        assert_eq!(normalize_pairing_code(" k7qh-m2xp "), "K7QHM2XP");
    }

    #[test]
    fn tokens_are_32_bytes_and_hash_to_sha256() {
        let token = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32);
        assert_eq!(hash(&token).len(), 32);
        assert_ne!(new_token(), token);
    }
}
