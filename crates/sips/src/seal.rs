//! `Seal` = lowercase hex HMAC-SHA-256(secret key, Data), checked in constant time.

use crate::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &Secret<String>) -> HmacSha256 {
    // HMAC accepts keys of any length: this cannot fail.
    HmacSha256::new_from_slice(secret.expose().as_bytes()).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// The seal of `data`: lowercase hex HMAC-SHA-256.
pub fn seal(secret: &Secret<String>, data: &str) -> String {
    let mut mac = mac(secret);
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// True when `seal` is the seal of `data`, compared in constant time.
pub fn verify_seal(secret: &Secret<String>, data: &str, seal: &str) -> bool {
    let Ok(expected) = hex::decode(seal.trim()) else { return false };
    let mut mac = mac(secret);
    mac.update(data.as_bytes());
    mac.verify_slice(&expected).is_ok()
}
